package repl

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/executor"
)

func TestProgressLine(t *testing.T) {
	var st executor.Stats
	st.RangesTotal.Store(400)
	st.RangesDone.Store(100)
	st.Rows.Store(50000)
	got := progressLine(&st, 10*time.Second)
	if want := "ranges 100/400  rows 50000  5000 rows/s  elapsed 10s  ETA 30s"; got != want {
		t.Errorf("progressLine = %q, want %q", got, want)
	}
	st.RangesDone.Store(0)
	if got := progressLine(&st, time.Second); !strings.HasSuffix(got, "ETA ?") {
		t.Errorf("with nothing done yet: %q, want an unknown ETA", got)
	}
}

// lockedBuffer is a bytes.Buffer safe for the progress goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A quick statement shows nothing; a long one shows the line and clears it at the end.
func TestProgressShowsAndClears(t *testing.T) {
	var st executor.Stats
	var quick lockedBuffer
	showProgress(&quick, &st)()
	if quick.String() != "" {
		t.Errorf("a quick statement printed %q", quick.String())
	}
	var long lockedBuffer
	stop := showProgress(&long, &st)
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(long.String(), "ranges 0/0"); {
		if time.Now().After(deadline) {
			t.Fatal("no progress line after 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	if out := long.String(); !strings.HasPrefix(out, "\r") || !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("progress output %q: want lines redrawn with \\r and a cleared line at the end", out)
	}
}
