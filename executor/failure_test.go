package executor

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// unavailableTable answers every count with Cassandra's Unavailable at ALL: its hosts are up, but
// one replica of three is down.
type unavailableTable struct {
	mu    sync.Mutex
	calls int
}

func (u *unavailableTable) QueryPage(ctx context.Context, req PageRequest) (Page, error) {
	u.mu.Lock()
	u.calls++
	u.mu.Unlock()
	return Page{}, &QueryError{Kind: Unavailable, Err: &ConsistencyError{Level: "ALL", Have: 2, Need: 3, Err: errors.New("Cannot achieve consistency level ALL")}}
}

// TestUnavailableIsNotADeadReplica: ranges whose coordinators say the consistency level cannot be
// met are retried and then fail saying so — not "every replica is down", which is what counting an
// Unavailable as a host failure used to report after trying each replica once.
func TestUnavailableIsNotADeadReplica(t *testing.T) {
	u := &unavailableTable{}
	const retries = 2
	it, err := New(u, Options{Concurrency: 4, RetryBase: time.Microsecond, MaxRetries: retries, KeepGoing: true}).Build(countPlan(t, threeHosts(), 3, 6))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Drain(context.Background(), it)
	var se *ScanError
	if !errors.As(err, &se) || len(se.Failed) == 0 {
		t.Fatalf("error %v, want every range failed", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "every replica is down") || !strings.Contains(msg, "consistency level ALL cannot be met: 2 replicas are alive and it needs 3") {
		t.Errorf("the failure does not say the level cannot be met:\n%s", msg)
	}
	var ce *ConsistencyError
	if !errors.As(err, &ce) {
		t.Errorf("no ConsistencyError in %v", err)
	}
	if want := len(se.Failed) * (retries + 1); u.calls != want {
		t.Errorf("%d requests for %d ranges, want %d: each range retried %d times", u.calls, len(se.Failed), want, retries)
	}
}
