package repl

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"strings"
	"time"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/executor/cursor"
	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/repl/batchout"
	"github.com/cqlscan/cqlscan/repl/render"
)

// DefaultSettle is how far behind the start of a cursor run its new mark is set (--settle). A write
// can become visible after the moment its timestamp names: the timestamp is taken by the client or
// the coordinator before the write travels, is applied on the replicas and acknowledged (up to
// write_request_timeout, 2 s by default, plus the driver's retries), and clocks of clients and
// nodes differ by what NTP leaves. A write stamped before the new mark must be readable when the
// run reads its range; 10 s covers the default timeouts and ordinary skew with room to spare.
const DefaultSettle = 10 * time.Second

// DefaultBatchRows is the rows per batch of a cursor run (--batch-rows).
const DefaultBatchRows = 10000

// CursorSettings are the settings of incremental reads.
type CursorSettings struct {
	// Cursor is the cursor file (--cursor, SET CURSOR): when set, every SELECT returns only the rows
	// written or updated since the cursor's mark, and moves the mark when it succeeds.
	Cursor string
	// Since is where a new cursor starts (--since; "" from the beginning).
	Since string
	// Settle is how far behind the run's start the new mark is set (see DefaultSettle; the command
	// line's default). Zero is allowed, and unsafe.
	Settle time.Duration
	// OutDir, when set, receives a cursor run's rows as numbered batch files; else they go to Out.
	OutDir string
	// BatchRows is the rows of each batch (see DefaultBatchRows).
	BatchRows int
}

// cursorConsistencyNote is printed when a cursor reads at a level that may miss a write.
const cursorConsistencyNote = "cursor: warning: reading at consistency %s with replication factor %d: a write acknowledged by " +
	"other replicas only can be missed for good; use CONSISTENCY QUORUM (with writes at QUORUM), or LOCAL_QUORUM in one data centre"

// runCursor runs a SELECT as an incremental read of the session's cursor: it delivers the rows
// changed since the cursor's mark, in batches, and moves the cursor only after every batch is
// written. With explain it prints the plan instead.
func (s *Session) runCursor(ctx context.Context, sel *parser.Select, explain bool) error {
	if s.Checkpoint != "" || s.Resume != "" {
		return fmt.Errorf("%w: --checkpoint and --resume do not apply to cursor runs; the cursor file is their checkpoint (a run that stops is carried on by the next)", planner.ErrCursor)
	}
	ks := sel.Table.Keyspace
	if ks == "" {
		ks = s.Keyspace
	}
	if ks == "" {
		return fmt.Errorf("%w for table %s: qualify it as keyspace.table, or USE a keyspace (-k)",
			planner.ErrNoKeyspace, parser.QuoteIdent(sel.Table.Name))
	}
	table, err := s.Cluster.Table(ctx, ks, sel.Table.Name)
	if err != nil {
		return err
	}
	id := cursor.Identity{Statement: sel.String(), Keyspace: s.Keyspace,
		Table: parser.QuoteIdent(ks) + "." + parser.QuoteIdent(sel.Table.Name), Fingerprint: keyFingerprint(table)}
	state, err := s.loadCursor(id)
	if errors.Is(err, cursor.ErrMismatch) {
		// A statement no cursor can follow says so, rather than that this cursor is another's.
		if _, perr := planner.Plan(ctx, sel, s.Cluster, planner.Options{Keyspace: s.Keyspace, Splits: 1,
			Cursor: &planner.Cursor{}}); errors.Is(perr, planner.ErrCursor) {
			return perr
		}
	}
	if err != nil {
		return err
	}
	began := s.clock()
	run := state.Begin(began, s.Settle)
	cur := &planner.Cursor{File: s.Cursor, Since: cursor.MarkText(run.OldMark()), Until: cursor.MarkText(run.NewMark()),
		Remembered: run.Remembered()}
	plan, err := planner.Plan(ctx, sel, s.Cluster, planner.Options{Keyspace: s.Keyspace, Splits: s.Splits,
		Concurrency: s.Concurrency, Cursor: cur})
	if err != nil {
		return err
	}
	if explain {
		_, err := io.WriteString(s.out(), planner.Format(plan))
		return err
	}
	if s.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, s.Timeout, &TimeoutError{Timeout: s.Timeout})
		defer cancel()
	}
	s.warnConsistency(plan)
	names := s.Cluster.HostNames()
	if s.Verbose {
		s.printPlan(plan, names)
	}
	stats := &executor.Stats{}
	opt := executor.Options{Concurrency: s.Concurrency, PerHost: s.PerHost,
		FetchSize: s.FetchSize, HostNames: names, Stats: stats, MaxRetries: s.MaxRetries, MaxRows: s.MaxRows,
		MaxRequests: s.MaxRequests, Changes: run}
	resumable := !sorts(plan)
	if resumable {
		// Rows reach the output in token order, a sub-range at a time: a run that stops can say which
		// sub-ranges it delivered whole, and the next carries on after them.
		opt.Emitted, opt.Skip = run.RangeDone, run.Skip()
	}
	if run.Resumed() {
		fmt.Fprintf(s.Err, "cursor %s: carrying on the run begun %s, which stopped with %d token ranges delivered\n",
			s.Cursor, run.Summary().Began.UTC().Format("2006-01-02 15:04:05 MST"), len(run.Skip()))
	}
	it, err := executor.New(s.querier(), opt).Build(plan)
	if err != nil {
		return err
	}
	sink := s.cursorSink(plan, state.NextBatch)
	if sinkFailed, err := deliver(ctx, it, sink); err != nil {
		return s.stopped(ctx, err, run, sink, resumable && !sinkFailed)
	}
	if err := run.Err(); err != nil {
		return fmt.Errorf("%w; cursor %s not moved: the next run delivers this run's rows again%s", err, s.Cursor, overwritten(sink))
	}
	next := run.Finish(sink.Batches())
	if err := next.Save(s.Cursor); err != nil {
		return fmt.Errorf("%w; the cursor did not move, so the next run delivers this run's rows again", err)
	}
	s.reportRun(next, sink)
	if s.Verbose || s.Stats {
		fmt.Fprintf(s.Err, "done in %v:\n", time.Since(began).Round(time.Millisecond))
		stats.Print(s.Err)
	}
	return nil
}

// keyFingerprint identifies a table's primary key: its columns' names, kinds, positions and types,
// of which the cursor's key identities are made.
func keyFingerprint(t *schema.Table) string {
	h := sha256.New()
	for _, c := range append(t.PartitionKey(), t.ClusteringKey()...) {
		fmt.Fprintf(h, "%d\x00%d\x00%s\x00%s\x00", c.Kind, c.Position, c.Name, c.Type)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// loadCursor reads the session's cursor file, or starts a new cursor when there is none.
func (s *Session) loadCursor(id cursor.Identity) (*cursor.State, error) {
	state, err := cursor.Load(s.Cursor, id)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		since := int64(math.MinInt64)
		if s.Since != "" {
			if since, err = cursor.ParseSince(s.Since); err != nil {
				return nil, err
			}
		}
		return cursor.New(id, since), nil
	case err != nil:
		return nil, err
	case s.Since != "":
		return nil, fmt.Errorf("--since starts a new cursor, but %s exists with its mark at %s: drop --since, or use another file",
			s.Cursor, cursor.MarkText(state.Mark))
	}
	return state, nil
}

// clock is the session's wall clock (tests replace it).
func (s *Session) clock() time.Time {
	if s.now != nil {
		return s.now()
	}
	return time.Now()
}

// cursorSink is where a cursor run's rows go: numbered batch files in OutDir, or the output.
func (s *Session) cursorSink(plan planner.Node, first int) batchout.Sink {
	rows := s.BatchRows
	if rows <= 0 {
		rows = DefaultBatchRows
	}
	res := batchout.Columns{Columns: plan.Columns(), Keys: keyColumns(plan)}
	opt := render.Options{Format: s.Format, Expanded: s.Expanded, Display: s.Display}
	if s.OutDir != "" {
		opt.Display.Color = false
		return batchout.NewDir(s.OutDir, first, rows, res, opt)
	}
	return batchout.NewStream(s.out(), rows, res, opt)
}

// deliver writes every row of it to sink and closes it (and the sink, when the rows all came).
// sinkFailed says the error was the sink's: its batches cannot be trusted.
func deliver(ctx context.Context, it executor.Iter, sink batchout.Sink) (sinkFailed bool, err error) {
	defer it.Close()
	for {
		row, err := it.Next(ctx)
		if err == io.EOF {
			err = sink.Close()
			return err != nil, err
		}
		if err != nil {
			return false, err
		}
		if err := sink.Add(row); err != nil {
			return true, err
		}
	}
}

// CursorStoppedError is a cursor run that stopped part way: why, and what became of the cursor.
type CursorStoppedError struct {
	Err     error  // why it stopped: a failure, --timeout, Ctrl-C or a signal
	Outcome string // the cursor's state: saved as pending, or not moved
}

func (e *CursorStoppedError) Error() string { return e.Err.Error() + "; " + e.Outcome }

// Unwrap returns why the run stopped.
func (e *CursorStoppedError) Unwrap() error { return e.Err }

// stopped ends a cursor run that stopped part way with err. When it can, it writes out the rows
// delivered so far and saves the run as pending, so that the next run carries it on; otherwise the
// cursor stays as it was and the next run delivers this run's rows again.
func (s *Session) stopped(ctx context.Context, err error, run *cursor.Run, sink batchout.Sink, resumable bool) error {
	err = stopCause(ctx, err) // --timeout or a signal is named; Ctrl-C is an interruption
	if resumable {
		closeErr := sink.Close() // the rows taken so far are delivered: write them out
		if closeErr == nil {
			st := run.Suspend(sink.Batches())
			if saveErr := st.Save(s.Cursor); saveErr == nil {
				return &CursorStoppedError{err, fmt.Sprintf("progress saved in cursor %s: %d token ranges delivered whole, %d rows so far; the next run carries on from there",
					s.Cursor, len(st.Pending.Done), st.Pending.Summary.Delivered())}
			}
		}
		sink = nil
	}
	return &CursorStoppedError{err, fmt.Sprintf("cursor %s not moved: the next run delivers this run's rows again%s", s.Cursor, overwritten(sink))}
}

// sorts reports whether a plan holds a Sort, which takes in every row before it gives one out.
func sorts(n planner.Node) bool {
	if _, ok := n.(*planner.Sort); ok {
		return true
	}
	for _, k := range n.Children() {
		if sorts(k) {
			return true
		}
	}
	return false
}

// overwritten says which batch files of a failed run the next run will write again.
func overwritten(sink batchout.Sink) string {
	if sink == nil {
		return ""
	}
	b := sink.Batches()
	switch len(b) {
	case 0:
		return ""
	case 1:
		return " (batch " + b[0] + ", already written, will be written again)"
	}
	return fmt.Sprintf(" (batches %s … %s, already written, will be written again)", b[0], b[len(b)-1])
}

// reportRun prints what a cursor run delivered, on Err.
func (s *Session) reportRun(next *cursor.State, sink batchout.Sink) {
	sum := next.Last
	var b strings.Builder
	fmt.Fprintf(&b, "cursor %s: %d rows delivered (%d new, %d updated) of %d read; mark %s -> %s",
		s.Cursor, sum.New+sum.Updated, sum.New, sum.Updated, sum.Read, cursor.MarkText(sum.OldMark), cursor.MarkText(sum.NewMark))
	switch n := len(sum.Batches); n {
	case 0:
		if s.OutDir != "" {
			b.WriteString("; no batch written")
		}
	case 1:
		fmt.Fprintf(&b, "; 1 batch written (%s)", sum.Batches[0])
	default:
		fmt.Fprintf(&b, "; %d batches written (%s … %s)", n, sum.Batches[0], sum.Batches[n-1])
	}
	fmt.Fprintln(s.Err, b.String())
	if sum.Untracked > 0 {
		fmt.Fprintf(s.Err, "cursor: warning: %d rows have no regular column set, so no write time: their changes cannot be told and they are not delivered\n", sum.Untracked)
	}
	if sum.Future > 0 {
		fmt.Fprintf(s.Err, "cursor: warning: %d rows carry write times after this run began (clocks ahead, or USING TIMESTAMP in the future); they stay remembered until the mark passes them\n", sum.Future)
	}
}

// warnConsistency warns when the consistency level can miss an acknowledged write for good.
func (s *Session) warnConsistency(plan planner.Node) {
	var rf int
	switch l := leaf(plan).(type) {
	case *planner.RangeScan:
		rf = replicationFactor(l.Table.Replication)
	case *planner.PartitionRead:
		rf = replicationFactor(l.Table.Replication)
	}
	level := strings.ToUpper(s.Cluster.Consistency())
	if rf > 1 && (level == "ONE" || level == "LOCAL_ONE" || level == "ANY") {
		fmt.Fprintf(s.Err, cursorConsistencyNote+"\n", level, rf)
	}
}

// replicationFactor is the replicas of each range: the sum over data centres for
// NetworkTopologyStrategy.
func replicationFactor(r ring.Replication) int {
	if r.Strategy == ring.NetworkTopologyStrategy {
		n := 0
		for _, f := range r.DCFactors {
			n += f
		}
		return n
	}
	return r.Factor
}
