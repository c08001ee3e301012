package repl

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/repl/render"
)

// syncBuffer is a bytes.Buffer safe to read while the pager writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Ctrl-C at --More-- drops the rest of the result at once, and the line typed next is left for the
// prompt instead of being taken as the answer to a page.
func TestPagingInterrupted(t *testing.T) {
	interrupts := make(chan chan<- os.Signal, 1)
	defer func(old func(chan<- os.Signal)) { notifyInterrupt = old }(notifyInterrupt)
	notifyInterrupt = func(c chan<- os.Signal) { interrupts <- c }

	r, w, err := os.Pipe() // a file that takes read deadlines, as the terminal Interact opens
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	s, _, _ := session()
	var out, errb syncBuffer
	s.Out, s.Err = &out, &errb
	s.Interactive, s.PageSize, s.More = true, 2, r
	res := &render.Result{Columns: everyColumn("n")}
	for i := range 7 {
		res.Rows = append(res.Rows, []any{int64(i)})
	}
	done := make(chan error, 1)
	go func() { done <- s.print(res) }()
	sigint := <-interrupts
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(errb.String(), "--More--") {
		if time.Now().After(deadline) {
			t.Fatalf("no --More-- prompt; output:\n%s", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	began := time.Now()
	sigint <- os.Interrupt
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the pager still waits 5 s after Ctrl-C")
	}
	if d := time.Since(began); d > time.Second {
		t.Errorf("the pager took %v to stop after Ctrl-C", d)
	}
	if got := out.String(); !strings.Contains(got, " 1\n") || strings.Contains(got, " 2\n") || strings.Contains(got, "rows)") {
		t.Errorf("after Ctrl-C on the first page the output is:\n%s\nwant the first page only, no footer", got)
	}
	// The next line typed goes to whoever reads next, not to a leftover pager read.
	if _, err := w.Write([]byte("SELECT 1;\n")); err != nil {
		t.Fatal(err)
	}
	r.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 64)
	n, err := r.Read(buf)
	if string(buf[:n]) != "SELECT 1;\n" {
		t.Errorf("the line typed after Ctrl-C reads back as %q (%v): the pager swallowed it", buf[:n], err)
	}
}

// Each answer at --More--: Enter goes on, q and the end of input stop with the footer.
func TestPagingAnswers(t *testing.T) {
	cases := []struct {
		name, answers string
		prompts       int
		lastRow       string
	}{
		{"Enter to the end", "\n\n\n", 3, " 6\n"},
		{"q on the second page", "\nq\n", 2, " 3\n"},
		{"Q counts too", " Q \n", 1, " 1\n"},
		{"end of input", "", 1, " 1\n"},
		{"nothing to read answers from", "none", 1, " 1\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, out, errb := session()
			s.Interactive, s.PageSize, s.More = true, 2, strings.NewReader(c.answers)
			if c.answers == "none" {
				s.More = nil
			}
			res := &render.Result{Columns: everyColumn("n")}
			for i := range 7 {
				res.Rows = append(res.Rows, []any{int64(i)})
			}
			if err := s.print(res); err != nil {
				t.Fatal(err)
			}
			got := out.String()
			if n := strings.Count(errb.String(), "--More--"); n != c.prompts {
				t.Errorf("%d --More-- prompts, want %d", n, c.prompts)
			}
			if !strings.Contains(got, c.lastRow) || !strings.HasSuffix(got, "(7 rows)\n") {
				t.Errorf("output:\n%s\nwant up to row%q and the footer", got, c.lastRow)
			}
		})
	}
}
