package executor

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/types"
)

// sortRows are the rows of the sort tests: (a, b, name), with NULLs in both keys and a tie (r4, r7).
var sortRows = []Row{
	{int64(2), int64(1), "r1"},
	{nil, int64(5), "r2"},
	{int64(1), nil, "r3"},
	{int64(1), int64(3), "r4"},
	{nil, nil, "r5"},
	{int64(2), nil, "r6"},
	{int64(1), int64(3), "r7"},
}

var sortCols = []planner.ScanColumn{memCol("a", types.Int), memCol("b", types.Int), memCol("name", types.Text)}

func sortKey(i int, desc bool) planner.SortKey {
	return planner.SortKey{Index: i, Desc: desc, T: types.Of(types.Int), Name: sortCols[i].Name}
}

// lastCol lists the last value of each row: the names of the sort tests' rows.
func lastCol(rows []Row) string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprint(r[len(r)-1])
	}
	return strings.Join(out, " ")
}

// TestSortKeysAndNulls: ORDER BY with several keys and directions puts NULL first ascending and last
// descending, key by key, and keeps rows that tie on every key in the order they came. The expected
// orders are SQLite's (3.40.1) for the same rows and ORDER BY clauses, the repo's oracle for SQL
// answers (internal/sqltest); Cassandra itself orders only by clustering columns, which are never
// NULL.
func TestSortKeysAndNulls(t *testing.T) {
	cases := []struct {
		keys []planner.SortKey
		want string
	}{
		{[]planner.SortKey{sortKey(0, false), sortKey(1, true)}, "r2 r5 r4 r7 r3 r1 r6"},
		{[]planner.SortKey{sortKey(0, true), sortKey(1, false)}, "r6 r1 r3 r4 r7 r5 r2"},
		{[]planner.SortKey{sortKey(1, true), sortKey(0, true)}, "r2 r4 r7 r1 r6 r3 r5"},
		{[]planner.SortKey{sortKey(0, false)}, "r2 r5 r3 r4 r7 r1 r6"},
		{[]planner.SortKey{sortKey(1, false), sortKey(0, false)}, "r5 r3 r6 r1 r4 r7 r2"},
	}
	for _, c := range cases {
		node := &planner.Sort{Child: memScan(nil, sortCols...), Keys: c.keys}
		if got := lastCol(mustRun(t, memRows(sortRows...), node)); got != c.want {
			t.Errorf("%s: %s, want %s (SQLite's order)", node.Describe(), got, c.want)
		}
	}
}

// TestSortValuesInCassandraOrder: values sort as Cassandra orders them: an Empty value before every
// other (after NULL) ascending, so last but NULL descending; text by its UTF-8 bytes; doubles with
// -0.0 before 0.0 and NaN above +Infinity.
func TestSortValuesInCassandraOrder(t *testing.T) {
	cases := []struct {
		kind   types.Kind
		values []any // in ascending order
	}{
		{types.Int, []any{nil, types.Empty{}, int64(math.MinInt32), int64(-1), int64(0), int64(7)}},
		{types.Text, []any{nil, "", "B", "a", "ab", "z", "é", "日本"}},
		{types.Double, []any{nil, math.Inf(-1), -1.5, math.Copysign(0, -1), 0.0, 5e-324, math.Inf(1), math.NaN()}},
	}
	for _, c := range cases {
		var rows, asc []Row
		for i, v := range c.values {
			asc = append(asc, Row{v, fmt.Sprint(i)})
		}
		for i := range asc { // shuffled by a fixed stride
			rows = append(rows, asc[(i*5+3)%len(asc)])
		}
		desc := make([]Row, 0, len(asc))
		for i := len(asc) - 1; i >= 0; i-- {
			desc = append(desc, asc[i])
		}
		for _, order := range []struct {
			desc bool
			want []Row
		}{{false, asc}, {true, desc}} {
			key := planner.SortKey{Index: 0, Desc: order.desc, T: types.Of(c.kind), Name: "v"}
			node := &planner.Sort{Child: memScan(nil, memCol("v", c.kind), memCol("i", types.Text)), Keys: []planner.SortKey{key}}
			if got, want := lastCol(mustRun(t, memRows(rows...), node)), lastCol(order.want); got != want {
				t.Errorf("%s of %s: %s, want %s", node.Describe(), types.Of(c.kind), got, want)
			}
		}
	}
}

// TestTopKIsTheSortsFirstRows: ORDER BY … LIMIT k keeps a heap of k rows, and must give exactly the
// first k rows of the full sort of the same input, ties included: the rows kept at the cut are the
// first that came, and tied rows come out in the order they came, as the full sort gives them.
func TestTopKIsTheSortsFirstRows(t *testing.T) {
	var rows []Row
	for i, k := range []int64{5, 1, 1, 1, 3, 0, 1, 3, 5, 0, 1, 2} {
		rows = append(rows, Row{k, nil, fmt.Sprintf("t%d", i)})
	}
	rows = append(rows, Row{nil, nil, "tn1"}, Row{nil, nil, "tn2"})
	for _, keys := range [][]planner.SortKey{{sortKey(0, false)}, {sortKey(0, true)}} {
		full := lastCol(mustRun(t, memRows(rows...), &planner.Sort{Child: memScan(nil, sortCols...), Keys: keys}))
		all := strings.Fields(full)
		for k := 1; k <= len(rows)+2; k++ {
			node := &planner.Sort{Child: memScan(nil, sortCols...), Keys: keys, Limit: int64(k)}
			want := strings.Join(all[:min(k, len(all))], " ")
			if got := lastCol(mustRun(t, memRows(rows...), node)); got != want {
				t.Errorf("%s: %s, want %s (the first %d of the full sort %s)", node.Describe(), got, want, k, full)
			}
		}
	}
}
