// Package repl runs statements for the command line, one at a time from -e, a file, standard input
// or the interactive prompt, and prints their results: cqlscan's SELECTs, the shell's own commands
// (cqlsh's, and settings of cqlscan's), and any other CQL, which goes to Cassandra as written.
package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/repl/render"
)

// Cluster is what a session needs from its connection.
type Cluster interface {
	planner.Catalog
	executor.Querier
	// Exec runs a statement cqlscan does not plan, on any host, and returns its columns, rows and
	// Cassandra's warnings.
	Exec(ctx context.Context, stmt, keyspace string) (executor.Result, error)
	// HostNames maps host ids to addresses.
	HostNames() map[string]string
	// KeyspaceExists reports whether a keyspace exists.
	KeyspaceExists(ctx context.Context, name string) (bool, error)
	// SetConsistency and Consistency change and tell the consistency level of what follows.
	SetConsistency(level string) error
	Consistency() string
}

// Settings are a session's adjustable settings.
type Settings struct {
	Keyspace    string
	Format      render.Format
	Expanded    bool // EXPAND ON: one block per row
	Timing      bool // TIMING ON: how long each statement took, on Err
	PageSize    int  // PAGING: rows per page in an interactive table; 0 prints all at once
	Splits      int
	Concurrency int
	PerHost     int
	FetchSize   int
	Verbose     bool
	// Stats prints what each query did (per host, retries, splits, latencies) on Err.
	Stats bool
	// Progress shows a scan's progress on Err while it runs (a terminal only).
	Progress bool
	// MaxRetries, MaxRows and MaxRequests are passed to the executor (see executor.Options).
	MaxRetries           int
	MaxRows, MaxRequests float64
	// Timeout, when positive, bounds each statement's run.
	Timeout time.Duration
	// Checkpoint is where range aggregates save their progress as they go; Resume is a checkpoint to
	// finish. Without Checkpoint, progress is saved only when a scan fails or is interrupted, under
	// CheckpointDir.
	Checkpoint, Resume, CheckpointDir string
	// Display settings from cqlshrc [ui] and the command line (see Display).
	Display
	// Debug prints an error's full chain and the driver's events on Err.
	Debug bool
	// StopOnError ends a batch run (-f, -e, standard input) at the first failing statement; without
	// it every statement runs and the run fails at the end, as in cqlsh.
	StopOnError bool
	// CursorSettings turn SELECTs into incremental reads (see runCursor).
	CursorSettings
}

// Display holds how values look in the table view (see render.Display).
type Display = render.Display

// Session runs statements against a cluster and prints results to Out, diagnostics to Err.
type Session struct {
	Cluster Cluster
	Settings
	Out, Err io.Writer
	// Version is cqlscan's version, for SHOW VERSION.
	Version string
	// Interactive is set for the prompt: Ctrl-C cancels the running statement only, and long tables
	// are paged. More reads the answer to a page's --More-- prompt.
	Interactive bool
	More        io.Reader

	// NoHistory keeps the prompt from saving what is typed to the history file (--disable-history);
	// the file is still read, as cqlsh reads it.
	NoHistory bool
	// Login opens a connection as another user, for LOGIN; nil where that is not possible.
	Login func(ctx context.Context, user, password string) (Cluster, error)

	capture *os.File // CAPTURE's file, when output is captured
	depth   int      // SOURCE nesting
	tracing bool     // TRACING ON
	// loggedIn is the connection the last LOGIN opened, closed by Close
	loggedIn closer
	// historyShown is how many statements HISTORY lists; 0: its default.
	historyShown int
	// now, when set, replaces the wall clock of cursor runs (tests).
	now func() time.Time
}

// StatementError is a statement that failed, with the statement's text.
type StatementError struct {
	Stmt string
	Err  error
}

func (e *StatementError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *StatementError) Unwrap() error { return e.Err }

// ErrExit is returned by EXIT and QUIT.
var ErrExit = errors.New("exit")

// Execute runs one statement: a shell command or a CQL statement. A SIGINT (Ctrl-C) while it runs
// cancels it, and only it.
func (s *Session) Execute(ctx context.Context, text string) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	began := time.Now()
	err := s.execute(ctx, text)
	var ie *IncompleteError
	var cs *CursorStoppedError
	if errors.Is(err, context.Canceled) && ctx.Err() != nil && !errors.As(err, &ie) && !errors.As(err, &cs) {
		var why error = errInterrupted{} // Ctrl-C
		if se, ok := Terminated(ctx); ok {
			why = se // SIGTERM: named, as the exit status says
		}
		err = &StatementError{text, why}
	}
	if s.Timing && !errors.Is(err, ErrExit) {
		fmt.Fprintf(s.Err, "(%v)\n", time.Since(began).Round(time.Millisecond))
	}
	return err
}

func (s *Session) execute(ctx context.Context, text string) error {
	if cmd, arg, ok := lookupCommand(text); ok {
		if err := cmd.run(s, ctx, arg); err != nil {
			if errors.Is(err, ErrExit) {
				return err
			}
			return &StatementError{text, err}
		}
		return nil
	}
	st, err := parser.Parse(text)
	if err != nil {
		if isSelect(text) && s.Cursor != "" {
			// Cassandra could run it, but not as an incremental read.
			return &StatementError{text, fmt.Errorf("%w: %v", planner.ErrCursor, err)}
		}
		if isSelect(text) && cassandraMayRun(err) {
			return s.runAsWritten(ctx, text, err)
		}
		return &StatementError{text, err}
	}
	switch st := st.(type) {
	case *parser.Use:
		if err := s.use(ctx, st.Keyspace); err != nil {
			return &StatementError{text, err}
		}
		return nil
	case *parser.Explain:
		if s.Cursor != "" {
			if st.Analyze {
				return &StatementError{text, fmt.Errorf("%w: EXPLAIN ANALYZE would run the statement and move cursor %s; SET CURSOR OFF first, or run it as a SELECT", planner.ErrCursor, s.Cursor)}
			}
			if err := s.runCursor(ctx, st.Select, true); err != nil {
				return &StatementError{text, err}
			}
			return nil
		}
		if st.Analyze {
			if _, err := s.runSelect(ctx, st.Select, true); err != nil {
				return &StatementError{text, err}
			}
			return nil
		}
		plan, err := planner.Plan(ctx, st.Select, s.Cluster, planner.Options{Keyspace: s.Keyspace, Splits: s.Splits, Concurrency: s.Concurrency})
		if err != nil {
			return &StatementError{text, err}
		}
		_, err = io.WriteString(s.out(), planner.Format(plan))
		return err
	case *parser.Select:
		if s.Cursor != "" {
			// Never sent to Cassandra as written: that would deliver rows without the cursor.
			if err := s.runCursor(ctx, st, false); err != nil {
				return &StatementError{text, err}
			}
			return nil
		}
		res, err := s.runSelect(ctx, st, false)
		if errors.Is(err, planner.ErrVirtualKeyspace) {
			// A virtual table is a node's own state: the node asked answers, as in cqlsh.
			err = s.passThrough(ctx, text)
			if err != nil {
				return &StatementError{text, err}
			}
			return nil
		}
		if cassandraMayRun(err) {
			return s.runAsWritten(ctx, text, err)
		}
		if err != nil {
			return &StatementError{text, err}
		}
		if s.tracing {
			fmt.Fprintln(s.Err, scanTraceNote)
		}
		return s.print(res)
	case *parser.Passthrough:
		if err := s.passThrough(ctx, st.Text); err != nil {
			return &StatementError{text, err}
		}
		return nil
	}
	return &StatementError{text, fmt.Errorf("unexpected statement %T", st)}
}

// use makes keyspace the session's current one.
func (s *Session) use(ctx context.Context, keyspace string) error {
	ok, err := s.Cluster.KeyspaceExists(ctx, keyspace)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w %q", planner.ErrUnknownKeyspace, keyspace)
	}
	s.Keyspace = keyspace
	return nil
}

// passThrough sends a statement to Cassandra as written and prints its rows, if any, then its
// warnings.
func (s *Session) passThrough(ctx context.Context, text string) error {
	if tr, ok := s.Cluster.(tracer); ok && s.tracing {
		return s.traced(ctx, tr, text)
	}
	res, err := s.Cluster.Exec(ctx, text, s.Keyspace)
	if err != nil {
		return err
	}
	if len(res.Columns) > 0 {
		if err := s.print(&render.Result{Columns: res.Columns, Rows: res.Rows}); err != nil {
			return err
		}
	}
	s.printWarnings(res.Warnings)
	return nil
}

// printWarnings prints Cassandra's warnings as cqlsh does, but on Err, so that CSV and JSON output
// stays clean: a blank line, "Warnings :", then each warning followed by a blank line.
func (s *Session) printWarnings(ws []string) {
	if len(ws) == 0 {
		return
	}
	fmt.Fprint(s.Err, "\nWarnings :\n")
	for _, w := range ws {
		fmt.Fprintf(s.Err, "%s\n\n", w)
	}
}

// ErrorLine formats an error as the line printed for it; continuation lines are indented.
func ErrorLine(err error) string {
	msg := err.Error()
	var se *parser.SyntaxError
	if errors.As(err, &se) {
		msg = "syntax error: " + msg
	}
	return "error: " + strings.ReplaceAll(msg, "\n", "\n  ")
}
