package executor

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/planner/types"
)

var table = &schema.Table{Keyspace: "ks", Name: "T", Columns: []schema.Column{
	{Name: "b", Kind: schema.PartitionKey, Position: 1}, {Name: "a", Kind: schema.PartitionKey, Position: 0},
	{Name: "c", Kind: schema.Clustering}}}

func TestTokenRestriction(t *testing.T) {
	p := ring.Murmur3
	cases := []struct {
		r    ring.Range
		want string
		args []any
	}{
		{ring.Range{Start: big.NewInt(-5), End: big.NewInt(10)}, ` WHERE token(a, b) > ? AND token(a, b) <= ?`, []any{int64(-5), int64(10)}},
		{ring.Range{Start: p.Min, End: big.NewInt(10)}, ` WHERE token(a, b) <= ?`, []any{int64(10)}},
		{ring.Range{Start: big.NewInt(3), End: p.Max}, ` WHERE token(a, b) > ?`, []any{int64(3)}},
		{ring.Range{Start: p.Min, End: p.Max}, ``, nil},
	}
	for _, c := range cases {
		conds, args := tokenConds(table, p, c.r)
		got := statement("", conds, nil, 0, 0)
		if got != c.want || fmt.Sprint(args) != fmt.Sprint(c.args) {
			t.Errorf("token conditions of %v = %q %v, want %q %v", c.r, got, args, c.want, c.args)
		}
	}
	if got := tableRef(table); got != `ks."T"` {
		t.Errorf("tableRef = %s", got)
	}
	c := func(op string, v int64) planner.Restriction {
		return planner.Restriction{Column: "c", Op: op, Value: &expr.Const{Value: v, T: types.Of(types.Int), Text: fmt.Sprint(v)}}
	}
	stmt, args := rangeStatement(`SELECT a FROM ks."T"`, table, p, ring.Range{Start: big.NewInt(1), End: p.Max},
		restrictionTerms([]planner.Restriction{c(">", 3), c("<", 9)}), 2, 10)
	want := `SELECT a FROM ks."T" WHERE token(a, b) > ? AND c > ? AND c < ? PER PARTITION LIMIT 2 LIMIT 10 ALLOW FILTERING`
	if stmt != want || fmt.Sprint(args) != "[1 3 9]" {
		t.Errorf("rangeStatement = %q %v, want %q [1 3 9]", stmt, args, want)
	}
	stmt, args = rangeStatement("SELECT a FROM t", table, p, ring.Range{Start: p.Min, End: p.Max}, restrictionTerms([]planner.Restriction{c("=", 1)}), 0, 0)
	if stmt != "SELECT a FROM t WHERE c = ? ALLOW FILTERING" || fmt.Sprint(args) != "[1]" {
		t.Errorf("whole-ring statement with a restriction = %q %v", stmt, args)
	}
}

// fakeQuerier answers count(*) with the number of "rows" it holds in each range: one row per token
// that is a multiple of 1000 in (start, end]. It records concurrency per host.
type fakeQuerier struct {
	mu       sync.Mutex
	inflight map[string]int
	maxSeen  map[string]int
	fail     func(req PageRequest) error
	delay    time.Duration
	calls    atomic.Int64
}

func (f *fakeQuerier) QueryPage(ctx context.Context, req PageRequest) (Page, error) {
	f.calls.Add(1)
	f.mu.Lock()
	f.inflight[req.HostID]++
	if f.inflight[req.HostID] > f.maxSeen[req.HostID] {
		f.maxSeen[req.HostID] = f.inflight[req.HostID]
	}
	f.mu.Unlock()
	defer func() { f.mu.Lock(); f.inflight[req.HostID]--; f.mu.Unlock() }()
	select {
	case <-time.After(f.delay):
	case <-ctx.Done():
		return Page{}, ctx.Err()
	}
	if f.fail != nil {
		if err := f.fail(req); err != nil {
			return Page{}, err
		}
	}
	lo, hi := int64(-1<<63), int64(1<<63-1)
	for _, a := range req.Args {
		switch {
		case strings.Contains(req.Stmt, "> ?") && a == req.Args[0]:
			lo = a.(int64)
		default:
			hi = a.(int64)
		}
	}
	if !strings.Contains(req.Stmt, "<= ?") {
		hi = int64(1<<63 - 1)
	}
	return Page{Rows: []Row{{multiples(lo, hi)}}}, nil
}

// multiples counts multiples of 1000 in (lo, hi] within [-10^6, 10^6].
func multiples(lo, hi int64) int64 {
	var n int64
	for v := int64(-1000000); v <= 1000000; v += 1000 {
		if v > lo && v <= hi {
			n++
		}
	}
	return n
}

// subRanges splits the ring of hosts (SimpleStrategy, factor rf) into about splits sub-ranges.
func subRanges(t *testing.T, hosts []ring.Host, rf, splits int) []ring.Range {
	t.Helper()
	r, err := ring.New(ring.Murmur3, hosts)
	if err != nil {
		t.Fatal(err)
	}
	rg, err := r.Ranges(ring.Replication{Strategy: ring.SimpleStrategy, Factor: rf})
	if err != nil {
		t.Fatal(err)
	}
	return ring.Split(rg, ring.Murmur3, splits)
}

func countPlan(t *testing.T, hosts []ring.Host, rf, splits int) *planner.MergeAggregate {
	t.Helper()
	count := []planner.PushedAgg{{Func: planner.AggCount, Arg: "*", T: types.Of(types.BigInt)}}
	scan := &planner.RangeAggregate{Table: table, Partitioner: ring.Murmur3, Aggregates: count,
		Ranges: subRanges(t, hosts, rf, splits)}
	return &planner.MergeAggregate{Child: scan, Aggs: count, Outputs: []planner.OutputColumn{{Name: "count", Type: types.Of(types.BigInt)}},
		Finals: []planner.FinalAgg{{Func: "count", Value: 0, Count: -1, T: types.Of(types.BigInt), Name: "count"}}}
}

func threeHosts() []ring.Host {
	var hosts []ring.Host
	for i, id := range []string{"h1", "h2", "h3"} {
		h := ring.Host{ID: id}
		for k := 0; k < 8; k++ {
			h.Tokens = append(h.Tokens, big.NewInt(int64(k*3+i)*150001-1800000))
		}
		hosts = append(hosts, h)
	}
	return hosts
}

func TestCountMergesExactlyWithPerHostCap(t *testing.T) {
	fq := &fakeQuerier{inflight: map[string]int{}, maxSeen: map[string]int{}, delay: time.Millisecond}
	plan := countPlan(t, threeHosts(), 2, 300)
	stats := &Stats{}
	ex := New(fq, Options{Concurrency: 12, PerHost: 2, Stats: stats})
	it, err := ex.Build(plan)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Drain(context.Background(), it)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0][0] != int64(2001) {
		t.Fatalf("rows = %v, want [[2001]]", rows)
	}
	for h, m := range fq.maxSeen {
		if m > 2 {
			t.Errorf("host %s had %d requests in flight, cap is 2", h, m)
		}
	}
	total := 0
	for h, st := range stats.Hosts() {
		total += st.Ranges
		if st.Ranges == 0 {
			t.Errorf("host %s got no ranges", h)
		}
	}
	if n := len(plan.Child.(*planner.RangeAggregate).Ranges); total != n || fq.calls.Load() != int64(n) {
		t.Errorf("stats count %d ranges and %d calls, plan has %d", total, fq.calls.Load(), n)
	}
}

// TestRangeFailureNamesRangeAndStopsEverything: an error retrying cannot help (a Fatal one) stops
// the whole scan at once, naming the range.
func TestRangeFailureNamesRangeAndStopsEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	boom := errors.New("invalid query")
	var once sync.Once
	fq := &fakeQuerier{inflight: map[string]int{}, maxSeen: map[string]int{}, delay: 2 * time.Millisecond,
		fail: func(req PageRequest) (err error) {
			once.Do(func() { err = &QueryError{Kind: Fatal, Err: boom} })
			return err
		}}
	ex := New(fq, Options{Concurrency: 8, PerHost: 4})
	it, _ := ex.Build(countPlan(t, threeHosts(), 1, 500))
	_, err := Drain(context.Background(), it)
	var re *RangeError
	if !errors.As(err, &re) || !errors.Is(err, boom) {
		t.Fatalf("error %v, want a RangeError wrapping %v", err, boom)
	}
	if !strings.Contains(err.Error(), "token range (") {
		t.Errorf("error %q does not name the token range", err)
	}
	if fq.calls.Load() >= 500 {
		t.Errorf("%d calls: the scan did not stop after the failure", fq.calls.Load())
	}
	waitGoroutines(t, before)
}

func TestCancelAndCloseLeaveNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	fq := &fakeQuerier{inflight: map[string]int{}, maxSeen: map[string]int{}, delay: 50 * time.Millisecond}
	ex := New(fq, Options{Concurrency: 8, PerHost: 4})
	it, _ := ex.Build(countPlan(t, threeHosts(), 1, 1000))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	began := time.Now()
	_, err := Drain(ctx, it)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want the context's deadline", err)
	}
	if d := time.Since(began); d > 2*time.Second {
		t.Errorf("cancellation took %v", d)
	}
	waitGoroutines(t, before)
	// Closing a never-started iterator is fine, twice.
	it2, _ := ex.Build(countPlan(t, threeHosts(), 1, 10))
	it2.Close()
	it2.Close()
}

func waitGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > want {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines left, started with %d:\n%s", n, want, buf[:runtime.Stack(buf, true)])
	}
}

func TestReplicaPickerWaitsForASlot(t *testing.T) {
	p := NewReplicaPicker(1)
	h, _ := p.Acquire(context.Background(), []string{"a"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := p.Acquire(ctx, []string{"a"}, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second acquire on a full host: %v", err)
	}
	go func() { time.Sleep(10 * time.Millisecond); p.Release(h) }()
	if got, err := p.Acquire(context.Background(), []string{"a"}, nil); err != nil || got != "a" {
		t.Fatalf("acquire after release: %q %v", got, err)
	}
	// No known replicas: the driver picks the coordinator (empty host id), under the same cap.
	p2 := NewReplicaPicker(1)
	ctxShort, cancelShort := context.WithTimeout(context.Background(), time.Second)
	defer cancelShort()
	if h, err := p2.Acquire(ctxShort, nil, nil); err != nil || h != "" {
		t.Fatalf("acquire without replicas: %q, %v", h, err)
	}
	ctxTiny, cancelTiny := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancelTiny()
	if _, err := p2.Acquire(ctxTiny, nil, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second acquire without replicas at cap 1: %v", err)
	}
	// The least busy replica wins.
	p = NewReplicaPicker(4)
	p.Acquire(context.Background(), []string{"x"}, nil)
	if got, _ := p.Acquire(context.Background(), []string{"x", "y"}, nil); got != "y" {
		t.Fatalf("picked %q, want the idle replica y", got)
	}
}

func TestFinalValues(t *testing.T) {
	bigint, varint := types.Of(types.BigInt), types.Of(types.Varint)
	huge := new(big.Int).Lsh(big.NewInt(1), 70)
	cases := []struct {
		f      planner.FinalAgg
		merged Row
		want   any
		err    bool
	}{
		{planner.FinalAgg{Func: "sum", Value: 0, Count: 1, T: bigint}, Row{big.NewInt(-7), int64(3)}, int64(-7), false},
		{planner.FinalAgg{Func: "avg", Value: 0, Count: 1, T: bigint}, Row{big.NewInt(-7), int64(2)}, int64(-3), false},
		{planner.FinalAgg{Func: "avg", Value: 0, Count: 1, T: types.Of(types.Double)}, Row{7.0, int64(2)}, 3.5, false},
		{planner.FinalAgg{Func: "sum", Value: 0, Count: 1, T: bigint}, Row{big.NewInt(0), int64(0)}, nil, false},
		{planner.FinalAgg{Func: "sum", Value: 0, Count: 1, T: bigint}, Row{huge, int64(9)}, nil, true},
		{planner.FinalAgg{Func: "sum", Value: 0, Count: 1, T: varint}, Row{huge, int64(9)}, huge, false},
		{planner.FinalAgg{Func: "max", Value: 0, Count: -1, T: bigint}, Row{nil}, nil, false},
	}
	for _, c := range cases {
		got, err := finalValue(c.f, c.merged)
		if (err != nil) != c.err || (!c.err && types.Key(got) != types.Key(c.want)) {
			t.Errorf("%s of %v = %v (%T), %v; want %v", c.f.Func, c.merged, got, got, err, c.want)
		}
	}
}

// TestLimitStopsScans: a LIMIT without ORDER BY returns its rows and cancels the range scans under it,
// leaving most sub-ranges unread and no goroutine behind.
func TestLimitStopsScans(t *testing.T) {
	before := runtime.NumGoroutine()
	fq := &fakeQuerier{inflight: map[string]int{}, maxSeen: map[string]int{}, delay: 5 * time.Millisecond}
	scan := &planner.RangeScan{Table: table, Partitioner: ring.Murmur3, Ranges: subRanges(t, threeHosts(), 1, 400),
		Selectors: []planner.ScanColumn{{CQL: "n", Name: "n", Type: types.Of(types.BigInt)}}}
	it, err := New(fq, Options{Concurrency: 4, PerHost: 4}).Build(&planner.Limit{Child: scan, N: 5})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Drain(context.Background(), it)
	if err != nil || len(rows) != 5 {
		t.Fatalf("LIMIT 5 gave %d rows, %v", len(rows), err)
	}
	if calls := fq.calls.Load(); calls > 40 {
		t.Errorf("%d of 400 sub-ranges were queried for LIMIT 5: the scan did not stop", calls)
	}
	waitGoroutines(t, before)
}
