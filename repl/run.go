package repl

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/executor/checkpoint"
	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/types"
	"github.com/cqlscan/cqlscan/repl/render"
)

// ErrNoCheckpoint is returned when --checkpoint or --resume is given for a query that has no range
// aggregate to checkpoint.
var ErrNoCheckpoint = errors.New("checkpoints cover aggregates over a table's token ranges (EXPLAIN shows a " +
	"RangeAggregate, or a HashAggregate over a RangeScan); this statement returns rows, or reads partitions by key")

// errInterrupted is a scan stopped by Ctrl-C; it is a context.Canceled.
type errInterrupted struct{}

func (errInterrupted) Error() string        { return "interrupted" }
func (errInterrupted) Is(target error) bool { return target == context.Canceled }

// SignalError is the cause a context is cancelled with when a signal ends the program (SIGTERM;
// see context.WithCancelCause): a scan stopped by it saves its progress and names the signal, a
// batch run stops, the interactive shell ends, and the program exits with ExitStatus. It is a
// context.Canceled.
type SignalError struct {
	Signal syscall.Signal
}

func (e *SignalError) Error() string { return "stopped by " + e.Name() }

// Name is the signal's name: SIGTERM, ….
func (e *SignalError) Name() string { return signalName(e.Signal) }

// Is makes errors.Is(err, context.Canceled) hold.
func (e *SignalError) Is(target error) bool { return target == context.Canceled }

// ExitStatus is the status a program ended by the signal exits with: 128 + its number, as shells
// report a process killed by it (143 for SIGTERM).
func (e *SignalError) ExitStatus() int { return 128 + int(e.Signal) }

func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	case syscall.SIGINT:
		return "SIGINT"
	}
	return s.String()
}

// Terminated returns the *SignalError ctx was cancelled with, if it was.
func Terminated(ctx context.Context) (*SignalError, bool) {
	var se *SignalError
	if ctx.Err() != nil && errors.As(context.Cause(ctx), &se) {
		return se, true
	}
	return nil, false
}

// TimeoutError is a statement stopped by --timeout: the cause of its context's deadline. It is a
// context.DeadlineExceeded.
type TimeoutError struct {
	Timeout time.Duration
}

func (e *TimeoutError) Error() string { return fmt.Sprintf("--timeout %v reached", e.Timeout) }

// Is makes errors.Is(err, context.DeadlineExceeded) hold.
func (e *TimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// IncompleteError is a scan that failed or was interrupted after part of it was done: no answer is
// printed, and the progress is saved so that --resume can finish it.
type IncompleteError struct {
	Err         error
	Checkpoint  string // where progress was saved; "" if saving failed too
	SaveErr     error
	Rows        int64 // rows counted or read by the ranges that finished
	Done, Total int64 // ranges finished, ranges planned
}

func (e *IncompleteError) Error() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	fmt.Fprintf(&b, "\n%d of %d token ranges finished (%d rows); no answer is printed, since it would be short", e.Done, e.Total, e.Rows)
	if e.Checkpoint != "" {
		fmt.Fprintf(&b, "\nprogress saved: run the same statement with --resume %s to finish it", e.Checkpoint)
	} else if e.SaveErr != nil {
		fmt.Fprintf(&b, "\nprogress could not be saved: %v", e.SaveErr)
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *IncompleteError) Unwrap() error { return e.Err }

// runSelect plans and runs a SELECT. With analyze it prints the plan and what the run did instead of
// returning rows.
func (s *Session) runSelect(ctx context.Context, sel *parser.Select, analyze bool) (*render.Result, error) {
	plan, err := planner.Plan(ctx, sel, s.Cluster, planner.Options{Keyspace: s.Keyspace, Splits: s.Splits, Concurrency: s.Concurrency})
	if err != nil {
		return nil, err
	}
	if s.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, s.Timeout, &TimeoutError{Timeout: s.Timeout})
		defer cancel()
	}
	names := s.Cluster.HostNames()
	if s.Verbose {
		s.printPlan(plan, names)
	}
	stats := &executor.Stats{}
	opt := executor.Options{Concurrency: s.Concurrency, PerHost: s.PerHost, FetchSize: s.FetchSize,
		HostNames: names, Stats: stats, MaxRetries: s.MaxRetries, MaxRows: s.MaxRows, MaxRequests: s.MaxRequests}
	var rec progressSaver
	if ga := findGroupAggregate(plan); ga != nil {
		rec, err = s.groupCheckpointFor(sel, ga, plan, &opt)
	} else {
		rec, err = s.checkpointFor(sel, plan, &opt)
	}
	if err != nil {
		return nil, err
	}
	it, err := executor.New(s.querier(), opt).Build(plan)
	if err != nil {
		return nil, err
	}
	began := time.Now()
	stopProgress := func() {}
	if s.Progress && !analyze {
		stopEstimates, stopLine := fetchEstimates(ctx, s.Cluster, plan, stats), showProgress(s.Err, stats)
		stopProgress = func() { stopLine(); stopEstimates() }
	}
	rows, err := executor.Drain(ctx, it)
	stopProgress()
	if err != nil {
		return nil, s.incomplete(ctx, err, rec, stats)
	}
	if rec != nil && (s.Checkpoint != "" || s.Resume != "") {
		// The answer is printed now: the file says so, and a --resume of it is refused. If that
		// cannot be written, the answer is still right: a later --resume would only print it again.
		if err := rec.Finish(); err != nil {
			fmt.Fprintf(s.Err, "checkpoint: warning: not marked finished: %v\n", err)
		}
	}
	if s.Verbose || s.Stats || analyze {
		w := s.Err
		if analyze {
			w = s.Out
			fmt.Fprint(w, planner.Format(plan))
		}
		fmt.Fprintf(w, "done in %v, %s:\n", time.Since(began).Round(time.Millisecond), resultRows(len(rows)))
		stats.Print(w)
	}
	return &render.Result{Columns: plan.Columns(), Rows: rows, Keys: keyColumns(plan)}, nil
}

// checkpointFor sets up checkpointing of plan's range aggregate, if it has one: resumed ranges in
// opt.Done, a recorder as opt.Journal, and keep-going so a failed range does not stop the others.
func (s *Session) checkpointFor(sel *parser.Select, plan planner.Node, opt *executor.Options) (progressSaver, error) {
	agg := findRangeAggregate(plan)
	if agg == nil {
		if s.Checkpoint != "" || s.Resume != "" {
			return nil, ErrNoCheckpoint
		}
		return nil, nil
	}
	key := checkpoint.Key{Query: sel.String(), Keyspace: s.Keyspace, Ring: agg.Ring}
	ts := make([]types.Type, len(agg.Aggregates))
	for i, a := range agg.Aggregates {
		ts[i] = a.T
	}
	if s.Resume != "" {
		var err error
		if opt.Done, err = checkpoint.Load(s.Resume, key, ts); err != nil {
			return nil, err
		}
	}
	path := s.Checkpoint
	if path == "" {
		path = s.Resume // a resumed scan keeps its file up to date
	}
	rec := checkpoint.NewRecorder(path, key, ts, opt.Done)
	if path == "" {
		// Saved only if the scan fails or is interrupted, named after what it is for.
		sum := sha256.Sum256([]byte(key.Query + "\x00" + key.Keyspace + "\x00" + key.Ring))
		rec.Path = filepath.Join(s.CheckpointDir, "scan-"+hex.EncodeToString(sum[:6])+".json")
		rec.Interval = 0
	}
	opt.Journal, opt.KeepGoing = rec, true
	return rangeSaver{rec}, nil
}

// incomplete saves the progress of a failed or interrupted range aggregate and says how to resume.
// A run stopped by --timeout or a signal says so (the context's cause) rather than "context
// deadline exceeded".
func (s *Session) incomplete(ctx context.Context, err error, rec progressSaver, stats *executor.Stats) error {
	cause := stopCause(ctx, err)
	var se *executor.ScanError
	var re *executor.RangeError
	if rec == nil || !(errors.As(err, &se) || errors.As(err, &re) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		if cause != err && !errors.Is(cause, context.Canceled) {
			return cause // --timeout; an interruption is told by Execute
		}
		return err
	}
	ie := &IncompleteError{Err: cause, Rows: stats.RowsDone.Load(), Done: stats.RangesDone.Load(), Total: stats.RangesTotal.Load()}
	if dir := filepath.Dir(rec.File()); dir != "" {
		if mkErr := os.MkdirAll(dir, 0o700); mkErr != nil {
			ie.SaveErr = mkErr
			return ie
		}
	}
	if ie.SaveErr = rec.Save(); ie.SaveErr == nil {
		ie.Checkpoint = rec.File()
	}
	return ie
}

// stopCause is why a scan that ended with err stopped: when its context ended it, the context's
// cause (--timeout, a signal), Ctrl-C being an interruption; otherwise err itself.
func stopCause(ctx context.Context, err error) error {
	if ctx.Err() == nil || !(errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return err
	}
	cause := context.Cause(ctx)
	if errors.Is(cause, context.Canceled) && !errors.As(cause, new(*SignalError)) {
		return errInterrupted{} // Ctrl-C
	}
	return cause
}

// failureExplainer is a connection that can say more about a request's error than the driver's text
// does (cluster.Conn: how many replicas a consistency level had and needed).
type failureExplainer interface {
	ExplainFailure(err error) error
}

// querier is the session's connection as the executor's Querier: when the connection can explain
// its errors, each failed request's cause is explained at once, before the executor's retries wrap
// it in their own words.
func (s *Session) querier() executor.Querier {
	if ex, ok := s.Cluster.(failureExplainer); ok {
		return explainingQuerier{Querier: s.Cluster, ex: ex}
	}
	return s.Cluster
}

type explainingQuerier struct {
	executor.Querier
	ex failureExplainer
}

func (q explainingQuerier) QueryPage(ctx context.Context, req executor.PageRequest) (executor.Page, error) {
	page, err := q.Querier.QueryPage(ctx, req)
	if qe, ok := err.(*executor.QueryError); ok {
		err = &executor.QueryError{Kind: qe.Kind, Err: q.ex.ExplainFailure(qe.Err)}
	}
	return page, err
}

func findRangeAggregate(n planner.Node) *planner.RangeAggregate {
	ra, _ := leaf(n).(*planner.RangeAggregate)
	return ra
}

// leaf follows first children down to the node that reads the table: every plan is a chain above
// one scan or read.
func leaf(n planner.Node) planner.Node {
	for n != nil && len(n.Children()) > 0 {
		n = n.Children()[0]
	}
	return n
}

// printPlan writes the plan tree and every sub-range with its replicas.
func (s *Session) printPlan(plan planner.Node, names map[string]string) {
	fmt.Fprint(s.Err, planner.Format(plan))
	var ranges []ring.Range
	for n := plan; n != nil; {
		switch r := n.(type) {
		case *planner.RangeAggregate:
			ranges = r.Ranges
		case *planner.RangeScan:
			ranges = r.Ranges
		}
		kids := n.Children()
		if ranges != nil || len(kids) == 0 {
			break
		}
		n = kids[0]
	}
	fmt.Fprintf(s.Err, "sub-ranges (%d, in token order):\n", len(ranges))
	for _, r := range ranges {
		reps := make([]string, len(r.Replicas))
		for i, id := range r.Replicas {
			reps[i] = names[id]
			if reps[i] == "" {
				reps[i] = id
			}
		}
		sort.Strings(reps)
		fmt.Fprintf(s.Err, "  %v on %s\n", r, strings.Join(reps, ","))
	}
}

// resultRows says "1 result row", "2 result rows", ….
func resultRows(n int) string {
	if n == 1 {
		return "1 result row"
	}
	return fmt.Sprintf("%d result rows", n)
}
