package repl

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

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
// is shown a page at a time, each followed by a --More-- prompt: Enter shows the next page; q or the
// end of input stops, with the footer; Ctrl-C drops the rest of the result, as in cqlsh.
func (s *Session) print(res *render.Result) error {
	opt := render.Options{Format: s.Format, Expanded: s.Expanded, Display: s.Display}
	if !s.Interactive || s.capture != nil || s.Format != render.Table || s.PageSize <= 0 || len(res.Rows) <= s.PageSize {
		return render.Write(s.out(), res, opt)
	}
	interrupts := make(chan os.Signal, 1)
	notifyInterrupt(interrupts)
	defer signal.Stop(interrupts)
	more := newPager(s.More, interrupts)
	opt.NoFooter = true
	for first := 0; first < len(res.Rows); first += s.PageSize {
		page := &render.Result{Columns: res.Columns, Rows: res.Rows[first:min(first+s.PageSize, len(res.Rows))], Keys: res.Keys}
		opt.FirstRow = first
		if err := render.Write(s.Out, page, opt); err != nil {
			return err
		}
		if first+s.PageSize >= len(res.Rows) {
			break
		}
		fmt.Fprint(s.Err, "--More--")
		a := more.answer()
		if a == pageNext {
			continue
		}
		fmt.Fprintln(s.Err)
		if a == pageInterrupted {
			return nil
		}
		break
	}
	_, err := io.WriteString(s.Out, render.Footer(len(res.Rows)))
	return err
}

// notifyInterrupt sends Ctrl-C's SIGINT to c; tests replace it.
var notifyInterrupt = func(c chan<- os.Signal) { signal.Notify(c, os.Interrupt) }

// pageAnswer is what the user answered at --More--.
type pageAnswer int

const (
	pageNext        pageAnswer = iota // Enter: the next page
	pageStop                          // q, the end of input or a read error: no more pages
	pageInterrupted                   // Ctrl-C: drop the rest
)

// pager reads the answers to --More--. Each answer is read in a goroutine so that a Ctrl-C can end
// the wait; to end the read too, so that it does not take the next line typed at the prompt, the
// reader must be a file that takes read deadlines (the terminal as Interact opens it, or a pipe).
type pager struct {
	in         *bufio.Reader
	deadline   interface{ SetReadDeadline(time.Time) error }
	interrupts <-chan os.Signal
}

func newPager(r io.Reader, interrupts <-chan os.Signal) *pager {
	if r == nil {
		r = strings.NewReader("") // no way to answer: the first page only
	}
	p := &pager{in: bufio.NewReaderSize(r, 16), interrupts: interrupts}
	if d, ok := r.(interface{ SetReadDeadline(time.Time) error }); ok && d.SetReadDeadline(time.Time{}) == nil {
		p.deadline = d
	}
	return p
}

func (p *pager) answer() pageAnswer {
	line := make(chan string, 1)
	go func() {
		l, err := p.in.ReadString('\n')
		if err != nil {
			l = "q"
		}
		line <- l
	}()
	select {
	case l := <-line:
		if strings.EqualFold(strings.TrimSpace(l), "q") {
			return pageStop
		}
		return pageNext
	case <-p.interrupts:
		if p.deadline != nil {
			p.deadline.SetReadDeadline(time.Now()) // ends the read
			<-line
			p.deadline.SetReadDeadline(time.Time{})
		}
		return pageInterrupted
	}
}
