package repl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cqlscan/cqlscan/parser"
)

// statementBuffer collects input lines into whole statements: CQL ends at a ';' outside quotes and
// comments, a shell command (CONSISTENCY, PAGING, SOURCE, …) at its ';' or the end of its line, as
// in cqlsh.
type statementBuffer struct {
	pending strings.Builder
}

// add takes one line and returns the statements it completes, without their ';'.
func (b *statementBuffer) add(line string) []string {
	if b.pending.Len() == 0 && endsAtNewline(line) {
		cmd, rest, _ := strings.Cut(line, ";")
		out := []string{strings.TrimSpace(cmd)}
		if strings.TrimSpace(rest) != "" {
			out = append(out, b.add(rest)...)
		}
		return out
	}
	b.pending.WriteString(line)
	b.pending.WriteString("\n")
	stmts, rest, _ := parser.SplitStatements(b.pending.String())
	b.pending.Reset()
	if rest = strings.TrimSpace(rest); rest != "" {
		if endsAtNewline(rest) && !strings.Contains(rest, "\n") { // a command after a ';' on this line
			return append(stmts, rest)
		}
		b.pending.WriteString(rest)
		b.pending.WriteString("\n")
	}
	return stmts
}

// empty reports whether no statement is in progress.
func (b *statementBuffer) empty() bool { return b.pending.Len() == 0 }

// flush returns what is left at the end of input, "" when nothing is.
func (b *statementBuffer) flush() string {
	rest := strings.TrimSpace(b.pending.String())
	b.pending.Reset()
	stmts, tail, _ := parser.SplitStatements(rest)
	if len(stmts) == 0 && strings.TrimSpace(tail) == "" {
		return ""
	}
	return rest
}

// RunScript reads statements from r and runs them in order (-e, -f, SOURCE, or piped standard
// input). It stops at EXIT, at an interrupted statement, and at the first failing statement unless
// keepGoing is set; it returns the first error.
func (s *Session) RunScript(ctx context.Context, r io.Reader, keepGoing bool) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	var buf statementBuffer
	var first error
	run := func(stmt string) (stop bool) {
		err := s.runOne(ctx, stmt)
		if errors.Is(err, ErrExit) {
			return true
		}
		if err != nil && first == nil {
			first = err
		}
		return err != nil && (!keepGoing || errors.Is(err, context.Canceled))
	}
	for sc.Scan() {
		for _, st := range buf.add(sc.Text()) {
			if run(st) {
				return first
			}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if rest := buf.flush(); rest != "" {
		run(rest)
	}
	return first
}

// runOne runs a statement and reports its error on Err.
func (s *Session) runOne(ctx context.Context, stmt string) error {
	err := s.Execute(ctx, stmt)
	if err != nil && !errors.Is(err, ErrExit) {
		fmt.Fprintln(s.Err, ErrorLine(err))
	}
	return err
}
