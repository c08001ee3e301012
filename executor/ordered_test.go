package executor

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"math/rand"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/planner/types"
)

// tokenTable is a fake cluster for ordered scans: one row at every multiple of 1000 in [-10^6, 10^6]
// (2001 rows), the row's one value its token, paged by the request's page size with the last token
// returned as the paging state. delay is each request's latency; a range holding more than
// splitOver rows times out on its first page, which only splitting gets past; fail may fail any
// request. It records which ranges were asked for and in which order ranges were finished.
type tokenTable struct {
	delay     func(lo, hi int64, first bool) time.Duration
	splitOver int64
	fail      func(lo, hi int64) error

	mu       sync.Mutex
	calls    int
	started  map[int64]bool // ranges, by lower bound, asked for their first page
	finished []int64        // lower bounds of ranges in the order their last page was served
}

func (f *tokenTable) QueryPage(ctx context.Context, req PageRequest) (Page, error) {
	lo, hi := bounds(req)
	first := req.PageState == nil
	f.mu.Lock()
	f.calls++
	if f.started == nil {
		f.started = map[int64]bool{}
	}
	if first {
		f.started[lo] = true
	}
	f.mu.Unlock()
	if f.delay != nil {
		if err := sleep(ctx, f.delay(lo, hi, first)); err != nil {
			return Page{}, err
		}
	}
	if f.fail != nil {
		if err := f.fail(lo, hi); err != nil {
			return Page{}, err
		}
	}
	if first && f.splitOver > 0 && multiples(lo, hi) > f.splitOver {
		return Page{}, &QueryError{Kind: Timeout, Err: errors.New("range too wide: read timeout")}
	}
	from := lo
	if !first {
		from = int64(binary.BigEndian.Uint64(req.PageState))
	}
	var page Page
	for v := int64(-1000000); v <= hi && v <= 1000000; v += 1000 {
		if v <= from {
			continue
		}
		if len(page.Rows) == req.PageSize {
			page.Next = binary.BigEndian.AppendUint64(nil, uint64(page.Rows[len(page.Rows)-1][0].(int64)))
			break
		}
		page.Rows = append(page.Rows, Row{v})
	}
	if page.Next == nil {
		f.mu.Lock()
		f.finished = append(f.finished, lo)
		f.mu.Unlock()
	}
	return page, nil
}

// denseScan scans the part of the ring a tokenTable holds rows in, (-1000001, 1000000], split into
// splits ranges on one or more of three hosts in turn, with the rest of the ring on either side.
func denseScan(rf, splits int) *planner.RangeScan {
	hosts := []string{"h1", "h2", "h3"}
	replicas := func(i int) []string {
		var out []string
		for k := 0; k < rf; k++ {
			out = append(out, hosts[(i+k)%3])
		}
		return out
	}
	p := ring.Murmur3
	lo, width := int64(-1000001), int64(2000001)
	ranges := []ring.Range{{Start: p.Min, End: big.NewInt(lo), Replicas: replicas(0)}}
	for i := 0; i < splits; i++ {
		end := lo + width*int64(i+1)/int64(splits)
		ranges = append(ranges, ring.Range{Start: ranges[len(ranges)-1].End, End: big.NewInt(end), Replicas: replicas(i)})
	}
	ranges = append(ranges, ring.Range{Start: ranges[len(ranges)-1].End, End: p.Max, Replicas: replicas(1)})
	return &planner.RangeScan{Table: table, Partitioner: p, Ranges: ranges,
		Selectors: []planner.ScanColumn{{CQL: "v", Name: "v", Type: types.Of(types.BigInt)}}}
}

// allTokens are the 2001 rows of a tokenTable, in token order.
func allTokens() []int64 {
	var out []int64
	for v := int64(-1000000); v <= 1000000; v += 1000 {
		out = append(out, v)
	}
	return out
}

func tokensOf(t *testing.T, rows []Row) []int64 {
	t.Helper()
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r[0].(int64)
	}
	return out
}

// randomDelay is up to max per request, at random: ranges finish in no particular order.
func randomDelay(seed int64, max time.Duration) func(lo, hi int64, first bool) time.Duration {
	var mu sync.Mutex
	r := rand.New(rand.NewSource(seed))
	return func(int64, int64, bool) time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return time.Duration(r.Int63n(int64(max)))
	}
}

// TestOrderedScanEmitsTokenOrder: ranges of several pages each, read in parallel and finishing out of
// order, come out in token order, every row once, on one replica or three.
func TestOrderedScanEmitsTokenOrder(t *testing.T) {
	before := runtime.NumGoroutine()
	for _, rf := range []int{1, 3} {
		for _, splits := range []int{1, 7, 60, 400} {
			f := &tokenTable{delay: randomDelay(int64(splits), 3*time.Millisecond)}
			it, err := New(f, Options{Concurrency: 8, PerHost: 4, FetchSize: 9}).Build(denseScan(rf, splits))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := Drain(context.Background(), it)
			if err != nil {
				t.Fatalf("RF %d, %d splits: %v", rf, splits, err)
			}
			if got := tokensOf(t, rows); !slices.Equal(got, allTokens()) {
				t.Fatalf("RF %d, %d splits: %d rows, not the 2001 in token order: %v…", rf, splits, len(got), got[:min(len(got), 20)])
			}
			if splits >= 60 && slices.IsSorted(f.finished) {
				t.Errorf("RF %d, %d splits: the ranges finished in token order; the test shows nothing", rf, splits)
			}
		}
	}
	waitGoroutines(t, before)
}

// TestOrderedSplitsKeepTheirPlace: ranges too wide to answer are halved, and halved again, and their
// pieces' rows still come out in token order, each once.
func TestOrderedSplitsKeepTheirPlace(t *testing.T) {
	before := runtime.NumGoroutine()
	for seed := int64(1); seed <= 4; seed++ {
		f := &tokenTable{delay: randomDelay(seed, time.Millisecond), splitOver: 30}
		stats := &Stats{}
		opt := Options{Concurrency: 6, PerHost: 3, FetchSize: 7, RetryBase: time.Microsecond, Stats: stats}
		it, err := New(f, opt).Build(denseScan(2, int(seed)*5))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := Drain(context.Background(), it)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if got := tokensOf(t, rows); !slices.Equal(got, allTokens()) {
			t.Fatalf("seed %d: %d rows, not the 2001 in token order: %v…", seed, len(got), got[:min(len(got), 20)])
		}
		if stats.Splits() == 0 {
			t.Errorf("seed %d: no range was split", seed)
		}
	}
	// And with failures of every kind on top, through retries from paging states.
	for seed := int64(1); seed <= 6; seed++ {
		f := &flakyTable{rng: rand.New(rand.NewSource(seed)), pFail: 0.3}
		stats := &Stats{}
		opt := Options{Concurrency: 6, PerHost: 3, MaxRetries: 40, RetryBase: time.Microsecond, FetchSize: 7, Stats: stats}
		it, _ := New(f, opt).Build(denseScan(2, int(seed)*9))
		rows, err := Drain(context.Background(), it)
		if err != nil {
			t.Fatalf("flaky seed %d: %v", seed, err)
		}
		if got := tokensOf(t, rows); !slices.Equal(got, allTokens()) {
			t.Fatalf("flaky seed %d: %d rows, not the 2001 in token order", seed, len(got))
		}
	}
	waitGoroutines(t, before)
}

// TestOrderedLimit: LIMIT 5 returns the first five rows in token order even when later ranges answer
// first, and cancels the rest of the scan: few ranges read, no goroutine left.
func TestOrderedLimit(t *testing.T) {
	before := runtime.NumGoroutine()
	f := &tokenTable{delay: func(lo, hi int64, first bool) time.Duration {
		if lo == -1000001 { // the range of the first rows answers last
			return 30 * time.Millisecond
		}
		return time.Millisecond
	}}
	plan := &planner.Limit{Child: denseScan(1, 400), N: 5}
	it, err := New(f, Options{Concurrency: 4, PerHost: 4}).Build(plan)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Drain(context.Background(), it)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tokensOf(t, rows), allTokens()[:5]; !slices.Equal(got, want) {
		t.Fatalf("LIMIT 5 gave %v, want %v", got, want)
	}
	if f.calls > 2*windowPerWorker*4 {
		t.Errorf("%d requests for LIMIT 5 over 400 sub-ranges: the scan did not stop", f.calls)
	}
	waitGoroutines(t, before)
}

// TestOrderedStopsPromptly: a failure retrying cannot help, and a cancelled context, each stop every
// read at once, even while the workers wait for room in the window; no goroutine is left.
func TestOrderedStopsPromptly(t *testing.T) {
	before := runtime.NumGoroutine()
	boom := errors.New("invalid query")
	f := &tokenTable{delay: func(lo, hi int64, first bool) time.Duration { return time.Millisecond },
		fail: func(lo, hi int64) error {
			if lo > 500000 {
				return &QueryError{Kind: Fatal, Err: boom}
			}
			return nil
		}}
	it, _ := New(f, Options{Concurrency: 8, PerHost: 8, FetchSize: 5}).Build(denseScan(1, 300))
	rows, err := Drain(context.Background(), it)
	var re *RangeError
	if !errors.As(err, &re) || !errors.Is(err, boom) {
		t.Fatalf("error %v, want a RangeError wrapping %v", err, boom)
	}
	if got := tokensOf(t, rows); !slices.Equal(got, allTokens()[:len(got)]) {
		t.Errorf("the rows before the error are not the first ones in token order")
	}
	waitGoroutines(t, before)

	// Cancelled while the head is slow and the reads ahead wait for room.
	slow := &tokenTable{delay: func(lo, hi int64, first bool) time.Duration {
		if lo == -1000001 {
			return time.Minute
		}
		return 0
	}}
	it, _ = New(slow, Options{Concurrency: 8, PerHost: 8, FetchSize: 3}).Build(denseScan(1, 100))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	began := time.Now()
	if _, err := Drain(ctx, it); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want the context's deadline", err)
	}
	if d := time.Since(began); d > time.Second {
		t.Errorf("cancellation took %v", d)
	}
	waitGoroutines(t, before)
}

// TestOrderedWindowBound: while the head range is slow, the reads ahead of it stop at the bounds:
// ranges of one page at the window (their workers move on), ranges of many pages at slotPages pages
// each and the pages of all reads ahead at their share (their workers wait). Rows do not pile up
// behind a slow head, and all come out once it answers.
func TestOrderedWindowBound(t *testing.T) {
	before := runtime.NumGoroutine()
	const concurrency = 4
	window, ahead := windowPerWorker*concurrency, aheadPerWorker*concurrency
	for _, c := range []struct {
		name       string
		fetch      int
		open, held int // reads open behind the slow head, and the pages they hold
	}{
		{"one page a range", 100, window, window - 1},
		{"many pages a range", 1, concurrency, ahead}, // two workers fill the share, the third waits
	} {
		release := make(chan struct{})
		f := &tokenTable{delay: func(lo, hi int64, first bool) time.Duration {
			if lo == -1000001 && first {
				<-release
			}
			return 0
		}}
		ex := New(f, Options{Concurrency: concurrency, PerHost: concurrency, FetchSize: c.fetch})
		pool := newRangeScanIter(denseScan(1, 200), ex).pool(true).(*orderedPool)
		done := make(chan struct{})
		go func() {
			defer close(done)
			got, err := Drain(context.Background(), pool)
			if err != nil || !slices.Equal(tokensOf(t, got), allTokens()) {
				t.Errorf("%s: after the head answered: %d rows, %v; want all 2001 in token order", c.name, len(got), err)
			}
		}()
		state := func() (held, maxHeld, open, most, started int) {
			pool.mu.Lock()
			held, maxHeld, open = pool.held, pool.maxHeld, pool.open
			for s := pool.head; s != nil; s = s.next {
				most = max(most, len(s.pages))
			}
			pool.mu.Unlock()
			f.mu.Lock()
			started = len(f.started)
			f.mu.Unlock()
			return
		}
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if held, _, _, _, _ := state(); held >= c.held {
				break
			}
		}
		time.Sleep(50 * time.Millisecond) // time to go past the bounds, were they able to
		held, maxHeld, open, most, started := state()
		// started counts the empty range before the head too.
		if held != c.held || maxHeld != c.held || open != c.open || started != c.open+1 || most > slotPages {
			t.Errorf("%s: behind a slow head %d reads are open, %d started, %d pages held (at most %d, %d in one read); "+
				"want %d reads, %d pages, at most %d in one read", c.name, open, started-1, held, maxHeld, most, c.open, c.held, slotPages)
		}
		close(release)
		<-done
		if bound := ahead + slotPages; pool.maxHeld > bound {
			t.Errorf("%s: %d pages were held at once; the bound is %d", c.name, pool.maxHeld, bound)
		}
	}
	waitGoroutines(t, before)
}

// TestBuildOrdersOnlyWhereOrderShows: scans under a result whose order shows run ordered; those under
// a sort or a merged aggregate run as fast as they can.
func TestBuildOrdersOnlyWhereOrderShows(t *testing.T) {
	scan := func() *planner.RangeScan { return scanPlan(t, threeHosts(), 1, 4) }
	col := &expr.Col{Index: 0, Name: "v", T: types.Of(types.BigInt)}
	cases := []struct {
		name    string
		plan    planner.Node
		ordered bool
	}{
		{"scan", scan(), true},
		{"limit", &planner.Limit{N: 3, Child: &planner.Project{Exprs: []expr.Expr{col}, Child: &planner.Filter{Cond: col, Child: scan()}}}, true},
		{"sort", &planner.Sort{Keys: []planner.SortKey{{Index: 0}}, Child: scan()}, false},
		{"top-k under a limit", &planner.Limit{N: 2, Child: &planner.Sort{Keys: []planner.SortKey{{Index: 0}}, Limit: 2, Child: scan()}}, false},
		{"group by", &planner.HashAggregate{Groups: []expr.Expr{col}, Child: scan()}, groupsInOrder},
		{"one group", &planner.HashAggregate{Aggs: []planner.Aggregate{{Func: "count", Star: true}}, Child: scan()}, false},
		{"distinct", &planner.Distinct{Child: scan()}, groupsInOrder},
		{"group by the partition key", &planner.HashAggregate{Groups: []expr.Expr{col}, Child: scan(), KeyOrder: true}, true},
		{"distinct partition keys", &planner.Distinct{Child: scan(), KeyOrder: true}, true},
		{"distinct, sorted", &planner.Sort{Keys: []planner.SortKey{{Index: 0}}, Child: &planner.Distinct{Child: scan()}}, false},
		{"range aggregate", countPlan(t, threeHosts(), 1, 4), false},
		{"partitions", &planner.PartitionRead{Table: table, Keys: []planner.PartitionKey{{intConst(1), intConst(2)}}}, true},
	}
	for _, c := range cases {
		it, err := New(&tokenTable{}, Options{}).Build(c.plan)
		if err != nil {
			t.Fatal(err)
		}
		pool := scanOf(it)
		if _, ordered := pool.(*orderedPool); ordered != c.ordered || pool == nil {
			t.Errorf("%s: the scan runs in a %T; want ordered %v", c.name, pool, c.ordered)
		}
		it.Close()
	}
}

// scanOf digs the pool out from under operators.
func scanOf(it Iter) Iter {
	for {
		switch x := it.(type) {
		case *filterIter:
			it = x.child
		case *projectIter:
			it = x.child
		case *limitIter:
			it = x.child
		case *distinctIter:
			it = x.child
		case *bufferedIter:
			it = x.child
		case *mergeAggIter:
			it = x.child
		case *prefixIter:
			it = x.rest
		case *readPool, *orderedPool:
			return it
		default:
			return nil
		}
	}
}

// keyedTable answers partition reads of keyed with one row per partition: the statement and the
// key values bound to it.
type keyedTable struct {
	mu    sync.Mutex
	calls int
}

func (f *keyedTable) QueryPage(ctx context.Context, req PageRequest) (Page, error) {
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	if len(req.Args) != 2 {
		return Page{}, fmt.Errorf("%d bind values, want a and b", len(req.Args))
	}
	a, _ := req.Args[0].(int64)
	b, _ := req.Args[1].([]byte)
	// The later a key is in the plan's order, the sooner it answers.
	if err := sleep(ctx, time.Duration(5-int(a)%5)*time.Millisecond); err != nil {
		return Page{}, err
	}
	return Page{Rows: []Row{{fmt.Sprintf("%s [%d %s]", req.Stmt, a, b)}}}, nil
}

var keyed = &schema.Table{Keyspace: "ks", Name: "k", Columns: []schema.Column{
	{Name: "a", Type: "int", Kind: schema.PartitionKey, Position: 0},
	{Name: "b", Type: "text", Kind: schema.PartitionKey, Position: 1},
	{Name: "c", Type: "int", Kind: schema.Clustering}}}

func intConst(v int64) *expr.Const {
	return &expr.Const{Value: v, T: types.Of(types.Int), Text: fmt.Sprint(v)}
}

func textConst(v string) *expr.Const {
	return &expr.Const{Value: v, T: types.Of(types.Text), Text: "'" + strings.ReplaceAll(v, "'", "''") + "'"}
}

// TestPartitionReadsInPlanOrder: the partitions of a PartitionRead come out in the plan's order
// (Cassandra's, which the planner sets), however fast each answers, and every read sends the same
// statement with its key as bind values.
func TestPartitionReadsInPlanOrder(t *testing.T) {
	var keys []planner.PartitionKey
	var want []string
	for a := int64(0); a < 7; a++ {
		for _, b := range []string{"a", "it's", "z"} {
			keys = append(keys, planner.PartitionKey{intConst(a), textConst(b)})
			want = append(want, fmt.Sprintf("SELECT x FROM ks.k WHERE a = ? AND b = ? [%d %s]", a, b))
		}
	}
	plan := &planner.PartitionRead{Table: keyed, Keys: keys,
		Selectors: []planner.ScanColumn{{CQL: "x", Name: "x", Type: types.Of(types.Text)}}}
	rows, err := Drain(context.Background(), mustBuild(t, &keyedTable{}, plan))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r[0].(string))
	}
	if !slices.Equal(got, want) {
		t.Errorf("partitions read in the order\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func mustBuild(t *testing.T, q Querier, plan planner.Node) Iter {
	t.Helper()
	it, err := New(q, Options{Concurrency: 8}).Build(plan)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

// TestOrderedPoolKeepGoing: with keepGoing, a failed read is listed and the others still come out,
// in order.
func TestOrderedPoolKeepGoing(t *testing.T) {
	f := &tokenTable{fail: func(lo, hi int64) error {
		if lo < 0 && hi >= 0 {
			return &QueryError{Kind: Fatal, Err: errors.New("unreadable")}
		}
		return nil
	}}
	ex := New(f, Options{Concurrency: 4, FetchSize: 50})
	it := newRangeScanIter(denseScan(1, 30), ex)
	pool := &orderedPool{concurrency: 4, reads: it.reads, run: it.runRead, outcome: outcome{keepGoing: true}}
	rows, err := Drain(context.Background(), pool)
	var se *ScanError
	if !errors.As(err, &se) || len(se.Failed) != 1 {
		t.Fatalf("error %v, want a ScanError with one range", err)
	}
	got := tokensOf(t, rows)
	if !slices.IsSorted(got) || len(got) == 0 || len(got) >= 2001 {
		t.Fatalf("%d rows, sorted %v", len(got), slices.IsSorted(got))
	}
	if got[0] != -1000000 || got[len(got)-1] != 1000000 {
		t.Errorf("rows run from %d to %d; the ranges on either side of the failed one are missing", got[0], got[len(got)-1])
	}
}
