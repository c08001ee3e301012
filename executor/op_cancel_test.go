package executor

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/types"
)

// cancelPlans are every client operator over a scan of several ranges, for the cancellation tests.
func cancelPlans() []struct {
	name string
	plan planner.Node
} {
	v := ref(0, "v", types.BigInt)
	scan := func() planner.Node { return memScan(memRanges(-100, 0, 100, 200), memCol("v", types.BigInt)) }
	merge, _ := mergePlan([]Row{{int64(0), int64(0), nil, nil, nil}, {int64(0), int64(0), nil, nil, nil}})
	return []struct {
		name string
		plan planner.Node
	}{
		{"Filter", &planner.Filter{Child: scan(), Cond: &expr.IsNull{X: v, Negate: true}}},
		{"Project", &planner.Project{Child: scan(), Exprs: []expr.Expr{v}, Names: []string{"v"}}},
		{"Distinct", &planner.Distinct{Child: scan()}},
		{"Distinct in key order", &planner.Distinct{Child: scan(), KeyOrder: true}},
		{"Sort", &planner.Sort{Child: scan(), Keys: []planner.SortKey{{Index: 0, T: types.Of(types.BigInt), Name: "v"}}}},
		{"TopK", &planner.Sort{Child: scan(), Keys: []planner.SortKey{{Index: 0, T: types.Of(types.BigInt), Name: "v"}}, Limit: 3}},
		{"HashAggregate, one group", &planner.HashAggregate{Child: scan(), Aggs: []planner.Aggregate{countStar}}},
		{"HashAggregate, groups", &planner.HashAggregate{Child: scan(), Groups: []expr.Expr{v}, Aggs: []planner.Aggregate{countStar}}},
		{"PartitionLimit", &planner.PartitionLimit{Child: scan(), N: 1, Keys: []int{0}}},
		{"Limit", &planner.Limit{Child: scan(), N: 2}},
		{"MergeAggregate", merge},
	}
}

// TestOperatorsStopWhenCancelled: over scans that never answer, every operator's Next returns
// promptly with its context's error once the context ends, by deadline or by cancel (an aggregate
// does not then give its one row of nothing), Close may be called twice after it, and no goroutine
// is left.
func TestOperatorsStopWhenCancelled(t *testing.T) {
	for _, c := range cancelPlans() {
		for _, byDeadline := range []bool{true, false} {
			before := runtime.NumGoroutine()
			src := holding(memRows(Row{int64(1)}, Row{int64(2)}))
			it, err := New(src, Options{Concurrency: 3}).Build(c.plan)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 40*time.Millisecond)
			want := context.DeadlineExceeded
			if !byDeadline {
				cancel()
				ctx, cancel = context.WithCancel(context.Background())
				want = context.Canceled
				time.AfterFunc(40*time.Millisecond, cancel)
			}
			began := time.Now()
			row, err := it.Next(ctx)
			took := time.Since(began)
			cancel()
			if !errors.Is(err, want) || row != nil {
				t.Errorf("%s: Next gave %v, %v; want %v", c.name, row, err, want)
			}
			if took > 2*time.Second {
				t.Errorf("%s: Next took %v to notice the end of its context", c.name, took)
			}
			if src.calls.Load() == 0 {
				t.Errorf("%s: no range was asked for: the test did not test cancellation", c.name)
			}
			if err := it.Close(); err != nil {
				t.Errorf("%s: Close: %v", c.name, err)
			}
			if err := it.Close(); err != nil {
				t.Errorf("%s: second Close: %v", c.name, err)
			}
			waitGoroutines(t, before)
		}
	}
}

// TestOperatorsCloseBeforeAndDuring: closing an operator that never ran starts nothing, and closing
// one part way through its rows stops the scans under it; either may be closed twice.
func TestOperatorsCloseBeforeAndDuring(t *testing.T) {
	for _, c := range cancelPlans() {
		before := runtime.NumGoroutine()
		src := holding(memRows())
		it, err := New(src, Options{Concurrency: 3}).Build(c.plan)
		if err != nil {
			t.Fatal(err)
		}
		it.Close()
		it.Close()
		if n := src.calls.Load(); n != 0 {
			t.Errorf("%s: closed before it ran, it made %d range queries", c.name, n)
		}
		waitGoroutines(t, before)

		// Part way: the head range answers at once, the others never.
		src = &memSource{delay: func(lo, hi int64) time.Duration {
			if lo == -1<<63 {
				return 0
			}
			return time.Hour
		}}
		src.rows = []memRow{{token: -200, vals: Row{int64(1), int64(1), nil, nil, nil}}}
		if c.name != "MergeAggregate" {
			src.rows[0].vals = Row{int64(1)}
		}
		it, err = New(src, Options{Concurrency: 3}).Build(c.plan)
		if err != nil {
			t.Fatal(err)
		}
		// A streaming operator returns the head's row; one that reads all its input waits for the
		// deadline. Either way Close comes while the other reads still wait, their context alive.
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		if _, err := it.Next(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: %v", c.name, err)
		}
		it.Close()
		it.Close()
		cancel()
		waitGoroutines(t, before)
	}
}
