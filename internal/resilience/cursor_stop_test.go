package resilience

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/internal/load"
	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// TestCursorStoppedBySignal: a cursor run slowed by --max-rate is stopped by SIGTERM, then another by
// SIGINT: each writes out what it delivered, saves itself as pending and exits (143, then 2), and the
// run after carries the pending one on, so that the three runs deliver every row exactly once.
func TestCursorStoppedBySignal(t *testing.T) {
	const rows = 8000
	s, hosts := testcluster.Session(t, testcluster.Three)
	testcluster.Keyspace(t, s, "stop_cur", 3)
	ctx := context.Background()
	if err := s.Query("CREATE TABLE stop_cur.t (id int PRIMARY KEY, v text)").ExecContext(ctx); err != nil {
		t.Fatal(err)
	}
	if err := load.Run(ctx, s, rows, 64, func(i int) load.Stmt {
		return load.S("INSERT INTO stop_cur.t (id, v) VALUES (?, ?)", i, fmt.Sprint("v", i))
	}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cur := filepath.Join(dir, "stop.cursor")
	args := []string{hosts[0], "--cursor", cur, "--settle", "0", "--format", "csv", "--no-progress",
		"--consistency", "QUORUM", "--splits", "48", "--fetch-size", "200", "--concurrency", "4", "-e", "SELECT id, v FROM stop_cur.t"}
	var delivered []string
	collect := func(r *run) {
		for _, l := range strings.Split(strings.ReplaceAll(r.out.String(), "\r\n", "\n"), "\n") {
			if l != "" && l != "id,v" {
				delivered = append(delivered, l)
			}
		}
	}
	for _, sig := range []struct {
		s    syscall.Signal
		code int
		say  string
	}{{syscall.SIGTERM, 143, "stopped by SIGTERM"}, {syscall.SIGINT, 2, "interrupted"}} {
		r := start(t, append(args, "--max-rate", "2000")...)
		time.Sleep(1500 * time.Millisecond)
		if err := r.cmd.Process.Signal(sig.s); err != nil {
			t.Fatal(err)
		}
		r.wait(t)
		if r.code != sig.code || !strings.Contains(r.errOut.String(), sig.say+"; progress saved in cursor") {
			t.Fatalf("%v: exit %d, stderr %q", sig.s, r.code, r.errOut.String())
		}
		collect(r)
	}
	r := start(t, args...).wait(t)
	if r.code != 0 || !strings.Contains(r.errOut.String(), "carrying on the run begun") ||
		!strings.Contains(r.errOut.String(), fmt.Sprintf("%d rows delivered", rows)) {
		t.Fatalf("the run carrying on: exit %d, stderr %q", r.code, r.errOut.String())
	}
	collect(r)
	sort.Strings(delivered)
	for i := 1; i < len(delivered); i++ {
		if delivered[i] == delivered[i-1] {
			t.Fatalf("row %s delivered twice", delivered[i])
		}
	}
	if len(delivered) != rows {
		t.Fatalf("%d rows delivered over the three runs, want %d", len(delivered), rows)
	}
	if _, err := os.Stat(cur); err != nil {
		t.Fatal(err)
	}
}
