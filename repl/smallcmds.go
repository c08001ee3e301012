package repl

import (
	"context"
	"fmt"
	"strconv"
)

// clearScreen is cqlsh's CLEAR and CLS: it clears a terminal and homes its cursor.
func (s *Session) clearScreen(context.Context, string) error {
	_, err := fmt.Fprint(s.Out, "\x1b[H\x1b[2J")
	return err
}

// defaultHistoryShown is how many statements HISTORY lists, as cqlsh's default.
const defaultHistoryShown = 50

// history is cqlsh's HISTORY [n]: the last statements typed at the prompt (n sets how many for the
// rest of the session).
func (s *Session) history(_ context.Context, arg string) error {
	if arg != "" {
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 {
			return fmt.Errorf("HISTORY %s: want a number of statements, at least 1", arg)
		}
		s.historyShown = n
	}
	n := s.historyShown
	if n == 0 {
		n = defaultHistoryShown
	}
	h := loadHistory(HistoryFile())
	for _, e := range h[max(0, len(h)-n):] {
		fmt.Fprintln(s.out(), e)
	}
	return nil
}

// unicodeHelp is what UNICODE says, as cqlsh's command of that name does.
const unicodeHelp = `Text is read and written as UTF-8. In the table view, control characters in text and ascii
values show as escapes (\n, \t, \r, \xNN) and a backslash as \\; CSV and JSON output keep text as
it is.`

func (s *Session) unicode(context.Context, string) error {
	_, err := fmt.Fprintln(s.out(), unicodeHelp)
	return err
}
