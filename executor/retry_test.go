package executor

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"math/rand"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/types"
)

// flakyTable is a fake cluster holding one row at every multiple of 1000 in [-10^6, 10^6] (2001 rows,
// the row's value is its token). It answers count(*) statements with a count and other statements
// with pages of rows (the paging state is the last token returned), and it fails at random: timeouts,
// host failures, errors of no known kind, and pages cut off after some rows were produced. With
// wideRows set, a count over more than wideRows rows times out nine times in ten, which only
// splitting gets past, and a count over token 0 (a huge partition) always does: only reading its
// rows gets past that.
type flakyTable struct {
	mu       sync.Mutex
	rng      *rand.Rand
	pFail    float64
	wideRows int64
	down     map[string]bool // hosts that always fail
	calls    int
}

func (f *flakyTable) QueryPage(ctx context.Context, req PageRequest) (Page, error) {
	if err := ctx.Err(); err != nil {
		return Page{}, err
	}
	f.mu.Lock()
	f.calls++
	roll, kind := f.rng.Float64(), f.rng.Intn(4)
	wideRoll := f.rng.Float64()
	down := f.down[req.HostID]
	f.mu.Unlock()
	lo, hi := bounds(req)
	if down {
		return Page{}, &QueryError{Kind: HostFailure, Err: fmt.Errorf("host %s is down", req.HostID)}
	}
	if req.PageState != nil {
		lo = int64(binary.BigEndian.Uint64(req.PageState))
	}
	var rows []Row
	var next []byte
	if strings.HasPrefix(req.Stmt, "SELECT count(*)") {
		n := multiples(lo, hi)
		// Token 0 stands for a huge partition: a count over it never finishes in time.
		if f.wideRows > 0 && (n > f.wideRows && wideRoll < 0.9 || lo < 0 && hi >= 0) {
			return Page{}, &QueryError{Kind: Timeout, Err: errors.New("range too wide: read timeout")}
		}
		rows = []Row{{n}}
	} else {
		for v := int64(-1000000); v <= hi && v <= 1000000; v += 1000 {
			if v <= lo {
				continue
			}
			if len(rows) == req.PageSize {
				next = binary.BigEndian.AppendUint64(nil, uint64(rows[len(rows)-1][0].(int64)))
				break
			}
			rows = append(rows, Row{v})
		}
	}
	if roll < f.pFail {
		errs := []error{&QueryError{Kind: Timeout, Err: errors.New("read timeout")},
			&QueryError{Kind: HostFailure, Err: errors.New("connection reset")},
			errors.New("something unclassified"),
			&QueryError{Kind: HostFailure, Err: errors.New("cut off mid-page")}}
		// The last kind returns the rows produced so far with the error, as a torn page might.
		return Page{Rows: rows[:len(rows)/2]}, errs[kind]
	}
	return Page{Rows: rows, Next: next}, nil
}

// bounds reads a range statement's token bounds from its arguments.
func bounds(req PageRequest) (int64, int64) {
	lo, hi := int64(-1<<63), int64(1<<63-1)
	args := req.Args
	if strings.Contains(req.Stmt, "> ?") {
		lo, args = args[0].(int64), args[1:]
	}
	if strings.Contains(req.Stmt, "<= ?") {
		hi = args[0].(int64)
	}
	return lo, hi
}

func scanPlan(t *testing.T, hosts []ring.Host, rf, splits int) *planner.RangeScan {
	t.Helper()
	return &planner.RangeScan{Table: table, Partitioner: ring.Murmur3, Ranges: subRanges(t, hosts, rf, splits),
		Selectors: []planner.ScanColumn{{CQL: "v", Name: "v", Type: types.Of(types.BigInt)}}}
}

// journal is an in-memory Journal.
type journal struct {
	mu   sync.Mutex
	done []DoneRange
}

func (j *journal) RangeDone(r ring.Range, rows []Row) {
	j.mu.Lock()
	j.done = append(j.done, DoneRange{Range: r, Rows: rows})
	j.mu.Unlock()
}

// TestRetriesCountEveryTokenOnce is the property test of the retry and split bookkeeping: with a
// third of all requests failing in every way the executor knows, pages cut off part-way, and wide
// ranges whose counts only succeed once split or read as rows, every row is read exactly once and
// every count is exact.
func TestRetriesCountEveryTokenOnce(t *testing.T) {
	before := runtime.NumGoroutine()
	for seed := int64(1); seed <= 12; seed++ {
		f := &flakyTable{rng: rand.New(rand.NewSource(seed)), pFail: 0.3}
		opt := Options{Concurrency: 6, PerHost: 3, MaxRetries: 40, RetryBase: time.Microsecond, FetchSize: 7}
		if seed%2 == 0 {
			f.wideRows = 40 // counts over more than 40 rows time out until split
		}
		opt.Stats = &Stats{}
		it, err := New(f, opt).Build(countPlan(t, threeHosts(), 2, 1+int(seed)*5))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := Drain(context.Background(), it)
		if err != nil || len(rows) != 1 || rows[0][0] != int64(2001) {
			t.Fatalf("seed %d: count = %v, %v; want 2001", seed, rows, err)
		}
		if f.wideRows > 0 && (opt.Stats.Splits() == 0 || opt.Stats.Fallbacks() == 0) {
			t.Errorf("seed %d: wide ranges were split %d times and read as rows %d times; want both",
				seed, opt.Stats.Splits(), opt.Stats.Fallbacks())
		}

		opt.Stats = &Stats{}
		it, err = New(f, opt).Build(scanPlan(t, threeHosts(), 2, int(seed)*7))
		if err != nil {
			t.Fatal(err)
		}
		rows, err = Drain(context.Background(), it)
		if err != nil {
			t.Fatalf("seed %d: scan: %v", seed, err)
		}
		everyRowOnce(t, seed, rows)
		if len(rows) != 2001 {
			t.Fatalf("seed %d: %d rows read, want 2001", seed, len(rows))
		}
		retries := 0
		for _, h := range opt.Stats.Hosts() {
			retries += h.Retries
		}
		if retries == 0 {
			t.Errorf("seed %d: no retries recorded with a 30%% failure rate", seed)
		}
	}
	waitGoroutines(t, before)
}

// everyRowOnce fails the test unless rows hold each of flakyTable's 2001 rows exactly once.
func everyRowOnce(t *testing.T, seed int64, rows []Row) {
	t.Helper()
	seen := map[int64]int{}
	for _, r := range rows {
		seen[r[0].(int64)]++
	}
	for v := int64(-1000000); v <= 1000000; v += 1000 {
		if seen[v] != 1 {
			t.Fatalf("seed %d: row %d read %d times", seed, v, seen[v])
		}
	}
}

// TestFailoverAndHonestFailure: with RF 2 a dead host is routed around and the count stays exact;
// with RF 1 the ranges it owns fail after the others finish, every failure is listed, the journal
// holds every other range, and resuming from the journal with the host back gives the exact count.
func TestFailoverAndHonestFailure(t *testing.T) {
	f := &flakyTable{rng: rand.New(rand.NewSource(3)), down: map[string]bool{"h2": true}}
	stats := &Stats{}
	it, _ := New(f, Options{Concurrency: 4, RetryBase: time.Microsecond, Stats: stats}).Build(countPlan(t, threeHosts(), 2, 60))
	rows, err := Drain(context.Background(), it)
	if err != nil || rows[0][0] != int64(2001) {
		t.Fatalf("RF 2 with h2 down: %v, %v", rows, err)
	}
	if stats.Hosts()["h2"].Retries == 0 || stats.Hosts()["h2"].Ranges != 0 {
		t.Errorf("stats do not show the failover: h2 %+v", stats.Hosts()["h2"])
	}

	j := &journal{}
	plan := countPlan(t, threeHosts(), 1, 60)
	it, _ = New(f, Options{Concurrency: 4, RetryBase: time.Microsecond, KeepGoing: true, Journal: j}).Build(plan)
	_, err = Drain(context.Background(), it)
	var se *ScanError
	if !errors.As(err, &se) {
		t.Fatalf("RF 1 with h2 down: error %v, want a ScanError", err)
	}
	owned := 0
	for _, r := range plan.Child.(*planner.RangeAggregate).Ranges {
		if r.Replicas[0] == "h2" {
			owned++
		}
	}
	if len(se.Failed) != owned || len(j.done) != se.Total-owned {
		t.Fatalf("%d failures and %d journalled of %d; h2 owns %d", len(se.Failed), len(j.done), se.Total, owned)
	}
	if !strings.Contains(se.Error(), fmt.Sprintf("%d of %d token ranges failed", owned, se.Total)) {
		t.Errorf("message %q", se.Error())
	}

	f.down = nil
	fresh := &flakyTable{rng: rand.New(rand.NewSource(4))}
	it, err = New(fresh, Options{Done: j.done}).Build(plan)
	if err != nil {
		t.Fatal(err)
	}
	rows, err = Drain(context.Background(), it)
	if err != nil || rows[0][0] != int64(2001) {
		t.Fatalf("resumed count: %v, %v", rows, err)
	}
	if fresh.calls != owned {
		t.Errorf("resume made %d requests; only the %d failed ranges needed reading", fresh.calls, owned)
	}
}

// TestDeadReplicasFailFast: once a host has failed several times in a row, reads it alone holds
// give up at once rather than each backing off through all its retries.
func TestDeadReplicasFailFast(t *testing.T) {
	f := &flakyTable{rng: rand.New(rand.NewSource(5)), down: map[string]bool{"h1": true, "h2": true, "h3": true}}
	it, _ := New(f, Options{Concurrency: 2, MaxRetries: 50, RetryBase: 5 * time.Millisecond, KeepGoing: true}).
		Build(countPlan(t, threeHosts(), 1, 30))
	began := time.Now()
	_, err := Drain(context.Background(), it)
	var se *ScanError
	if !errors.As(err, &se) || len(se.Failed) != se.Total {
		t.Fatalf("error %v, want every range failed", err)
	}
	// Without failing fast, each of 30 ranges would back off through 50 retries (minutes each).
	if f.calls > 10*se.Total {
		t.Errorf("%d requests for %d ranges on dead hosts", f.calls, se.Total)
	}
	if d := time.Since(began); d > deadAfter+10*time.Second {
		t.Errorf("failing took %v", d)
	}
}

// TestJournalOnlyCompletedRanges: a cancelled run journals only ranges whose partial rows were all
// received; resuming from them finishes with the exact count.
func TestJournalOnlyCompletedRanges(t *testing.T) {
	fq := &fakeQuerier{inflight: map[string]int{}, maxSeen: map[string]int{}, delay: 2 * time.Millisecond}
	plan := countPlan(t, threeHosts(), 1, 200)
	j := &journal{}
	ctx, cancel := context.WithCancel(context.Background())
	it, _ := New(fq, Options{Concurrency: 4, Journal: j}).Build(plan)
	go func() {
		time.Sleep(40 * time.Millisecond)
		cancel()
	}()
	if _, err := Drain(ctx, it); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want cancellation", err)
	}
	j.mu.Lock()
	done := append([]DoneRange(nil), j.done...)
	j.mu.Unlock()
	if len(done) == 0 || len(done) >= 200 {
		t.Fatalf("%d ranges journalled before the cancel; want some, not all", len(done))
	}
	sort.Slice(done, func(a, b int) bool { return done[a].Range.Start.Cmp(done[b].Range.Start) < 0 })
	it, _ = New(fq, Options{Done: done}).Build(plan)
	rows, err := Drain(context.Background(), it)
	if err != nil && err != io.EOF || rows[0][0] != int64(2001) {
		t.Fatalf("resumed: %v, %v", rows, err)
	}
}

func TestRangeErrorNamesWhatFailed(t *testing.T) {
	cause := errors.New("boom")
	for _, c := range []struct {
		e    *RangeError
		want string
	}{
		{&RangeError{Partition: "k = 1", Err: cause}, "partition k = 1: boom"},
		{&RangeError{Partition: "k = 1", Host: "127.0.0.1:9042", Err: cause}, "partition k = 1 on 127.0.0.1:9042: boom"},
		{&RangeError{Range: ring.Range{Start: big.NewInt(-5), End: big.NewInt(7)}, Host: "h", Err: cause}, "token range (-5, 7] on h: boom"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("%q, want %q", got, c.want)
		}
	}
}
