package repl

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/cqlscan/cqlscan/repl/render"
)

// out is where results go: the CAPTURE file while one is open, else Out.
func (s *Session) out() io.Writer {
	if s.capture != nil {
		return s.capture
	}
	return s.Out
}

// print writes a result in the session's format. At the prompt, a table longer than PageSize rows
// is shown a page at a time, each followed by a --More-- prompt: Enter shows the next page, q (or
// the end of input) stops.
func (s *Session) print(res *render.Result) error {
	opt := render.Options{Format: s.Format, Expanded: s.Expanded, Display: s.Display}
	if !s.Interactive || s.capture != nil || s.Format != render.Table || s.PageSize <= 0 || len(res.Rows) <= s.PageSize {
		return render.Write(s.out(), res, opt)
	}
	more := bufio.NewReader(s.More)
	opt.NoFooter = true
	for first := 0; first < len(res.Rows); first += s.PageSize {
		page := &render.Result{Columns: res.Columns, Rows: res.Rows[first:min(first+s.PageSize, len(res.Rows))]}
		opt.FirstRow = first
		if err := render.Write(s.Out, page, opt); err != nil {
			return err
		}
		if first+s.PageSize >= len(res.Rows) {
			break
		}
		fmt.Fprint(s.Err, "--More--")
		answer, err := more.ReadString('\n')
		if err != nil || strings.EqualFold(strings.TrimSpace(answer), "q") {
			fmt.Fprintln(s.Err)
			break
		}
	}
	_, err := io.WriteString(s.Out, render.Footer(len(res.Rows)))
	return err
}
