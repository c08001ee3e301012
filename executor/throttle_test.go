package executor

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestThrottleWaitEndsAtTheDeadline: a rate wait that would outlast the run's deadline ends at the
// deadline with context.DeadlineExceeded (what saves a checkpoint), not at once with the limiter's
// own "would exceed context deadline", and a cancellation ends it at once as a cancellation.
func TestThrottleWaitEndsAtTheDeadline(t *testing.T) {
	cases := []struct {
		name              string
		requests, rows    float64       // the limits, per second (the row limiter's burst is 50)
		spend             int64         // rows to pay for; 0: one request
		timeout, cancelAt time.Duration // the run's deadline, or when it is cancelled
		want              error
		least, most       time.Duration // how long the wait may take
	}{
		{"rows past a deadline", 0, 100, 500, 300 * time.Millisecond, 0, context.DeadlineExceeded, 250 * time.Millisecond, 2 * time.Second},
		{"a request past a deadline", 0.5, 0, 0, 300 * time.Millisecond, 0, context.DeadlineExceeded, 250 * time.Millisecond, 2 * time.Second},
		{"rows cancelled", 0, 100, 500, 0, 200 * time.Millisecond, context.Canceled, 150 * time.Millisecond, 2 * time.Second},
		{"rows within the deadline", 0, 1000, 200, 5 * time.Second, 0, nil, 100 * time.Millisecond, 3 * time.Second},
	}
	for _, c := range cases {
		ctx, cancel := context.WithCancel(context.Background())
		if c.timeout > 0 {
			var stop context.CancelFunc
			ctx, stop = context.WithTimeout(ctx, c.timeout)
			defer stop()
		}
		if c.cancelAt > 0 {
			time.AfterFunc(c.cancelAt, cancel)
		}
		th := newThrottle(c.requests, c.rows, 50)
		began := time.Now()
		var err error
		if c.spend > 0 {
			err = th.paid(ctx, c.spend)
		} else {
			err = th.request(ctx)
		}
		took := time.Since(began)
		cancel()
		if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.want)
		}
		if took < c.least || took > c.most {
			t.Errorf("%s: the wait took %v, want between %v and %v", c.name, took, c.least, c.most)
		}
	}
}
