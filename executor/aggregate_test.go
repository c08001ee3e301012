package executor

import (
	"testing"

	"github.com/cqlscan/cqlscan/executor/agg"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/types"
)

// TestAggregatesOfEmptyValues: a zero-byte value is counted by count(x), skipped by sum and avg, and
// is the least value for min, as Cassandra 5.0.9 answers over the rows (Empty, 5, NULL): count(i)
// 2, sum(i) 5, min(i) empty, max(i) 5, avg(i) 5. A second Empty row makes the count 3 and leaves two
// distinct values.
func TestAggregatesOfEmptyValues(t *testing.T) {
	intT := types.Of(types.Int)
	aggs := []planner.Aggregate{
		{Func: "count", T: types.Of(types.BigInt)},
		{Func: "sum", T: intT},
		{Func: "min", T: intT},
		{Func: "max", T: intT},
		{Func: "avg", T: intT},
		{Func: "count", Distinct: true, T: types.Of(types.BigInt)},
	}
	want := []any{int64(3), int64(5), types.Empty{}, int64(5), int64(5), int64(2)}
	funcs, err := aggFuncs(aggs)
	if err != nil {
		t.Fatal(err)
	}
	states := make([]agg.State, len(funcs))
	for i, f := range funcs {
		states[i] = f.Init()
	}
	for _, v := range []any{types.Empty{}, int64(5), nil, types.Empty{}} {
		for i, f := range funcs {
			if err := f.Add(states[i], v); err != nil {
				t.Fatalf("%s: add(%v): %v", aggs[i], v, err)
			}
		}
	}
	for i, f := range funcs {
		got, err := f.Final(states[i])
		if err != nil || types.CompareNullable(intT, got, want[i]) != 0 || types.IsEmpty(got) != types.IsEmpty(want[i]) {
			t.Errorf("%s: %v (%T), %v; want %v", aggs[i], got, got, err, want[i])
		}
	}
}

// TestMergeOfEmptyPartials: the replicas' partial min of a range holding an Empty value is Empty,
// and it stays the minimum when merged; an Empty partial sum adds nothing.
func TestMergeOfEmptyPartials(t *testing.T) {
	intT := types.Of(types.Int)
	min := planner.PushedAgg{Func: planner.AggMin, T: intT}
	if got := mergeValue(min, mergeValue(min, int64(3), types.Empty{}), int64(1)); !types.IsEmpty(got) {
		t.Errorf("min merge = %v, want Empty", got)
	}
	max := planner.PushedAgg{Func: planner.AggMax, T: intT}
	if got := mergeValue(max, types.Empty{}, int64(1)); got != int64(1) {
		t.Errorf("max merge = %v, want 1", got)
	}
	sum := planner.PushedAgg{Func: planner.AggSum, T: types.Of(types.Varint)}
	if got := mergeValue(sum, nil, types.Empty{}); got != nil {
		t.Errorf("sum of Empty = %v, want no value", got)
	}
}
