package repl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

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

// secret matches statements that carry a password; they are not written to the history file.
var secret = regexp.MustCompile(`(?i)\bPASSWORD\b`)

// Interact runs the interactive prompt on the terminal until EXIT, QUIT or Ctrl-D. A statement
// continues over several lines until its ';' (shell commands end with their line); Tab completes
// keywords, keyspaces, tables and columns; Ctrl-C clears the line being typed, or cancels the
// running statement and returns to the prompt. The terminal is restored when it returns.
func (s *Session) Interact(ctx context.Context) error {
	s.Interactive = true
	if s.More == nil {
		s.More = os.Stdin
	}
	if s.PageSize == 0 {
		s.PageSize = defaultPageSize
	}
	schema := &schemaCache{}
	schema.refresh(s.Cluster)
	comp := &completer{s: s, schema: schema}
	histPath := HistoryFile()
	exit := false
	p := prompt.New(
		func(input string) {
			if strings.TrimSpace(input) == "" {
				return
			}
			appendHistory(histPath, input)
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
			words, start := comp.complete(currentStatement(before), currentStatement(d.Text))
			offset := len(before) - len(currentStatement(before))
			out := make([]prompt.Suggest, len(words))
			for i, w := range words {
				out[i] = prompt.Suggest{Text: w}
			}
			from := istrings.RuneNumber(len([]rune(before[:offset+start])))
			return out, from, istrings.RuneNumber(len([]rune(before)))
		}),
		prompt.WithExitChecker(func(string, bool) bool { return exit }),
		prompt.WithPrefixTextColor(prompt.DefaultColor),
		prompt.WithCompletionWordSeparator(" ,()=.;\n"),
	)
	p.Run()
	return s.Close()
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
