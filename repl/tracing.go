package repl

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/executor/cluster"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/types"
	"github.com/cqlscan/cqlscan/repl/render"
)

// tracer is a connection that can run a statement with Cassandra's request tracing and read traces
// back (cqlsh's TRACING and SHOW SESSION); *cluster.Conn is one.
type tracer interface {
	ExecTraced(ctx context.Context, stmt, keyspace string) (executor.Result, []gocql.UUID, error)
	Trace(ctx context.Context, id gocql.UUID, wait time.Duration) (*cluster.Trace, error)
}

// maxTraceWait is how long a trace is waited for before what there is of it is shown, as cqlsh's
// default max_trace_wait.
const maxTraceWait = 10 * time.Second

// scanTraceNote is what TRACING ON says about a statement cqlscan scans itself.
const scanTraceNote = "Tracing covers statements Cassandra answers as written; cqlscan answered this one " +
	"with many range queries: see --stats or EXPLAIN ANALYZE for what each host did."

func (s *Session) tracingCmd(_ context.Context, arg string) error {
	if _, ok := s.Cluster.(tracer); !ok && strings.EqualFold(arg, "ON") {
		return errors.New("this connection cannot trace requests")
	}
	return s.toggle("TRACING", &s.tracing, arg)
}

// traced runs a statement as written with tracing on and prints its result, warnings and traces.
func (s *Session) traced(ctx context.Context, tr tracer, text string) error {
	res, ids, err := tr.ExecTraced(ctx, text, s.Keyspace)
	if err != nil {
		return err
	}
	if len(res.Columns) > 0 {
		if err := s.print(&render.Result{Columns: res.Columns, Rows: res.Rows}); err != nil {
			return err
		}
	}
	s.printWarnings(res.Warnings)
	for _, id := range ids {
		if err := s.printTrace(ctx, tr, id, maxTraceWait, true); err != nil {
			fmt.Fprintf(s.Err, "Unable to fetch query trace: %v\n", err)
		}
	}
	return nil
}

// showSession prints a trace session by its id (SHOW SESSION <uuid>).
func (s *Session) showSession(ctx context.Context, arg string) error {
	tr, ok := s.Cluster.(tracer)
	if !ok {
		return errors.New("this connection cannot read traces")
	}
	id, err := gocql.ParseUUID(strings.TrimSpace(arg))
	if err != nil {
		return fmt.Errorf("SHOW SESSION %q: want a trace session id (a uuid)", arg)
	}
	return s.printTrace(ctx, tr, id, 0, false) // as cqlsh: what there is now, not waiting
}

// printTrace prints a trace as cqlsh does: "Tracing session: <id>", then a table of the request,
// each event ("activity [thread]") and "Request complete", with times in the local zone. It waits
// up to wait for the trace to be complete. With ofStatement, the trace of a statement just run, the
// driver's own preparation of the statement is left out (cqlsh does not prepare).
func (s *Session) printTrace(ctx context.Context, tr tracer, id gocql.UUID, wait time.Duration, ofStatement bool) error {
	t, err := tr.Trace(ctx, id, wait)
	if errors.Is(err, cluster.ErrNoTrace) {
		return fmt.Errorf("Session %s wasn't found.", id)
	}
	if err != nil {
		return err
	}
	if ofStatement && strings.HasPrefix(t.Request, "Preparing") {
		return nil
	}
	if t.Duration == 0 && wait > 0 {
		fmt.Fprintf(s.Err, "Statement trace did not complete within %d seconds; trace data may be incomplete.\n", int(wait.Seconds()))
	}
	out := s.out()
	fmt.Fprintf(out, "\nTracing session: %s\n", t.ID)
	if err := render.Write(out, traceResult(t), render.Options{Format: render.Table, NoFooter: true, Display: s.Display}); err != nil {
		return err
	}
	_, err = fmt.Fprintln(out)
	return err
}

// traceResult is a trace as the rows cqlsh shows.
func traceResult(t *cluster.Trace) *render.Result {
	text := types.Of(types.Text)
	res := &render.Result{Columns: []planner.OutputColumn{
		{Name: "activity", Type: text}, {Name: "timestamp", Type: text}, {Name: "source", Type: text},
		{Name: "source_elapsed", Type: text}, {Name: "client", Type: text},
	}}
	add := func(activity string, at time.Time, source, elapsed string) {
		res.Rows = append(res.Rows, executor.Row{activity, localTime(at), source, elapsed, t.Client})
	}
	add(t.Request, t.Started, t.Coordinator, "0")
	for _, e := range t.Events {
		elapsed := "--"
		if e.Elapsed >= 0 {
			elapsed = strconv.FormatInt(e.Elapsed, 10)
		}
		add(e.Activity+" ["+e.Thread+"]", e.At, e.Source, elapsed)
	}
	if t.Duration > 0 {
		add("Request complete", t.Started.Add(t.Duration), t.Coordinator, strconv.FormatInt(t.Duration.Microseconds(), 10))
	}
	return res
}

// localTime prints a time in the local zone as Python prints a datetime: microseconds only when
// there are any.
func localTime(t time.Time) string {
	t = t.In(time.Local)
	if t.Nanosecond()/1000 == 0 {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("2006-01-02 15:04:05.000000")
}

// serialSetter is a connection whose serial consistency can be set (cqlsh's SERIAL CONSISTENCY).
type serialSetter interface {
	SetSerialConsistency(level string) error
	SerialConsistency() string
}

// serial is SERIAL CONSISTENCY [level].
func (s *Session) serial(_ context.Context, arg string) error {
	word, level := firstWord(arg)
	if !strings.EqualFold(word, "CONSISTENCY") {
		return fmt.Errorf("SERIAL %s: use SERIAL CONSISTENCY [SERIAL|LOCAL_SERIAL]", arg)
	}
	sc, ok := s.Cluster.(serialSetter)
	if !ok {
		return errors.New("this connection has no serial consistency")
	}
	if level == "" {
		fmt.Fprintf(s.Err, "Current serial consistency level is %s.\n", sc.SerialConsistency())
		return nil
	}
	if err := sc.SetSerialConsistency(level); err != nil {
		return err
	}
	fmt.Fprintf(s.Err, "Serial consistency level set to %s.\n", sc.SerialConsistency())
	return nil
}
