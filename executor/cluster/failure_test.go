package cluster

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/cqlscan/cqlscan/executor"
)

// TestConsistencyFailures: Cassandra's Unavailable is its own kind (the host that says it is up, so
// the range must not fail as "every replica is down"), and both it and a read timeout short of the
// level's replicas say which level could not be met, with how many replicas it had and needed.
func TestConsistencyFailures(t *testing.T) {
	unavailable := &gocql.RequestErrUnavailable{Consistency: gocql.All, Required: 3, Alive: 2}
	// A read timeout built by hand has no error code in its frame, so its kind (Timeout, by code) is
	// not checked here.
	const unchecked = executor.FailureKind(-1)
	cases := []struct {
		name string
		err  error
		kind executor.FailureKind
		says string // "" when the error is to be left as it is
	}{
		{"unavailable at ALL", unavailable, executor.Unavailable, "consistency level ALL cannot be met: 2 replicas are alive and it needs 3; start the replicas that are down, or read at a lower level (CONSISTENCY QUORUM)"},
		{"unavailable, wrapped", fmt.Errorf("page 3: %w", &gocql.RequestErrUnavailable{Consistency: gocql.LocalQuorum, Required: 2, Alive: 1}), executor.Unavailable, "consistency level LOCAL_QUORUM cannot be met: 1 replica is alive and it needs 2; start the replicas that are down, or read at a lower level (CONSISTENCY LOCAL_ONE)"},
		{"unavailable at ONE", &gocql.RequestErrUnavailable{Consistency: gocql.One, Required: 1, Alive: 0}, executor.Unavailable, "consistency level ONE cannot be met: 0 replicas are alive and it needs 1; start the replicas that are down"},
		{"read timeout short of ALL", &gocql.RequestErrReadTimeout{Consistency: gocql.All, Received: 2, BlockFor: 3}, unchecked, "consistency level ALL was not met in time: 2 of the 3 replicas it needs answered"},
		{"read timeout with every answer", &gocql.RequestErrReadTimeout{Consistency: gocql.Quorum, Received: 2, BlockFor: 2}, unchecked, ""},
		{"no response", gocql.ErrTimeoutNoResponse, executor.Timeout, ""},
		{"connection lost", errors.New("connection reset by peer"), executor.HostFailure, ""},
	}
	for _, c := range cases {
		if got := failureKind(c.err); c.kind != unchecked && got != c.kind {
			t.Errorf("%s: kind %v, want %v", c.name, got, c.kind)
		}
		explained := consistencyFailure(c.err)
		var ce *executor.ConsistencyError
		if c.says == "" {
			if explained != c.err {
				t.Errorf("%s: rewritten as %v", c.name, explained)
			}
			continue
		}
		if !errors.As(explained, &ce) || !errors.Is(explained, c.err) {
			t.Errorf("%s: %v (%T) is not a ConsistencyError wrapping the driver's", c.name, explained, explained)
			continue
		}
		if msg := explained.Error(); !strings.HasPrefix(msg, c.says) || strings.Contains(msg, "every replica is down") {
			t.Errorf("%s: says %q, want %q", c.name, msg, c.says)
		}
		if again := consistencyFailure(explained); again != explained {
			t.Errorf("%s: explained twice: %v", c.name, again)
		}
	}
}
