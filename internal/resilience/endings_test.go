package resilience

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// The tests of this file end scans in every way a scan can end — SIGINT, SIGTERM, --timeout with and
// without --max-rate, a node lost at RF 1 — and check that the progress is saved, that --resume then
// gives the exact count reading only what was left, and that checkpoints which must not be resumed
// (damaged, edited, finished) are refused. Scans are slowed with --max-rate, not made long with big
// tables, so that each test takes seconds.

// filled fills ks.t (fill's 40,000 rows at RF rf) once for all the tests of this file that read it.
func filled(t *testing.T, ks string, rf int) {
	t.Helper()
	filledTables.Lock()
	defer filledTables.Unlock()
	if filledTables.done[ks] {
		return
	}
	fill(t, ks, rf) // t.Fatal on failure: the next test tries again
	filledTables.done[ks] = true
}

var filledTables = struct {
	sync.Mutex
	done map[string]bool
}{done: map[string]bool{}}

var rangesReadRe = regexp.MustCompile(`(\d+) ranges read`)

// rangesRead is how many ranges --stats says the run read.
func (r *run) rangesRead(t *testing.T) int {
	t.Helper()
	m := rangesReadRe.FindStringSubmatch(r.errOut.String())
	if m == nil {
		t.Fatalf("no \"ranges read\" in the stats:\n%s", r.errOut.String())
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// refused checks that r failed with exit status 2, printed no answer and said one line containing
// each of want.
func (r *run) refused(t *testing.T, what string, want ...string) {
	t.Helper()
	msg := strings.TrimRight(r.errOut.String(), "\n")
	if r.code != 2 || r.out.Len() != 0 || strings.Contains(msg, "\n") {
		t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2, no answer and one line", what, r.code, r.out.String(), msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("%s: %q does not say %q", what, msg, w)
		}
	}
}

// interrupted checks that r stopped without an answer, saying why (say) and where its progress is
// (ckpt), and that the file is there.
func (r *run) interrupted(t *testing.T, code int, say, ckpt string) {
	t.Helper()
	msg := r.errOut.String()
	if r.code != code || r.out.Len() != 0 {
		t.Fatalf("exit %d, stdout %q; want exit %d and no answer; stderr:\n%s", r.code, r.out.String(), code, msg)
	}
	if strings.Count(msg, say) != 1 || !strings.Contains(msg, "--resume "+ckpt) {
		t.Errorf("stderr does not say %q once and where the progress is (%s):\n%s", say, ckpt, msg)
	}
	if _, err := os.Stat(ckpt); err != nil {
		t.Errorf("no checkpoint: %v", err)
	}
}

// TestSignalsSaveProgress: SIGINT and SIGTERM each stop a count slowed by --max-rate within a second
// and a half, saving its progress in one message that names the cause and the checkpoint; the exit
// status is 2 for SIGINT (a statement of the batch failed: what cqlscan has always done, where cqlsh
// goes on to its next statement and exits 0) and 143 for SIGTERM (128 + 15, as for a process the
// signal killed). --resume then gives the exact count, reading fewer ranges than a whole scan.
func TestSignalsSaveProgress(t *testing.T) {
	hosts := testcluster.Hosts(t, testcluster.Three)
	filled(t, "end_rf1", 1)
	for _, c := range []struct {
		name string
		sig  syscall.Signal
		code int
		say  string
	}{
		{"SIGINT", syscall.SIGINT, 2, "error: interrupted"},
		{"SIGTERM", syscall.SIGTERM, 143, "error: stopped by SIGTERM"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ckpt := filepath.Join(t.TempDir(), "scan.json")
			args := []string{hosts[0], "--format", "csv", "--splits", "64", "--stats", "-e", "SELECT COUNT(*) FROM end_rf1.t"}
			r := start(t, append(args, "--checkpoint", ckpt, "--max-rate", "10000")...)
			time.Sleep(1200 * time.Millisecond)
			sent := time.Now()
			if err := r.cmd.Process.Signal(c.sig); err != nil {
				t.Fatal(err)
			}
			r.wait(t)
			if d := r.ended.Sub(sent); d > 1500*time.Millisecond {
				t.Errorf("cqlscan took %v to stop after %v", d, c.sig)
			}
			r.interrupted(t, c.code, c.say, ckpt)
			resumed := start(t, append(args, "--resume", ckpt)...).wait(t)
			if n := resumed.count(t); n != rows {
				t.Errorf("resumed count = %d, want %d", n, rows)
			}
			if n := resumed.rangesRead(t); n >= 64 {
				t.Errorf("the resumed run read %d ranges: all of them again", n)
			}
		})
	}
}

// TestTimeoutSavesProgress: --timeout stops a scan and saves its progress whether the scan is
// waiting for --max-rate when the time is up (the limiter used to refuse a wait past the deadline
// with an error of its own and save nothing) or waiting for Cassandra; the message is the timeout's,
// and --resume gives the exact count.
func TestTimeoutSavesProgress(t *testing.T) {
	hosts := testcluster.Hosts(t, testcluster.Three)
	filled(t, "end_rf1", 1)
	for _, c := range []struct {
		name   string
		splits string
		args   []string
		say    string
	}{
		// 40,000 rows at 10,000 rows/s take 4 s: at 1 s most of the scan is waiting for the limiter.
		{"waiting for --max-rate", "64", []string{"--max-rate", "10000", "--timeout", "1s"}, "error: --timeout 1s reached"},
		// 2,048 ranges read one at a time take seconds: at 0.4 s a read is in flight.
		{"reading", "2048", []string{"--concurrency", "1", "--timeout", "400ms"}, "error: --timeout 400ms reached"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ckpt := filepath.Join(t.TempDir(), "scan.json")
			args := []string{hosts[0], "--format", "csv", "--splits", c.splits, "--stats", "-e", "SELECT COUNT(*) FROM end_rf1.t"}
			r := start(t, append(append(args, "--checkpoint", ckpt), c.args...)...).wait(t)
			r.interrupted(t, 2, c.say, ckpt)
			if msg := r.errOut.String(); strings.Contains(msg, "rate:") || strings.Contains(msg, "deadline") {
				t.Errorf("the limiter's or the context's words, not the timeout's:\n%s", msg)
			}
			resumed := start(t, append(args, "--resume", ckpt)...).wait(t)
			if n := resumed.count(t); n != rows {
				t.Errorf("resumed count = %d, want %d", n, rows)
			}
			planned, _ := strconv.Atoi(c.splits)
			if n := resumed.rangesRead(t); n >= planned {
				t.Errorf("the resumed run read %d ranges of %d: all of them again", n, planned)
			}
		})
	}
}

// TestCheckpointRefusals: a checkpoint whose partial count was edited by hand is refused — one line
// naming the file, no answer, the file left as it was — where it used to be believed and give a
// wrong total; the same checkpoint unedited resumes to the exact count and is then marked finished,
// and a --resume of it again is refused, saying its answer was printed.
func TestCheckpointRefusals(t *testing.T) {
	hosts := testcluster.Hosts(t, testcluster.Three)
	filled(t, "end_rf1", 1)
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "scan.json")
	args := []string{hosts[0], "--format", "csv", "--splits", "64", "-e", "SELECT COUNT(*) FROM end_rf1.t"}
	start(t, append(args, "--checkpoint", ckpt, "--max-rate", "20000", "--timeout", "800ms")...).wait(t).
		interrupted(t, 2, "--timeout 800ms reached", ckpt)

	edited := filepath.Join(dir, "edited.json")
	data, err := os.ReadFile(ckpt)
	if err != nil {
		t.Fatal(err)
	}
	changed := editCount(t, data, "-5000")
	if err := os.WriteFile(edited, changed, 0o600); err != nil {
		t.Fatal(err)
	}
	start(t, append(args, "--resume", edited)...).wait(t).refused(t, "an edited checkpoint", edited, "damaged or edited", "--resume")
	if after, _ := os.ReadFile(edited); string(after) != string(changed) {
		t.Error("refusing the edited checkpoint changed the file")
	}

	resumed := start(t, append(args, "--resume", ckpt)...).wait(t)
	if n := resumed.count(t); n != rows {
		t.Errorf("resumed count = %d, want %d", n, rows)
	}
	start(t, append(args, "--resume", ckpt)...).wait(t).refused(t, "a finished checkpoint", ckpt, "finished", "answer was printed then")
}

// firstCount is the first partial count in a checkpoint file, as the file writes it.
var firstCount = regexp.MustCompile(`("rows": \[\s*\[\s*")(\d+)(")`)

// editCount changes the first partial count of a checkpoint file to count, as a person with an
// editor would: the rest of the file, its checksum included, stays as it was.
func editCount(t *testing.T, data []byte, count string) []byte {
	t.Helper()
	loc := firstCount.FindSubmatchIndex(data)
	if loc == nil {
		t.Fatalf("no partial count in the checkpoint:\n%s", data)
	}
	out := append([]byte(nil), data[:loc[4]]...)
	out = append(out, count...)
	return append(out, data[loc[5]:]...)
}

// TestNodeLostAndConsistencyAll stops a node once for two ways a scan meets it: an RF 1 count that
// loses it mid-scan fails honestly, naming the ranges and the host, with its progress saved where
// cqlscan keeps checkpoints by default (no --checkpoint given: TestNodeStoppedMidScan covers the
// file named on the command line), and resumes exactly once the node is back, reading only the
// ranges left; and a count at consistency ALL on an RF 3 table says that the level cannot be met
// and how many replicas it had, not that every replica is down.
func TestNodeLostAndConsistencyAll(t *testing.T) {
	hosts := testcluster.Hosts(t, testcluster.Three)
	filled(t, "end_rf1", 1)
	// An empty RF 3 table is enough for ALL: the coordinators refuse it before reading anything.
	s, _ := testcluster.Session(t, testcluster.Three)
	testcluster.Keyspace(t, s, "end_all", 3)
	if err := s.Query("CREATE TABLE end_all.t (id int PRIMARY KEY)").Exec(); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache) // os.UserCacheDir: where default checkpoints go
	args := []string{hosts[0], "--format", "csv", "--consistency", "ONE", "--splits", "96", "--stats", "-e", "SELECT COUNT(*) FROM end_rf1.t"}
	rf1 := start(t, append(args, "--max-rate", "6000")...)
	time.Sleep(time.Second)
	testcluster.Devcluster(t, "stop-node", "3")
	restarted := false
	t.Cleanup(func() {
		if !restarted {
			testcluster.Devcluster(t, "start-node", "3")
		}
	})

	rf1.wait(t)
	msg := rf1.errOut.String()
	if rf1.code != 2 || rf1.out.Len() != 0 {
		t.Fatalf("RF 1 with a node lost: exit %d, stdout %q; want 2 and no answer; stderr:\n%s", rf1.code, rf1.out.String(), msg)
	}
	for _, want := range []string{"token ranges failed after retries", "token range (", " on " + hosts[2] + ":", "no answer is printed"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the RF 1 failure does not say %q:\n%s", want, msg)
		}
	}
	m := regexp.MustCompile(`--resume (\S+) to finish it`).FindStringSubmatch(msg)
	if m == nil || !strings.HasPrefix(m[1], filepath.Join(cache, "cqlscan", "checkpoints")+string(filepath.Separator)) {
		t.Fatalf("the RF 1 failure does not name a checkpoint in the cache directory %s:\n%s", cache, msg)
	}
	ckpt := m[1]

	all := start(t, hosts[0], "--format", "csv", "--consistency", "ALL", "--max-retries", "1", "-e", "SELECT COUNT(*) FROM end_all.t").wait(t)
	msg = all.errOut.String()
	if all.code != 2 || all.out.Len() != 0 || strings.Contains(msg, "every replica is down") ||
		!regexp.MustCompile(`consistency level ALL (cannot be met: 2 replicas are alive and it needs 3|was not met in time: [0-2] of the 3 replicas it needs answered)`).MatchString(msg) {
		t.Errorf("CL ALL with a node down: exit %d, stdout %q; want 2 and a message that ALL cannot be met (2 of 3); stderr:\n%s", all.code, all.out.String(), msg)
	}

	testcluster.Devcluster(t, "start-node", "3")
	restarted = true
	resumed := start(t, append(args, "--resume", ckpt)...).wait(t)
	if n := resumed.count(t); n != rows {
		t.Errorf("resumed RF 1 count = %d, want %d", n, rows)
	}
	if n := resumed.rangesRead(t); n >= 96 {
		t.Errorf("the resumed run read %d ranges: all of them again", n)
	}
}
