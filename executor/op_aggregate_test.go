package executor

import (
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/types"
)

// aggCase is one HashAggregate over rows of cols.
type aggCase struct {
	name    string
	cols    []planner.ScanColumn
	rows    []Row
	groups  []expr.Expr
	aggs    []planner.Aggregate
	want    []Row  // in any order when there are groups
	wantErr string // instead of want: the statement fails with an error saying this
}

func runAggCases(t *testing.T, cases []aggCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			node := &planner.HashAggregate{Child: memScan(nil, c.cols...), Groups: c.groups, Aggs: c.aggs}
			got, err := runPlan(t, memRows(c.rows...), node)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("%s: rows %s, error %v; want an error saying %q", node.Describe(), showRows(got), err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", node.Describe(), err)
			}
			g, w := showRows(got), showRows(c.want)
			if len(c.groups) > 0 {
				g, w = showSorted(got), showSorted(c.want)
			}
			if g != w {
				t.Errorf("%s gave\n%s\nwant\n%s", node.Describe(), g, w)
			}
		})
	}
}

// TestHashAggregateGroups: without GROUP BY an aggregate gives exactly one row, even over no rows
// (count 0, the others NULL: SQL's answer; Cassandra would give 0 for sum and avg, see README's
// Semantics); with GROUP BY, one row per group, NULL being a group of its own and ” another.
// count(x) counts values, Empty ones included; count(*) counts rows; COUNT(DISTINCT x) counts
// distinct values but not NULL; any aggregate may be DISTINCT.
func TestHashAggregateGroups(t *testing.T) {
	i, g := ref(0, "i", types.Int), ref(1, "g", types.Text)
	cols := []planner.ScanColumn{memCol("i", types.Int), memCol("g", types.Text)}
	all := []planner.Aggregate{countStar, aggOf("count", i, false), aggOf("sum", i, false), aggOf("avg", i, false),
		aggOf("min", i, false), aggOf("max", i, false), aggOf("count", i, true)}
	E := types.Empty{}
	mod2 := &expr.Arith{Op: "%", L: i, R: intConst(2), T: types.Of(types.BigInt)}
	runAggCases(t, []aggCase{
		{name: "no rows", cols: cols, aggs: all,
			want: []Row{{int64(0), int64(0), nil, nil, nil, nil, int64(0)}}},
		{name: "only NULLs", cols: cols, aggs: all, rows: []Row{{nil, "a"}, {nil, "b"}},
			want: []Row{{int64(2), int64(0), nil, nil, nil, nil, int64(0)}}},
		{name: "Empty values", cols: cols, aggs: all, rows: []Row{{E, "a"}, {int64(5), "a"}, {nil, "a"}, {E, "a"}},
			want: []Row{{int64(4), int64(3), int64(5), int64(5), E, int64(5), int64(2)}}},
		{name: "only Empty values", cols: cols, aggs: all, rows: []Row{{E, "a"}, {E, "b"}},
			want: []Row{{int64(2), int64(2), nil, nil, E, E, int64(1)}}},
		{name: "groups", cols: cols, groups: []expr.Expr{g},
			aggs: []planner.Aggregate{countStar, aggOf("count", i, false), aggOf("sum", i, false), aggOf("min", i, false)},
			rows: []Row{{int64(1), "a"}, {int64(2), "b"}, {int64(3), nil}, {nil, "a"}, {int64(4), nil}, {int64(5), "a"}, {int64(6), ""}},
			want: []Row{
				{"a", int64(3), int64(2), int64(6), int64(1)},
				{"b", int64(1), int64(1), int64(2), int64(2)},
				{nil, int64(2), int64(2), int64(7), int64(3)},
				{"", int64(1), int64(1), int64(6), int64(6)},
			}},
		{name: "no rows, grouped", cols: cols, groups: []expr.Expr{g}, aggs: all, want: nil},
		{name: "group by an expression and a column", cols: cols, groups: []expr.Expr{mod2, g},
			aggs: []planner.Aggregate{countStar, aggOf("sum", i, false)},
			rows: []Row{{int64(1), "a"}, {int64(2), "a"}, {int64(3), "a"}, {int64(4), "b"}, {int64(5), "a"}, {nil, "a"}, {E, "a"}, {int64(-3), "a"}},
			want: []Row{
				{int64(1), "a", int64(3), int64(9)},
				{int64(-1), "a", int64(1), int64(-3)},
				{int64(0), "a", int64(1), int64(2)},
				{int64(0), "b", int64(1), int64(4)},
				{nil, "a", int64(2), nil},
			}},
		{name: "distinct", cols: cols, groups: []expr.Expr{g},
			aggs: []planner.Aggregate{aggOf("count", i, true), aggOf("sum", i, true), aggOf("count", i, false)},
			rows: []Row{{int64(1), "a"}, {int64(1), "a"}, {nil, "a"}, {int64(2), "a"}, {E, "a"}, {E, "a"}, {int64(2), "a"},
				{int64(7), "b"}, {int64(7), "b"}},
			want: []Row{{"a", int64(3), int64(3), int64(6)}, {"b", int64(1), int64(7), int64(2)}}},
		{name: "distinct text", cols: cols, aggs: []planner.Aggregate{aggOf("count", g, true), aggOf("min", g, true), aggOf("max", g, false)},
			rows: []Row{{nil, ""}, {nil, ""}, {nil, "x"}, {nil, nil}, {nil, "B"}},
			want: []Row{{int64(3), "", "x"}}},
	})
}

// TestHashAggregateMinMax: min and max order values as Cassandra does: text by UTF-8 bytes,
// timestamps by time (before 1970 too), uuids by version first, timeuuids by their time (not their
// bytes), Empty before everything; NULLs are skipped.
func TestHashAggregateMinMax(t *testing.T) {
	ts := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v.UTC()
	}
	u := func(s string) types.UUIDValue { return uuidOf(t, s) }
	cases := []struct {
		kind     types.Kind
		values   []any
		min, max any
	}{
		{types.Text, []any{"a", "B", nil, "é", "", "ab"}, "", "é"},
		{types.Ascii, []any{"b", "A", "a"}, "A", "b"},
		{types.Timestamp, []any{ts("2024-02-29T12:00:00Z"), nil, ts("1969-12-31T23:59:59.999Z"), ts("0001-01-01T00:00:00Z")},
			ts("0001-01-01T00:00:00Z"), ts("2024-02-29T12:00:00Z")},
		{types.UUID, []any{u("00000000-0000-4000-8000-000000000000"), u("ffffffff-0000-1000-8000-000000000000"),
			u("ffffffff-ffff-4fff-bfff-ffffffffffff"), nil},
			u("ffffffff-0000-1000-8000-000000000000"), u("ffffffff-ffff-4fff-bfff-ffffffffffff")},
		{types.TimeUUID, []any{u("00000000-ffff-1000-8000-000000000000"), u("ffffffff-0000-1000-8000-000000000000"),
			u("00000000-0000-1001-8000-000000000000")},
			u("ffffffff-0000-1000-8000-000000000000"), u("00000000-0000-1001-8000-000000000000")},
		{types.Double, []any{1.5, math.NaN(), math.Inf(1), 0.0, math.Copysign(0, -1)}, math.Copysign(0, -1), math.NaN()},
		{types.Int, []any{int64(3), types.Empty{}, nil, int64(-4)}, types.Empty{}, int64(3)},
		{types.Boolean, []any{true, false, nil}, false, true},
	}
	var all []aggCase
	for _, c := range cases {
		v := ref(0, "v", c.kind)
		var rows []Row
		for _, x := range c.values {
			rows = append(rows, Row{x})
		}
		all = append(all, aggCase{name: types.Of(c.kind).String(), cols: []planner.ScanColumn{memCol("v", c.kind)}, rows: rows,
			aggs: []planner.Aggregate{aggOf("min", v, false), aggOf("max", v, false)}, want: []Row{{c.min, c.max}}})
	}
	runAggCases(t, all)
}

// TestHashAggregateSums: sum and avg of integer columns are bigints computed exactly, whatever the
// order of the rows: a sum whose value fits in a bigint is that value even when a running total
// would pass the bigint range on the way, and one that does not fit is an error naming the
// aggregate, never a wrapped value. avg of integers truncates toward zero, as in Cassandra.
// varint and decimal sums are exact; Empty values are skipped by sum and avg.
//
// Cassandra itself sums int, smallint and tinyint in their own type and bigint in a Java long, all
// wrapping silently on overflow (sum(int) of 2147483647 twice is -2 there); cqlscan gives the exact
// sum or an error, the same on both of its paths (see TestMergeAgreesWithHashAggregate).
func TestHashAggregateSums(t *testing.T) {
	const maxI, minI = math.MaxInt64, math.MinInt64
	E := types.Empty{}
	intCase := func(name string, kind types.Kind, fns []string, values []any, want Row, wantErr string) aggCase {
		v := ref(0, "v", kind)
		c := aggCase{name: name, cols: []planner.ScanColumn{memCol("v", kind)}, want: []Row{want}, wantErr: wantErr}
		for _, fn := range fns {
			c.aggs = append(c.aggs, aggOf(fn, v, false))
		}
		for _, x := range values {
			c.rows = append(c.rows, Row{x})
		}
		return c
	}
	sumAvg := []string{"sum", "avg"}
	p2 := func(n uint) *big.Int { return new(big.Int).Lsh(big.NewInt(1), n) }
	add := func(x *big.Int, n int64) *big.Int { return new(big.Int).Add(x, big.NewInt(n)) }
	runAggCases(t, []aggCase{
		intCase("int past the int range", types.Int, sumAvg, []any{int64(math.MaxInt32), int64(math.MaxInt32)},
			Row{int64(2 * math.MaxInt32), int64(math.MaxInt32)}, ""),
		intCase("tinyint", types.TinyInt, sumAvg, []any{int64(127), int64(127), int64(1)}, Row{int64(255), int64(85)}, ""),
		intCase("bigint through the top and back", types.BigInt, sumAvg, []any{int64(maxI), int64(1), int64(-1)},
			Row{int64(maxI), int64(maxI / 3)}, ""),
		intCase("bigint through the bottom and back", types.BigInt, sumAvg, []any{int64(minI), int64(-5), int64(5), int64(0)},
			Row{int64(minI), int64(minI / 4)}, ""),
		intCase("avg of bigints whose sum does not fit", types.BigInt, []string{"avg"}, []any{int64(maxI), int64(maxI), int64(maxI - 3)},
			Row{int64(maxI - 1)}, ""),
		intCase("avg of the least bigints", types.BigInt, []string{"avg"}, []any{int64(minI), int64(minI)}, Row{int64(minI)}, ""),
		intCase("bigint sum too big", types.BigInt, []string{"sum"}, []any{int64(maxI), int64(1)}, nil, "sum(v): sum overflows bigint"),
		intCase("bigint sum too small", types.BigInt, []string{"sum"}, []any{int64(minI), int64(-1), E}, nil, "sum(v): sum overflows bigint"),
		intCase("avg of ints truncates toward zero", types.Int, []string{"avg"}, []any{int64(-7), int64(-8)}, Row{int64(-7)}, ""),
		intCase("avg of 1, 2, 2", types.Int, sumAvg, []any{int64(1), int64(2), nil, int64(2), E}, Row{int64(5), int64(1)}, ""),
		intCase("counter", types.Counter, sumAvg, []any{int64(10), int64(-3)}, Row{int64(7), int64(3)}, ""),
		intCase("varint", types.Varint, sumAvg, []any{p2(80), p2(80), add(p2(80), 3), E},
			Row{new(big.Int).Add(p2(81), add(p2(80), 3)), add(p2(80), 1)}, ""),
		intCase("varint avg truncates toward zero", types.Varint, []string{"avg"}, []any{big.NewInt(-7), big.NewInt(-8)}, Row{big.NewInt(-7)}, ""),
		intCase("decimal", types.Decimal, []string{"sum"}, []any{inf.NewDec(15, 1), inf.NewDec(225, 2), inf.NewDec(-75, 2), nil},
			Row{inf.NewDec(300, 2)}, ""),
		intCase("double", types.Double, sumAvg, []any{1.0, 2.0, nil, 4.5}, Row{7.5, 2.5}, ""),
		intCase("float", types.Float, sumAvg, []any{0.5, 0.25}, Row{0.75, 0.375}, ""),
		intCase("sum of no values", types.BigInt, sumAvg, []any{nil, E}, Row{nil, nil}, ""),
	})
}

// TestHashAggregateKeyOrder: GROUP BY the partition key (KeyOrder, a GROUP BY Cassandra runs itself)
// gives its groups in token order, as Cassandra does and cqlsh shows, even when the first range
// answers last; without KeyOrder the groups are the same, in no promised order.
func TestHashAggregateKeyOrder(t *testing.T) {
	src, ranges, keys := slowHeadKeys()
	var want []Row
	for _, p := range keys {
		want = append(want, Row{p, int64(2)})
	}
	p := ref(0, "p", types.Int)
	for _, keyOrder := range []bool{true, false} {
		node := &planner.HashAggregate{Child: memScan(ranges, memCol("p", types.Int)), Groups: []expr.Expr{p},
			Aggs: []planner.Aggregate{countStar}, KeyOrder: keyOrder}
		got := mustRun(t, src, node)
		g, w := showRows(got), showRows(want)
		if !keyOrder {
			g, w = showSorted(got), showSorted(want)
		}
		if g != w {
			t.Errorf("KeyOrder %v: %s gave\n%s\nwant\n%s", keyOrder, node.Describe(), g, w)
		}
	}
}

// TestHashAggregateDoubleSums: sum and avg of doubles give the very doubles Cassandra gives for the
// same rows in the same order (as a partition read returns them), figures from Cassandra 5.0.9 on
// test1: Cassandra adds doubles with Kahan's compensated summation (ending with sum + compensation),
// answers an infinite sum when the compensated one is NaN only because of infinities, and for avg
// goes on exactly once a running sum of finite values overflows. (Rows read by range under a GROUP
// BY come in no fixed order, so there the last bit may differ from one run to the next.)
func TestHashAggregateDoubleSums(t *testing.T) {
	const maxF = math.MaxFloat64
	inf := math.Inf(1)
	tenth := make([]Row, 10)
	for i := range tenth {
		tenth[i] = Row{0.1}
	}
	cases := []struct {
		name      string
		values    []Row
		sum, mean float64
	}{
		{"ten times 0.1", tenth, 1.0, 0.1},
		{"0.1 and 0.3", []Row{{0.1}, {0.3}}, 0.4000000000000001, 0.20000000000000004},
		{"1e16, 1, 1, -1e16", []Row{{1e16}, {1.0}, {1.0}, {-1e16}}, 2.0, 0.5},
		{"overflow", []Row{{maxF}, {maxF}}, inf, maxF},
		// Cassandra answers 5.992310449541052e307 here: its BigDecimal division keeps the scale of
		// the sum, which leaves the mean 16 digits; cqlscan gives the double nearest the exact mean.
		{"overflow and back", []Row{{maxF}, {maxF}, {-maxF}}, inf, 5.992310449541053e307},
		{"infinities", []Row{{inf}, {inf}}, inf, inf},
		{"opposite infinities", []Row{{inf}, {math.Inf(-1)}}, math.NaN(), math.NaN()},
		{"NULL and Empty skipped", []Row{{nil}, {types.Empty{}}, {2.5}}, 2.5, 2.5},
	}
	v := ref(0, "v", types.Double)
	var all []aggCase
	for _, c := range cases {
		all = append(all, aggCase{name: c.name, cols: []planner.ScanColumn{memCol("v", types.Double)}, rows: c.values,
			aggs: []planner.Aggregate{aggOf("sum", v, false), aggOf("avg", v, false)}, want: []Row{{c.sum, c.mean}}})
	}
	runAggCases(t, all)
}
