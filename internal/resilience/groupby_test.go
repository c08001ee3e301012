package resilience

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/internal/load"
	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// groupRows is the size of the GROUP BY tests' table: 200,000 rows at RF 1 on the three nodes.
const groupRows = 200000

// groupQuery is a GROUP BY on a regular column, which the client aggregates.
const groupQuery = "SELECT g, count(*), sum(v), min(id) FROM grp_rf1.t GROUP BY g ORDER BY g"

var rowsReadRe = regexp.MustCompile(`ranges read, .*, (\d+) rows`)

// rowsRead is how many rows --stats says the run read.
func (r *run) rowsRead(t *testing.T) int {
	t.Helper()
	m := rowsReadRe.FindStringSubmatch(r.errOut.String())
	if m == nil {
		t.Fatalf("no rows read in the stats:\n%s", r.errOut.String())
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestGroupByStoppedAndResumed: a GROUP BY on a regular column over 200,000 rows on the three-node
// cluster, with --checkpoint, is stopped by SIGINT; --resume gives the answer of an uninterrupted run
// and reads only the rows left. Then, at RF 1, a node is stopped during the GROUP BY: the run fails
// honestly (no answer, the ranges named, progress saved), and once the node is back --resume
// finishes it exactly.
func TestGroupByStoppedAndResumed(t *testing.T) {
	s, hosts := testcluster.Session(t, testcluster.Three)
	testcluster.Keyspace(t, s, "grp_rf1", 1)
	ctx := context.Background()
	if err := s.Query("CREATE TABLE grp_rf1.t (id int PRIMARY KEY, g text, v bigint)").ExecContext(ctx); err != nil {
		t.Fatal(err)
	}
	if err := load.Run(ctx, s, groupRows, 64, func(i int) load.Stmt {
		return load.S("INSERT INTO grp_rf1.t (id, g, v) VALUES (?, ?, ?)", i, fmt.Sprint("g", i%1000), int64(i%7919)*1_000_003)
	}); err != nil {
		t.Fatal(err)
	}
	args := []string{hosts[0], "--format", "csv", "--no-progress", "--consistency", "ONE", "--splits", "48", "--stats", "-e", groupQuery}
	whole := start(t, args...).wait(t)
	if whole.code != 0 || whole.rowsRead(t) != groupRows {
		t.Fatalf("uninterrupted: exit %d, stderr %s", whole.code, whole.errOut.String())
	}
	want := whole.out.String()

	dir := t.TempDir()
	ckpt := filepath.Join(dir, "sigint.json")
	r := start(t, append(args, "--checkpoint", ckpt, "--concurrency", "4", "--max-rate", "50000")...)
	time.Sleep(2 * time.Second)
	if err := r.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	r.wait(t).interrupted(t, 2, "interrupted", ckpt)
	resumed := start(t, append(args, "--resume", ckpt)...).wait(t)
	if resumed.code != 0 || resumed.out.String() != want {
		t.Fatalf("resumed after SIGINT: exit %d, stdout differs from the uninterrupted answer: %v; stderr:\n%s",
			resumed.code, resumed.out.String() != want, resumed.errOut.String())
	}
	afterSignal := resumed.rowsRead(t)
	if afterSignal >= groupRows {
		t.Errorf("the resumed run read %d rows: all of them again", afterSignal)
	}

	// A node lost at RF 1: its ranges fail after their retries, the others are kept.
	lost := filepath.Join(dir, "lost.json")
	r = start(t, append(args, "--checkpoint", lost, "--max-rate", "40000")...)
	time.Sleep(1500 * time.Millisecond)
	testcluster.Devcluster(t, "stop-node", "3")
	restarted := false
	t.Cleanup(func() {
		if !restarted {
			testcluster.Devcluster(t, "start-node", "3")
		}
	})
	r.wait(t)
	msg := r.errOut.String()
	if r.code != 2 || r.out.Len() != 0 || !regexp.MustCompile(`token range \(-?\d+, -?\d+\] on `+regexp.QuoteMeta(hosts[2])).MatchString(msg) ||
		!regexp.MustCompile(`progress saved: run the same statement with --resume `+regexp.QuoteMeta(lost)).MatchString(msg) {
		t.Fatalf("GROUP BY with a node lost at RF 1: exit %d, stdout %q; want exit 2, no answer, the range on %s named and the progress saved; stderr:\n%s",
			r.code, r.out.String(), hosts[2], msg)
	}
	testcluster.Devcluster(t, "start-node", "3")
	restarted = true
	resumed = start(t, append(args, "--resume", lost)...).wait(t)
	if resumed.code != 0 || resumed.out.String() != want {
		t.Fatalf("resumed after the node came back: exit %d, same answer %v; stderr:\n%s",
			resumed.code, resumed.out.String() == want, resumed.errOut.String())
	}
	t.Logf("resumed runs read %d rows after SIGINT, %d after the node was lost, of %d", afterSignal, resumed.rowsRead(t), groupRows)
}
