package executor

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/types"
)

// The partial columns the planner pushes for count(*), count(v), sum(v), avg(v), min(v), max(v) of a
// bigint column v (planner/pushdown.go), and the finals computed from them.
var (
	mergeAggs = []planner.PushedAgg{
		{Func: planner.AggCount, Arg: "*", T: types.Of(types.BigInt)},
		{Func: planner.AggCount, Arg: "v", T: types.Of(types.BigInt)},
		{Func: planner.AggSum, Arg: "CAST(v AS varint)", T: types.Of(types.Varint)},
		{Func: planner.AggMin, Arg: "v", T: types.Of(types.BigInt)},
		{Func: planner.AggMax, Arg: "v", T: types.Of(types.BigInt)},
	}
	mergeFinals = []planner.FinalAgg{
		{Func: "count", Value: 0, Count: -1, T: types.Of(types.BigInt), Name: "count(*)"},
		{Func: "count", Value: 1, Count: -1, T: types.Of(types.BigInt), Name: "count(v)"},
		{Func: "sum", Value: 2, Count: 1, T: types.Of(types.BigInt), Name: "sum(v)"},
		{Func: "avg", Value: 2, Count: 1, T: types.Of(types.BigInt), Name: "avg(v)"},
		{Func: "min", Value: 3, Count: -1, T: types.Of(types.BigInt), Name: "min(v)"},
		{Func: "max", Value: 4, Count: -1, T: types.Of(types.BigInt), Name: "max(v)"},
	}
)

// mergePlan is the MergeAggregate over a RangeAggregate of one sub-range per partial row, and the
// memSource whose ranges answer those rows (partial i at token 100·i+50, in range i).
func mergePlan(partials []Row) (*planner.MergeAggregate, *memSource) {
	src := &memSource{}
	var ends []int64
	for i, p := range partials {
		src.rows = append(src.rows, memRow{token: int64(100*i + 50), vals: p})
		if i > 0 {
			ends = append(ends, int64(100*i))
		}
	}
	outs := make([]planner.OutputColumn, len(mergeFinals))
	for i, f := range mergeFinals {
		outs[i] = planner.OutputColumn{Name: f.Name, Type: f.T}
	}
	scan := &planner.RangeAggregate{Table: memTable, Partitioner: ring.Murmur3, Aggregates: mergeAggs, Ranges: memRanges(ends...)}
	return &planner.MergeAggregate{Child: scan, Aggs: mergeAggs, Finals: mergeFinals, Outputs: outs}, src
}

// TestMergeAggregateOfPartials: the partial rows the replicas return for each sub-range fold into
// the final row: counts and sums add up, min and max compare (an Empty minimum stays the least),
// a range with no values adds nothing, avg is the merged sum over the merged count(v), and a sum
// that does not fit in a bigint is an error naming it, however the partials came.
func TestMergeAggregateOfPartials(t *testing.T) {
	E := types.Empty{}
	b := big.NewInt
	cases := []struct {
		name     string
		partials []Row
		want     Row
		wantErr  string
	}{
		{"several ranges", []Row{
			{int64(3), int64(2), b(10), int64(1), int64(9)},
			{int64(0), int64(0), nil, nil, nil},
			{int64(2), int64(1), b(-3), int64(-3), int64(-3)},
			{int64(1), int64(1), nil, E, E},
		}, Row{int64(6), int64(4), int64(7), int64(1), E, int64(9)}, ""},
		{"no values", []Row{
			{int64(0), int64(0), nil, nil, nil},
			{int64(4), int64(0), nil, nil, nil},
		}, Row{int64(4), int64(0), nil, nil, nil, nil}, ""},
		{"one range", []Row{{int64(1), int64(1), b(-5), int64(-5), int64(-5)}},
			Row{int64(1), int64(1), int64(-5), int64(-5), int64(-5), int64(-5)}, ""},
		{"past the bigint range and back", []Row{
			{int64(1), int64(1), b(math.MaxInt64), int64(math.MaxInt64), int64(math.MaxInt64)},
			{int64(2), int64(2), b(7), int64(1), int64(6)},
			{int64(1), int64(1), b(-7), int64(-7), int64(-7)},
		}, Row{int64(4), int64(4), int64(math.MaxInt64), int64(math.MaxInt64 / 4), int64(-7), int64(math.MaxInt64)}, ""},
		{"sum too big", []Row{
			{int64(1), int64(1), b(math.MaxInt64), int64(math.MaxInt64), int64(math.MaxInt64)},
			{int64(1), int64(1), b(1), int64(1), int64(1)},
		}, nil, "sum(v): sum overflows bigint"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plan, src := mergePlan(c.partials)
			got, err := runPlan(t, src, plan)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("rows %s, error %v; want an error saying %q", showRows(got), err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if g, w := showRows(got), showRows([]Row{c.want}); g != w {
				t.Errorf("merged\n%s\nwant\n%s", g, w)
			}
			if n := src.calls.Load(); n != int64(len(c.partials)) {
				t.Errorf("%d range queries for %d sub-ranges", n, len(c.partials))
			}
		})
	}
}

// TestMergeAgreesWithHashAggregate: the two ways cqlscan aggregates, the replicas' partials merged
// (MergeAggregate) and rows aggregated on the client (HashAggregate, as under a GROUP BY or a
// filter Cassandra cannot apply), give the same answer for the same rows, however they are split
// into ranges and ordered: here bigints near both ends of the range, whose running totals leave it
// on the way.
func TestMergeAgreesWithHashAggregate(t *testing.T) {
	v := ref(0, "v", types.BigInt)
	aggs := []planner.Aggregate{countStar, aggOf("count", v, false), aggOf("sum", v, false), aggOf("avg", v, false),
		aggOf("min", v, false), aggOf("max", v, false)}
	rng := rand.New(rand.NewPCG(16, 2026))
	for trial := 0; trial < 40; trial++ {
		var rows []Row
		var partials []Row
		for r := rng.IntN(5) + 1; r > 0; r-- {
			p := Row{int64(0), int64(0), nil, nil, nil}
			for n := rng.IntN(4); n > 0; n-- {
				var x any
				switch rng.IntN(4) {
				case 0:
					x = int64(math.MaxInt64 - rng.Int64N(1000))
				case 1:
					x = int64(math.MinInt64 + rng.Int64N(1000))
				case 2:
					x = rng.Int64N(2000) - 1000
				}
				rows = append(rows, Row{x})
				p[0] = p[0].(int64) + 1
				if x == nil {
					continue
				}
				p[1] = p[1].(int64) + 1
				s, _ := p[2].(*big.Int)
				p[2] = new(big.Int).Add(bigOr0(s), big.NewInt(x.(int64)))
				if p[3] == nil || x.(int64) < p[3].(int64) {
					p[3] = x
				}
				if p[4] == nil || x.(int64) > p[4].(int64) {
					p[4] = x
				}
			}
			partials = append(partials, p)
		}
		plan, src := mergePlan(partials)
		merged, mergeErr := runPlan(t, src, plan)
		hashed, hashErr := runPlan(t, memRows(rows...), &planner.HashAggregate{Child: memScan(nil, memCol("v", types.BigInt)), Aggs: aggs})
		if g, h := showRows(merged), showRows(hashed); g != h || fmt.Sprint(mergeErr) != fmt.Sprint(hashErr) {
			t.Fatalf("rows %v:\nmerged partials: %s, %v\nclient aggregate: %s, %v", rows, g, mergeErr, h, hashErr)
		}
	}
}

func bigOr0(x *big.Int) *big.Int {
	if x == nil {
		return new(big.Int)
	}
	return x
}
