package repl

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cqlscan/cqlscan/parser"
)

// statement is a whole statement and the line of its script where it starts.
type statement struct {
	text string
	line int
}

// statementBuffer collects input lines into whole statements: CQL ends at a ';' outside quotes and
// comments, a shell command (CONSISTENCY, PAGING, SOURCE, …) at its ';' or the end of its line, as
// in cqlsh. It remembers where each statement starts.
type statementBuffer struct {
	pending strings.Builder
	start   int // the line the pending text starts on
	n       int // lines added
}

// add takes one line and returns the statements it completes, without their ';'.
func (b *statementBuffer) add(line string) []string {
	var out []string
	for _, st := range b.addLine(line) {
		out = append(out, st.text)
	}
	return out
}

// addLine takes the next line and returns the statements it completes, with their first lines.
func (b *statementBuffer) addLine(line string) []statement {
	b.n++
	return b.addText(line, b.n)
}

// addText adds text that starts on line n.
func (b *statementBuffer) addText(text string, n int) []statement {
	if b.pending.Len() == 0 && endsAtNewline(text) {
		cmd, rest, _ := strings.Cut(text, ";")
		out := []statement{{strings.TrimSpace(cmd), n}}
		if strings.TrimSpace(rest) != "" {
			out = append(out, b.addText(rest, n)...)
		}
		return out
	}
	if b.pending.Len() == 0 {
		b.start = n
	}
	b.pending.WriteString(text)
	b.pending.WriteString("\n")
	all := b.pending.String()
	stmts, rest, _ := parser.SplitStatements(all)
	b.pending.Reset()
	out := make([]statement, 0, len(stmts))
	at := 0 // each statement is a trimmed piece of all, in order
	for _, st := range stmts {
		i := at + max(strings.Index(all[at:], st), 0)
		out = append(out, statement{st, b.start + strings.Count(all[:i+codeStart(st)], "\n")})
		at = i + len(st)
	}
	if rest = strings.TrimSpace(rest); rest != "" {
		restLine := b.start + strings.Count(all[:at+max(strings.Index(all[at:], rest), 0)], "\n")
		if endsAtNewline(rest) && !strings.Contains(rest, "\n") { // a command after a ';' on this line
			return append(out, statement{rest, restLine})
		}
		b.pending.WriteString(rest)
		b.pending.WriteString("\n")
		b.start = restLine
	}
	return out
}

// codeStart is the offset in st of its first token, past the comments that lead it, so that a
// statement's line is where its code starts.
func codeStart(st string) int {
	i := 0
	for i < len(st) {
		rest := st[i:]
		switch {
		case rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r':
			i++
		case strings.HasPrefix(rest, "--") || strings.HasPrefix(rest, "//"):
			k := strings.IndexByte(rest, '\n')
			if k < 0 {
				return 0
			}
			i += k + 1
		case strings.HasPrefix(rest, "/*"):
			k := strings.Index(rest[2:], "*/")
			if k < 0 {
				return 0
			}
			i += k + 4
		default:
			return i
		}
	}
	return 0
}

// empty reports whether no statement is in progress.
func (b *statementBuffer) empty() bool { return b.pending.Len() == 0 }

// flush returns what is left at the end of input, "" when nothing is.
func (b *statementBuffer) flush() string { return b.flushStatement().text }

// flushStatement is flush with the line where the rest starts.
func (b *statementBuffer) flushStatement() statement {
	rest := strings.TrimSpace(b.pending.String())
	b.pending.Reset()
	stmts, tail, _ := parser.SplitStatements(rest)
	if len(stmts) == 0 && strings.TrimSpace(tail) == "" {
		return statement{}
	}
	return statement{rest, b.start + strings.Count(rest[:codeStart(rest)], "\n")}
}

// Script says where a batch run's statements come from and how failures are told.
type Script struct {
	// Name is the script as failures name it, cqlsh's way (NAME:LINE:error: …): a file name as the
	// user gave it, "<stdin>"; "" reports failures as the prompt does, without a place.
	Name string
	// TTY is cqlsh's tty mode (-t) on input that is not a terminal: the prompt is shown before each
	// line, failures are told as at the prompt, and they do not fail the run.
	TTY bool
}

// BatchError says that statements of a script failed. Each was reported on Err when it failed.
type BatchError struct {
	Name    string // the script
	Failed  int    // statements that failed
	Stopped bool   // the run stopped at the first failure (StopOnError, or an interrupted statement)
}

func (e *BatchError) Error() string {
	name := e.Name
	if name == "" {
		name = "the script"
	}
	what := fmt.Sprintf("%d statements", e.Failed)
	if e.Failed == 1 {
		what = "1 statement"
	}
	if e.Stopped {
		return fmt.Sprintf("%s: stopped after %s failed", name, what)
	}
	return fmt.Sprintf("%s: %s failed", name, what)
}

// RunBatch runs the statements read from r in order, as cqlsh runs -f, -e and piped input: a
// failing statement is reported on Err as NAME:LINE:error: … (LINE is where it starts) and the run
// goes on, unless StopOnError is set; at the end a *BatchError says that something failed. A UTF-8
// byte-order mark at the start of r is skipped. The run stops at EXIT or QUIT and at an interrupted
// statement. A read error is reported and returned.
func (s *Session) RunBatch(ctx context.Context, r io.Reader, sc Script) error {
	in := bufio.NewReaderSize(r, 64*1024)
	if bom, err := in.Peek(3); err == nil && bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = in.Discard(3)
	}
	var buf statementBuffer
	failed := &BatchError{Name: sc.Name}
	run := func(st statement) (stop bool) {
		err := s.Execute(ctx, st.text)
		if errors.Is(err, ErrExit) {
			return true
		}
		if err == nil {
			return false
		}
		s.report(sc, st.line, err)
		failed.Failed++
		failed.Stopped = s.StopOnError || errors.Is(err, context.Canceled)
		return failed.Stopped
	}
	for {
		if sc.TTY {
			s.showPrompt(buf.empty())
		}
		line, err := in.ReadString('\n')
		if line != "" || err == nil {
			for _, st := range buf.addLine(strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")) {
				if run(st) {
					return failed.result(sc)
				}
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.report(sc, buf.n+1, fmt.Errorf("reading the input: %w", err))
			return &BatchError{Name: sc.Name, Failed: failed.Failed + 1, Stopped: true}
		}
	}
	if sc.TTY {
		fmt.Fprintln(s.Out)
	}
	if rest := buf.flushStatement(); rest.text != "" {
		run(rest)
	}
	return failed.result(sc)
}

// result is nil when nothing failed or, in tty mode, when failures do not fail the run.
func (e *BatchError) result(sc Script) error {
	if e.Failed == 0 || sc.TTY {
		return nil
	}
	return e
}

// RunScript runs the statements read from r (SOURCE's file): failures are named after the file,
// and the run stops at the first one unless keepGoing or StopOnError says otherwise.
func (s *Session) RunScript(ctx context.Context, r io.Reader, keepGoing bool) error {
	name := ""
	if f, ok := r.(*os.File); ok {
		name = f.Name()
	}
	saved := s.StopOnError
	s.StopOnError = saved || !keepGoing
	defer func() { s.StopOnError = saved }()
	return s.RunBatch(ctx, r, Script{Name: name})
}

// showPrompt writes the prompt for the next line: the keyspace's, or the continuation's.
func (s *Session) showPrompt(first bool) {
	if first {
		fmt.Fprint(s.Out, s.promptText())
		return
	}
	fmt.Fprint(s.Out, strings.Repeat(" ", max(len(s.promptText())-4, 0))+"... ")
}

// report prints a failed statement's error: at its place in the script (NAME:LINE:error: …) as
// cqlsh does in batch mode, and with its whole chain of causes in debug mode.
func (s *Session) report(sc Script, line int, err error) {
	msg := ErrorLine(err)
	if sc.Name != "" && !sc.TTY {
		msg = fmt.Sprintf("%s:%d:%s", sc.Name, line, msg)
	}
	fmt.Fprintln(s.Err, msg)
	if s.Debug {
		printChain(s.Err, err)
	}
}

// runOne runs a statement and reports its error on Err, as the prompt does.
func (s *Session) runOne(ctx context.Context, stmt string) error {
	err := s.Execute(ctx, stmt)
	if err != nil && !errors.Is(err, ErrExit) {
		s.report(Script{}, 0, err)
	}
	return err
}

// printChain writes each error err wraps, outermost first, with its Go type: what --debug adds to
// an error line.
func printChain(w io.Writer, err error) {
	depth := 0
	var walk func(error)
	walk = func(e error) {
		if e == nil || depth > 32 {
			return
		}
		fmt.Fprintf(w, "debug: %s%T: %s\n", strings.Repeat("  ", depth), e, strings.ReplaceAll(e.Error(), "\n", " / "))
		depth++
		defer func() { depth-- }()
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				walk(inner)
			}
		}
	}
	walk(err)
}
