// Package resilience holds the integration tests that hurt the cluster on purpose: nodes stopped in
// the middle of a scan, connections cut by a fault proxy, Ctrl-C, rate limits. They run the real
// cqlscan binary against the three-node test cluster, one at a time (make test runs this package
// after the others, since it stops nodes they would be using).
package resilience

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/executor/cluster"
	"github.com/cqlscan/cqlscan/internal/faultproxy"
	"github.com/cqlscan/cqlscan/internal/load"
	"github.com/cqlscan/cqlscan/internal/testcluster"
	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cqlscan-resilience")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "cqlscan")
	if out, err := exec.Command("go", "build", "-o", binary, "../../cmd/cqlscan").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building cqlscan: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run is one cqlscan process.
type run struct {
	cmd         *exec.Cmd
	out, errOut bytes.Buffer
	done        chan struct{}
	code        int
	ended       time.Time
}

func start(t *testing.T, args ...string) *run {
	t.Helper()
	r := &run{cmd: exec.Command(binary, args...), done: make(chan struct{})}
	r.cmd.Stdout, r.cmd.Stderr = &r.out, &r.errOut
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		r.cmd.Wait()
		r.code, r.ended = r.cmd.ProcessState.ExitCode(), time.Now()
		close(r.done)
	}()
	t.Cleanup(func() { r.cmd.Process.Kill(); <-r.done })
	return r
}

func (r *run) wait(t *testing.T) *run {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(4 * time.Minute):
		t.Fatalf("cqlscan %v did not finish", r.cmd.Args)
	}
	return r
}

// count parses the single value of a COUNT printed with --format csv.
func (r *run) count(t *testing.T) int64 {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(r.out.String()), "\r\n")
	if r.code != 0 || len(lines) != 2 {
		t.Fatalf("cqlscan exit %d, stdout %q, stderr:\n%s", r.code, r.out.String(), r.errOut.String())
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var retriesRe = regexp.MustCompile(`(\d+) retries`)

// retries adds up the per-host retries that --stats printed.
func (r *run) retries() int {
	n := 0
	for _, m := range retriesRe.FindAllStringSubmatch(r.errOut.String(), -1) {
		k, _ := strconv.Atoi(m[1])
		n += k
	}
	return n
}

const rows = 40000

// fill creates ks.t with rows rows at replication factor rf.
func fill(t *testing.T, ks string, rf int) {
	t.Helper()
	s, _ := testcluster.Session(t, testcluster.Three)
	testcluster.Keyspace(t, s, ks, rf)
	ctx := context.Background()
	if err := s.Query("CREATE TABLE " + ks + ".t (id int PRIMARY KEY, v text)").ExecContext(ctx); err != nil {
		t.Fatal(err)
	}
	err := load.Run(ctx, s, rows, 64, func(i int) load.Stmt {
		return load.S("INSERT INTO "+ks+".t (id, v) VALUES (?, ?)", i, fmt.Sprint("v", i%97))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestNodeStoppedMidScan stops a node while two counts run, slowed by --max-rate so that it dies
// mid-scan: at RF 3 (CL ONE) the count is exact and the stats show the failover; at RF 1 the run
// fails, names the ranges and saves its progress, and once the node is back --resume finishes it
// exactly.
func TestNodeStoppedMidScan(t *testing.T) {
	hosts := testcluster.Hosts(t, testcluster.Three)
	fill(t, "res_rf3", 3)
	fill(t, "res_rf1", 1)
	ckpt := filepath.Join(t.TempDir(), "rf1.json")
	common := []string{hosts[0], "--format", "csv", "--consistency", "ONE", "--splits", "96", "--stats"}
	rf3 := start(t, append(common, "--max-rate", "8000", "-e", "SELECT COUNT(*) FROM res_rf3.t")...)
	rf1 := start(t, append(common, "--max-rate", "6000", "--checkpoint", ckpt, "-e", "SELECT COUNT(*) FROM res_rf1.t")...)
	time.Sleep(time.Second)
	testcluster.Devcluster(t, "stop-node", "3")
	restarted := false
	t.Cleanup(func() {
		if !restarted {
			testcluster.Devcluster(t, "start-node", "3")
		}
	})

	if n := rf3.wait(t).count(t); n != rows {
		t.Errorf("RF 3 count with a node stopped = %d, want %d", n, rows)
	}
	if rf3.retries() == 0 {
		t.Errorf("RF 3: the stats show no retry, so no failover was exercised:\n%s", rf3.errOut.String())
	}
	rf1.wait(t)
	msg := rf1.errOut.String()
	t.Logf("RF 1 with node 3 stopped:\n%s", msg)
	if rf1.code == 0 || rf1.out.Len() != 0 {
		t.Fatalf("RF 1 with a node down: exit %d, stdout %q; want a failure and no answer", rf1.code, rf1.out.String())
	}
	for _, want := range []string{"token ranges failed after retries", "token range (", "--resume " + ckpt} {
		if !strings.Contains(msg, want) {
			t.Errorf("RF 1 failure message does not say %q:\n%s", want, msg)
		}
	}
	testcluster.Devcluster(t, "start-node", "3")
	restarted = true
	resumed := start(t, append(common, "--resume", ckpt, "-e", "SELECT COUNT(*) FROM res_rf1.t")...).wait(t)
	if n := resumed.count(t); n != rows {
		t.Errorf("resumed RF 1 count = %d, want %d", n, rows)
	}
}

// TestInterruptAndResume: SIGINT (Ctrl-C) stops a scan within a second, saving its progress, and
// --resume then gives the exact count, reading only what was left.
func TestInterruptAndResume(t *testing.T) {
	hosts := testcluster.Hosts(t, testcluster.Three)
	fill(t, "res_int", 3)
	ckpt := filepath.Join(t.TempDir(), "int.json")
	args := []string{hosts[0], "--format", "csv", "--splits", "64", "--stats", "-e", "SELECT COUNT(*) FROM res_int.t"}
	r := start(t, append(args, "--max-rate", "10000", "--checkpoint", ckpt)...)
	time.Sleep(1500 * time.Millisecond)
	sent := time.Now()
	if err := r.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	r.wait(t)
	if d := r.ended.Sub(sent); d > time.Second {
		t.Errorf("cqlscan took %v to stop after SIGINT", d)
	}
	if r.code == 0 || !strings.Contains(r.errOut.String(), "interrupted") || r.out.Len() != 0 {
		t.Fatalf("interrupted run: exit %d, stdout %q, stderr:\n%s", r.code, r.out.String(), r.errOut.String())
	}
	resumed := start(t, append(args, "--resume", ckpt)...).wait(t)
	if n := resumed.count(t); n != rows {
		t.Errorf("resumed count = %d, want %d", n, rows)
	}
	if m := regexp.MustCompile(`(\d+) ranges read`).FindStringSubmatch(resumed.errOut.String()); m == nil || m[1] == "64" {
		t.Errorf("the resumed run read everything again:\n%s", resumed.errOut.String())
	}
}

// TestMaxRate: a count limited to R rows per second takes at least rows/R seconds.
func TestMaxRate(t *testing.T) {
	hosts := testcluster.Hosts(t, testcluster.Three)
	fill(t, "res_rate", 3)
	began := time.Now()
	r := start(t, hosts[0], "--format", "csv", "--max-rate", "20000rows/s", "-e", "SELECT COUNT(*) FROM res_rate.t").wait(t)
	if n := r.count(t); n != rows {
		t.Fatalf("count = %d", n)
	}
	if d, least := time.Since(began), time.Duration(rows/20000)*time.Second; d < least {
		t.Errorf("limited to 20000 rows/s, %d rows took %v (< %v)", rows, d, least)
	}
}

// TestFaultProxy puts a fault-injecting proxy between cqlscan and one node of an RF 1 table, so
// that every range that node owns must get through it, and scans while the proxy cuts pages off
// part-way, resets connections, delays and holds data: the count, made from rows streamed to the
// client page by page, stays exact, and the retries show in the stats.
func TestFaultProxy(t *testing.T) {
	hosts := testcluster.Hosts(t, testcluster.Three)
	fill(t, "res_proxy", 1)
	p, err := faultproxy.Start("127.0.0.1:0", hosts[1]+":9042")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	proxyHost, proxyPortText, _ := net.SplitHostPort(p.Addr())
	proxyPort, _ := strconv.Atoi(proxyPortText)
	conn, err := cluster.Connect(cluster.Config{Hosts: hosts[:1], Port: 9042, Consistency: "ONE",
		RequestTimeout: 2 * time.Second, Translate: func(h string, port int) (string, int) {
			if h == hosts[1] {
				return proxyHost, proxyPort
			}
			return h, port
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	// id + 0 cannot be pushed to Cassandra: every row comes to the client, 500 to a page.
	st, err := parser.Parse("SELECT count(*) FROM res_proxy.t WHERE id + 0 >= 0")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := planner.Plan(ctx, st.(*parser.Select), conn, planner.Options{Splits: 24})
	if err != nil {
		t.Fatal(err)
	}
	stats := &executor.Stats{}
	it, err := executor.New(conn, executor.Options{Concurrency: 4, FetchSize: 500, MaxRetries: 10,
		RetryBase: 50 * time.Millisecond, HostNames: conn.HostNames(), Stats: stats}).Build(plan)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	faults := make(chan struct{})
	go func() { // one fault after another while the scan runs
		defer close(faults)
		for i := 0; ; i++ {
			switch i % 4 {
			case 0:
				p.ResetAfter(20000) // a page cut off part-way
			case 1:
				p.SetDelay(30 * time.Millisecond)
			case 2:
				p.SetDelay(0)
				p.Blackhole(true) // longer than the request timeout
				select {
				case <-time.After(2500 * time.Millisecond):
				case <-stop:
				}
				p.Blackhole(false)
			case 3:
				p.ResetAll()
			}
			select {
			case <-time.After(300 * time.Millisecond):
			case <-stop:
				p.Blackhole(false)
				p.SetDelay(0)
				return
			}
		}
	}()
	got, err := executor.Drain(ctx, it)
	close(stop)
	<-faults
	if err != nil {
		t.Fatalf("scan through the fault proxy failed: %v\nproxy %+v", err, p.Stats())
	}
	if len(got) != 1 || got[0][0] != int64(rows) {
		t.Fatalf("count through the fault proxy = %v, want %d", got, rows)
	}
	retries := 0
	for _, h := range stats.Hosts() {
		retries += h.Retries
	}
	var b strings.Builder
	stats.Print(&b)
	t.Logf("proxy %+v\n%s", p.Stats(), b.String())
	if retries == 0 || p.Stats().Resets == 0 {
		t.Errorf("no retries (%d) or no resets (%+v): the faults were not exercised", retries, p.Stats())
	}
}

// TestTinyTimeoutSplits: a table with a few very large partitions, scanned while every node's range
// read timeout is cut to a few milliseconds, completes exactly through adaptive splitting (ranges
// that keep timing out are halved, and pages shrink) and the splits show in the stats.
func TestTinyTimeoutSplits(t *testing.T) {
	hosts := testcluster.Hosts(t, testcluster.Three)
	s, _ := testcluster.Session(t, testcluster.Three)
	testcluster.Keyspace(t, s, "res_wide", 1)
	ctx := context.Background()
	if err := s.Query("CREATE TABLE res_wide.t (p int, c int, v text, PRIMARY KEY (p, c))").ExecContext(ctx); err != nil {
		t.Fatal(err)
	}
	const big, perBig, small = 4, 25000, 3000
	err := load.Run(ctx, s, big*perBig+small, 64, func(i int) load.Stmt {
		if i < big*perBig {
			return load.S("INSERT INTO res_wide.t (p, c, v) VALUES (?, ?, 'x')", i%big, i/big)
		}
		return load.S("INSERT INTO res_wide.t (p, c, v) VALUES (?, 0, 'y')", i)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		testcluster.Devcluster(t, "nodetool", strconv.Itoa(i), "flush", "res_wide")
	}
	// Token-range reads only: single-partition reads (system.local at connect) keep their timeout.
	setTimeout := func(ms string) {
		for i := 1; i <= 3; i++ {
			testcluster.Devcluster(t, "nodetool", strconv.Itoa(i), "settimeout", "range", ms)
		}
	}
	setTimeout("10")
	t.Cleanup(func() { setTimeout("10000") })
	for _, q := range []string{"SELECT COUNT(*) FROM res_wide.t", "SELECT COUNT(*) FROM res_wide.t WHERE c + 0 >= 0"} {
		var r *run
		// cqlscan retries its own metadata reads (the ring's system.peers_v2 is a range read that
		// times out at 10 ms too), but the driver reads system.peers once while connecting: only a
		// failed connection is tried again here.
		for attempt := 0; attempt < 3; attempt++ {
			r = start(t, hosts[0], "--format", "csv", "--splits", "8", "--stats", "--max-retries", "12", "-e", q).wait(t)
			if !strings.Contains(r.errOut.String(), "cannot connect") {
				break
			}
		}
		t.Logf("%s:\n%s", q, r.errOut.String())
		if n := r.count(t); n != big*perBig+small {
			t.Errorf("%s = %d, want %d", q, n, big*perBig+small)
		}
		if q == "SELECT COUNT(*) FROM res_wide.t" {
			m := regexp.MustCompile(`(\d+) split after timeouts, (\d+) aggregated here`).FindStringSubmatch(r.errOut.String())
			if m == nil || m[1] == "0" || m[2] == "0" {
				t.Errorf("the count did not split ranges and read the huge partitions as rows:\n%s", r.errOut.String())
			}
		}
	}
}

// TestCancelLeavesNoGoroutines: cancelling a scan in the middle (what Ctrl-C does) returns within a
// second and, once the iterator is closed, leaves no goroutine of the scan behind.
func TestCancelLeavesNoGoroutines(t *testing.T) {
	hosts := testcluster.Hosts(t, testcluster.Three)
	fill(t, "res_cancel", 3)
	conn, err := cluster.Connect(cluster.Config{Hosts: hosts[:1], Port: 9042})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	st, _ := parser.Parse("SELECT count(*) FROM res_cancel.t WHERE id + 0 >= 0")
	plan, err := planner.Plan(context.Background(), st.(*parser.Select), conn, planner.Options{Splits: 64})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // let the driver's own connections settle
	before := runtime.NumGoroutine()
	it, err := executor.New(conn, executor.Options{Concurrency: 8, FetchSize: 100, MaxRows: 5000}).Build(plan)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var cancelledAt time.Time
	time.AfterFunc(700*time.Millisecond, func() { cancelledAt = time.Now(); cancel() })
	_, err = executor.Drain(ctx, it)
	returned := time.Now()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want cancellation", err)
	}
	if d := returned.Sub(cancelledAt); d > time.Second {
		t.Errorf("Drain returned %v after the cancel", d)
	}
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after the cancel, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}
