package executor

import (
	"context"
	"time"

	"golang.org/x/time/rate"
)

// throttle bounds the load a run puts on the cluster: requests per second, and rows per second
// (read, or counted by the replicas). Rows are paid for after a page arrives, since only then is
// their number known; over a run the average rate stays under the limit. Both start empty, so a run
// of N rows limited to R rows/s takes at least N/R seconds.
type throttle struct {
	requests, rows *rate.Limiter
}

func newThrottle(maxRequests, maxRows float64, fetchSize int) *throttle {
	t := &throttle{}
	now := time.Now()
	if maxRequests > 0 {
		t.requests = rate.NewLimiter(rate.Limit(maxRequests), 1)
		t.requests.AllowN(now, 1)
	}
	if maxRows > 0 {
		t.rows = rate.NewLimiter(rate.Limit(maxRows), max(fetchSize, 1))
		t.rows.AllowN(now, t.rows.Burst())
	}
	return t
}

// request waits for the right to send one request.
func (t *throttle) request(ctx context.Context) error {
	if t.requests == nil {
		return nil
	}
	return limiterWait(ctx, t.requests, 1)
}

// paid waits until n rows fit under the row rate, in chunks no larger than the limiter's burst.
func (t *throttle) paid(ctx context.Context, n int64) error {
	if t.rows == nil {
		return nil
	}
	for n > 0 {
		chunk := min(n, int64(t.rows.Burst()))
		if err := limiterWait(ctx, t.rows, int(chunk)); err != nil {
			return err
		}
		n -= chunk
	}
	return nil
}

// limiterWait waits for n tokens of l. A wait that would end after ctx's deadline is the deadline: the
// limiter refuses it at once with an error of its own, which would end the run early as a failure of
// its own kind and save nothing; instead the worker waits for the deadline (the other workers go on
// reading until then) and returns the context's error, so the run ends as a timeout and keeps its
// progress.
func limiterWait(ctx context.Context, l *rate.Limiter, n int) error {
	err := l.WaitN(ctx, n)
	if err == nil || ctx.Err() != nil {
		return err
	}
	if _, ok := ctx.Deadline(); !ok || n > l.Burst() {
		return err // n above the burst: a caller's mistake, not a timeout
	}
	<-ctx.Done()
	return ctx.Err()
}
