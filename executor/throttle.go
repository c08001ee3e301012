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
	return t.requests.Wait(ctx)
}

// paid waits until n rows fit under the row rate, in chunks no larger than the limiter's burst.
func (t *throttle) paid(ctx context.Context, n int64) error {
	if t.rows == nil {
		return nil
	}
	for n > 0 {
		chunk := min(n, int64(t.rows.Burst()))
		if err := t.rows.WaitN(ctx, int(chunk)); err != nil {
			return err
		}
		n -= chunk
	}
	return nil
}
