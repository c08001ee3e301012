package repl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	prompt "github.com/elk-language/go-prompt"
	istrings "github.com/elk-language/go-prompt/strings"
)

// HistoryFile is where the prompt keeps its history: $CQLSCAN_HISTORY, else
// ~/.cassandra/cqlscan_history.
func HistoryFile() string {
	if f := os.Getenv("CQLSCAN_HISTORY"); f != "" {
		return f
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".cassandra", "cqlscan_history")
}

// historySize is how many statements the prompt remembers.
const historySize = 1000

// secret matches statements that may carry a password (… PASSWORD …, LOGIN user 'password'); they
// are not written to the history file.
var secret = regexp.MustCompile(`(?i)\bPASSWORD\b|^\s*LOGIN\b`)

// Interact runs the interactive prompt on the terminal until EXIT, QUIT or Ctrl-D. It opens with a
// banner as cqlsh's (the cluster, its address and versions). A statement continues over several
// lines until its ';' (shell commands end with their line); Tab completes keywords, keyspaces, tables
// and columns, and on an empty word lists what may come there; Ctrl-C clears the line being typed,
// cancels the running statement, or leaves a --More-- page, and returns to the prompt. The terminal
// is restored when it returns.
func (s *Session) Interact(ctx context.Context) error {
	s.Interactive = true
	if s.More == nil {
		tty := openTerminal()
		if tty != os.Stdin {
			defer tty.Close()
		}
		s.More = tty
	}
	if s.PageSize == 0 {
		s.PageSize = defaultPageSize
	}
	s.printBanner(ctx)
	schema := &schemaCache{}
	schema.refresh(s.Cluster)
	comp := &completer{s: s, schema: schema}
	var listing, showing atomic.Bool // Tab asked for the list; suggestions are on the screen
	histPath := HistoryFile()
	exit := false
	term := &terminal{ctx: ctx, err: s.Err}
	p := prompt.New(
		func(input string) {
			term.running(true)
			defer func() {
				if term.running(false) {
					exit = true // a signal ended the statement: it ends the shell too
				}
			}()
			if strings.TrimSpace(input) == "" {
				return
			}
			if !s.NoHistory {
				appendHistory(histPath, input)
			}
			var buf statementBuffer
			stmts := []string{}
			for _, line := range strings.Split(input, "\n") {
				stmts = append(stmts, buf.add(line)...)
			}
			if rest := buf.flush(); rest != "" {
				stmts = append(stmts, rest)
			}
			for _, st := range stmts {
				if err := s.runOne(ctx, st); errors.Is(err, ErrExit) {
					exit = true
					return
				}
				if _, ok := Terminated(ctx); ok {
					return
				}
			}
			schema.refresh(s.Cluster)
		},
		prompt.WithPrefixCallback(func() string { return s.promptText() }),
		prompt.WithHistory(loadHistory(histPath)),
		prompt.WithHistorySize(historySize),
		prompt.WithExecuteOnEnterCallback(func(p *prompt.Prompt, _ int) (int, bool) {
			return 0, statementComplete(p.Buffer().Text())
		}),
		prompt.WithCompleter(func(d prompt.Document) ([]prompt.Suggest, istrings.RuneNumber, istrings.RuneNumber) {
			before := d.TextBeforeCursor()
			found, start := comp.complete(currentStatement(before), currentStatement(d.Text), listing.Swap(false))
			showing.Store(len(found) > 0)
			offset := len(before) - len(currentStatement(before))
			out := make([]prompt.Suggest, len(found))
			for i, f := range found {
				out[i] = prompt.Suggest{Text: f.text, Description: f.note}
			}
			from := istrings.RuneNumber(len([]rune(before[:offset+start])))
			return out, from, istrings.RuneNumber(len([]rune(before)))
		}),
		prompt.WithReader(&tabReader{Reader: prompt.NewStdinReader(), showing: &showing, term: term}),
		prompt.WithASCIICodeBind(prompt.ASCIICodeBind{ASCIICode: []byte(listKey), Fn: func(*prompt.Prompt) bool {
			listing.Store(true)
			return true // redraw, which asks the completer again
		}}),
		prompt.WithMaxSuggestion(12),
		prompt.WithExitChecker(func(string, bool) bool { return exit }),
		prompt.WithPrefixTextColor(prompt.DefaultColor),
		prompt.WithCompletionWordSeparator(wordSeparators),
	)
	term.close = p.Close
	stopWatching := context.AfterFunc(ctx, term.signalled)
	defer stopWatching()
	p.Run()
	return s.Close()
}

// terminal ends the shell when a signal ends the program (SIGTERM: ctx is cancelled with a
// *SignalError). While a statement runs, the statement stops, says so, and the prompt then returns
// (see Interact). At the prompt, the terminal is given back its settings, the signal is named, and
// the program exits with the signal's status — the only way out, since go-prompt's loop cannot be
// stopped from outside. go-prompt catches SIGTERM at the prompt too, and leaves with status 1 after
// restoring the terminal through the reader's Close: tabReader.Close exits first, with the right
// status.
type terminal struct {
	ctx   context.Context
	err   io.Writer
	close func() // the prompt's Close: restores the terminal, through tabReader.Close

	mu        sync.Mutex
	executing bool
	once      sync.Once
}

// running records that a statement starts (true) or has ended (false), and reports whether a
// signal has ended the program meanwhile.
func (t *terminal) running(on bool) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.executing = on
	_, ended := Terminated(t.ctx)
	return ended
}

// signalled runs when ctx is done: at the prompt, a signal's end of the program is carried out.
func (t *terminal) signalled() {
	t.mu.Lock()
	busy := t.executing
	t.mu.Unlock()
	if _, ok := Terminated(t.ctx); ok && !busy && t.close != nil {
		t.close() // → tabReader.Close → t.exitIfSignalled
	}
}

// exitIfSignalled ends the program with the signal's status once the terminal is restored, if a
// signal ended it; otherwise it returns.
func (t *terminal) exitIfSignalled() {
	se, ok := Terminated(t.ctx)
	if !ok {
		return
	}
	t.once.Do(func() {
		fmt.Fprintf(t.err, "\ncqlscan: %v\n", se)
		os.Exit(se.ExitStatus())
	})
}

// listKey is what tabReader turns a Tab into when no suggestions are showing: a sequence no terminal
// sends, bound to listing the candidates of the word at the cursor.
const listKey = "\x1b[cqlscan-list]"

// tabReader is the prompt's terminal input with Tab made cqlsh's: with suggestions on the screen, Tab
// picks the next; without, it lists the candidates for the word at the cursor, where go-prompt
// would insert spaces.
type tabReader struct {
	prompt.Reader
	showing *atomic.Bool
	term    *terminal
}

// Close gives the terminal back its settings (go-prompt calls it before running each statement and
// when it leaves) and, when a signal has ended the program, exits (see terminal).
func (r *tabReader) Close() error {
	err := r.Reader.Close()
	if r.term != nil {
		r.term.exitIfSignalled()
	}
	return err
}

func (r *tabReader) Read(b []byte) (int, error) {
	n, err := r.Reader.Read(b)
	if n == 1 && b[0] == '\t' && !r.showing.Load() && len(b) >= len(listKey) {
		n = copy(b, listKey)
	}
	return n, err
}

// openTerminal opens the terminal for the --More-- prompt's answers, in a form a Ctrl-C can
// interrupt while it waits (see Session.print); without /dev/tty, standard input serves, as the
// prompt itself then reads it.
func openTerminal() *os.File {
	tty, err := os.Open("/dev/tty")
	if err != nil {
		return os.Stdin
	}
	return tty
}

// promptText is the prompt: cqlscan> or cqlscan:ks> as cqlsh shows the keyspace.
func (s *Session) promptText() string {
	if s.Keyspace != "" {
		return "cqlscan:" + s.Keyspace + "> "
	}
	return "cqlscan> "
}

// statementComplete reports whether Enter should run what was typed: nothing, a shell command, or
// statements ending with ';'.
func statementComplete(text string) bool {
	if strings.TrimSpace(text) == "" {
		return true
	}
	var buf statementBuffer
	for _, line := range strings.Split(text, "\n") {
		buf.add(line)
	}
	return buf.empty() || buf.flush() == ""
}

// currentStatement is the statement being typed: the text after the last complete one.
func currentStatement(text string) string {
	if i := strings.LastIndex(text, ";"); i >= 0 {
		return text[i+1:]
	}
	return text
}

// loadHistory reads the history file: one statement a line, quoted when it spans lines.
func loadHistory(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, `"`) {
			if u, err := strconv.Unquote(line); err == nil {
				line = u
			}
		}
		if line != "" {
			out = append(out, line)
		}
	}
	if len(out) > historySize {
		out = out[len(out)-historySize:]
	}
	return out
}

// appendHistory adds a statement to the history file, unless it carries a password.
func appendHistory(path, entry string) {
	entry = strings.TrimSpace(entry)
	if path == "" || entry == "" || secret.MatchString(entry) {
		return
	}
	if strings.Contains(entry, "\n") || strings.HasPrefix(entry, `"`) {
		entry = strconv.Quote(entry)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintln(f, entry)
}
