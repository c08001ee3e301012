// Package repl runs statements for the command line: one at a time from -e, a file, standard input
// or the interactive prompt, and prints their results.
package repl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner"
)

// Cluster is what a session needs from its connection.
type Cluster interface {
	planner.Catalog
	executor.Querier
	// Exec runs a statement cqlscan does not plan, on any host, and returns its columns and rows.
	Exec(ctx context.Context, stmt, keyspace string) ([]string, []executor.Row, error)
	// HostNames maps host ids to addresses.
	HostNames() map[string]string
	// KeyspaceExists reports whether a keyspace exists.
	KeyspaceExists(ctx context.Context, name string) (bool, error)
}

// Settings are a session's adjustable settings.
type Settings struct {
	Keyspace    string
	Format      Format
	Splits      int
	Concurrency int
	PerHost     int
	FetchSize   int
	Verbose     bool
	// Stats prints what each query did (per host, retries, splits, latencies) on Err.
	Stats bool
	// MaxRetries, MaxRows and MaxRequests are passed to the executor (see executor.Options).
	MaxRetries           int
	MaxRows, MaxRequests float64
	// Timeout, when positive, bounds each statement's run.
	Timeout time.Duration
	// Checkpoint is where range aggregates save their progress as they go; Resume is a checkpoint to
	// finish. Without Checkpoint, progress is saved only when a scan fails or is interrupted, under
	// CheckpointDir.
	Checkpoint, Resume, CheckpointDir string
}

// Session runs statements against a cluster and prints results to Out, diagnostics to Err.
type Session struct {
	Cluster Cluster
	Settings
	Out, Err io.Writer
}

// StatementError is a statement that failed, with the statement's text.
type StatementError struct {
	Stmt string
	Err  error
}

func (e *StatementError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *StatementError) Unwrap() error { return e.Err }

// Execute runs one statement.
func (s *Session) Execute(ctx context.Context, text string) error {
	st, err := parser.Parse(text)
	if err != nil {
		return &StatementError{text, err}
	}
	switch st := st.(type) {
	case *parser.Use:
		ok, err := s.Cluster.KeyspaceExists(ctx, st.Keyspace)
		if err != nil {
			return &StatementError{text, err}
		}
		if !ok {
			return &StatementError{text, fmt.Errorf("%w %q", planner.ErrUnknownKeyspace, st.Keyspace)}
		}
		s.Keyspace = st.Keyspace
		return nil
	case *parser.Explain:
		if st.Analyze {
			if _, err := s.runSelect(ctx, st.Select, true); err != nil {
				return &StatementError{text, err}
			}
			return nil
		}
		plan, err := planner.Plan(ctx, st.Select, s.Cluster, planner.Options{Keyspace: s.Keyspace, Splits: s.Splits})
		if err != nil {
			return &StatementError{text, err}
		}
		_, err = io.WriteString(s.Out, planner.Format(plan))
		return err
	case *parser.Select:
		res, err := s.runSelect(ctx, st, false)
		if err != nil {
			return &StatementError{text, err}
		}
		return res.Write(s.Out, s.Format)
	case *parser.Passthrough:
		return s.passThrough(ctx, st.Text)
	}
	return &StatementError{text, fmt.Errorf("unexpected statement %T", st)}
}

// passThrough sends a statement to Cassandra as written and prints its rows, if any.
func (s *Session) passThrough(ctx context.Context, text string) error {
	cols, rows, err := s.Cluster.Exec(ctx, text, s.Keyspace)
	if err != nil {
		return &StatementError{text, err}
	}
	if len(cols) == 0 {
		return nil
	}
	return (&Result{Columns: cols, Rows: rows}).Write(s.Out, s.Format)
}

// RunScript reads statements from r and runs them in order. It stops at the first failing statement
// unless keepGoing is set, and returns the first error. When prompt is set it writes a prompt to Err
// before each line, for a terminal.
func (s *Session) RunScript(ctx context.Context, r io.Reader, prompt, keepGoing bool) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	var pending strings.Builder
	var first error
	for {
		if prompt {
			if pending.Len() == 0 {
				fmt.Fprint(s.Err, "cqlscan> ")
			} else {
				fmt.Fprint(s.Err, "     ... ")
			}
		}
		if !sc.Scan() {
			break
		}
		pending.WriteString(sc.Text())
		pending.WriteString("\n")
		stmts, rest, _ := parser.SplitStatements(pending.String())
		pending.Reset()
		pending.WriteString(rest)
		if rest != "" {
			pending.WriteString("\n")
		}
		for _, st := range stmts {
			if err := s.runOne(ctx, st); err != nil {
				if first == nil {
					first = err
				}
				if !keepGoing && !prompt {
					return first
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if rest := strings.TrimSpace(pending.String()); rest != "" {
		if err := s.runOne(ctx, rest); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// runOne runs a statement and reports its error on Err.
func (s *Session) runOne(ctx context.Context, stmt string) error {
	err := s.Execute(ctx, stmt)
	if err != nil {
		fmt.Fprintln(s.Err, ErrorLine(err))
	}
	return err
}

// ErrorLine formats an error as the one line printed for it.
func ErrorLine(err error) string {
	msg := err.Error()
	var se *parser.SyntaxError
	if errors.As(err, &se) {
		msg = "syntax error: " + msg
	}
	return "error: " + strings.ReplaceAll(msg, "\n", "\n  ")
}
