package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/cqlscan/cqlscan/executor"
)

// Trace is a request's trace as Cassandra records it in system_traces: the session row and its
// events in the order they happened.
type Trace struct {
	ID          gocql.UUID
	Request     string // e.g. "Execute CQL3 query"
	Coordinator string
	Client      string
	Started     time.Time
	// Duration is how long the coordinator took; zero while the request has not finished.
	Duration time.Duration
	Events   []TraceEvent
}

// TraceEvent is one step of a traced request on one node.
type TraceEvent struct {
	Activity, Thread, Source string
	At                       time.Time
	// Elapsed is the time since the request reached Source, in microseconds; -1 when unknown.
	Elapsed int64
}

// ErrNoTrace is a trace session Cassandra has no record of (yet).
var ErrNoTrace = errors.New("no such trace session")

// traceIDs collects the trace ids the driver reports for a query's requests.
type traceIDs struct {
	mu  sync.Mutex
	ids []gocql.UUID
}

// Trace implements gocql.Tracer.
func (t *traceIDs) Trace(id []byte) {
	u, err := gocql.UUIDFromBytes(id)
	if err != nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ids = append(t.ids, u)
}

// ExecTraced is Exec with Cassandra's request tracing on; it also returns the trace session ids,
// one per request (a statement of several pages makes several).
func (c *Conn) ExecTraced(ctx context.Context, stmt, keyspace string) (executor.Result, []gocql.UUID, error) {
	ids := &traceIDs{}
	res, err := c.exec(ctx, c.asWritten(stmt, keyspace).Trace(ids))
	ids.mu.Lock()
	defer ids.mu.Unlock()
	return res, ids.ids, err
}

// Trace reads trace session id from system_traces. Cassandra writes a trace in the background, so it
// waits up to wait for the session to be complete (its duration recorded), as cqlsh does, and then
// returns what there is; a session with no record at all is ErrNoTrace.
func (c *Conn) Trace(ctx context.Context, id gocql.UUID, wait time.Duration) (*Trace, error) {
	deadline := time.Now().Add(wait)
	for {
		t, err := c.readTrace(ctx, id)
		if err != nil && !errors.Is(err, ErrNoTrace) {
			return nil, err
		}
		if (t != nil && t.Duration > 0) || !time.Now().Before(deadline) {
			if t == nil {
				return nil, fmt.Errorf("%w %s", ErrNoTrace, id)
			}
			return t, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// readTrace reads a trace session's row and events once.
func (c *Conn) readTrace(ctx context.Context, id gocql.UUID) (*Trace, error) {
	var (
		t        = &Trace{ID: id}
		duration *int
		client   net.IP
		coord    net.IP
	)
	err := c.s.Query(`SELECT request, coordinator, client, started_at, duration FROM system_traces.sessions WHERE session_id = ?`, id).
		Consistency(gocql.One).WithContext(ctx).Scan(&t.Request, &coord, &client, &t.Started, &duration)
	if errors.Is(err, gocql.ErrNotFound) {
		return nil, ErrNoTrace
	}
	if err != nil {
		return nil, fmt.Errorf("reading trace %s: %w", id, err)
	}
	t.Coordinator, t.Client = ipText(coord), ipText(client)
	if duration != nil {
		t.Duration = time.Duration(*duration) * time.Microsecond
	}
	iter := c.s.Query(`SELECT event_id, activity, source, source_elapsed, thread FROM system_traces.events WHERE session_id = ?`, id).
		Consistency(gocql.One).WithContext(ctx).Iter()
	var (
		ev      TraceEvent
		eventID gocql.UUID
		source  net.IP
		elapsed *int
	)
	for iter.Scan(&eventID, &ev.Activity, &source, &elapsed, &ev.Thread) {
		ev.At, ev.Source, ev.Elapsed = eventID.Time().UTC(), ipText(source), -1
		if elapsed != nil {
			ev.Elapsed = int64(*elapsed)
		}
		t.Events = append(t.Events, ev)
		elapsed = nil
	}
	if err := iter.Close(); err != nil {
		return nil, fmt.Errorf("reading trace %s: %w", id, err)
	}
	return t, nil
}

func ipText(ip net.IP) string {
	if ip == nil {
		return ""
	}
	return ip.String()
}
