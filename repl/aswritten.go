package repl

import (
	"context"
	"errors"
	"fmt"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner"
)

// WrittenError is a SELECT that cqlscan could not run and that Cassandra, asked as written, refused
// too: both reasons are given, cqlscan's first.
type WrittenError struct {
	Ours, Theirs error
}

func (e *WrittenError) Error() string {
	return fmt.Sprintf("%v (Cassandra, asked as written: %v)", e.Ours, e.Theirs)
}

// Unwrap returns cqlscan's reason.
func (e *WrittenError) Unwrap() error { return e.Ours }

// cassandraMayRun reports whether a SELECT cqlscan refused with err might still be one Cassandra
// runs: its grammar or engine lacks something (a construct, a function of an aggregate, a call over
// groups), as opposed to a name or a type that is wrong whoever runs it.
func cassandraMayRun(err error) bool {
	var se *parser.SyntaxError
	return errors.As(err, &se) || errors.Is(err, parser.ErrUnsupported) || errors.Is(err, planner.ErrUnsupported) ||
		errors.Is(err, planner.ErrNotOnReplicas) || errors.Is(err, planner.ErrGrouping)
}

// isSelect reports whether text is a SELECT statement.
func isSelect(text string) bool {
	toks, err := parser.Lex(text)
	return err == nil && toks[0].Kind == parser.Ident && toks[0].Value == "select"
}

// runAsWritten sends a SELECT cqlscan could not run (why) to Cassandra as written, as cqlsh would
// send it: one coordinator answers it. When Cassandra refuses it too, both reasons are reported.
func (s *Session) runAsWritten(ctx context.Context, text string, why error) error {
	if err := s.passThrough(ctx, text); err != nil {
		if errors.Is(err, context.Canceled) {
			return &StatementError{text, err}
		}
		return &StatementError{text, &WrittenError{Ours: why, Theirs: err}}
	}
	if s.Verbose {
		fmt.Fprintf(s.Err, "cqlscan could not plan this statement (%v); Cassandra answered it as written\n", why)
	}
	return nil
}
