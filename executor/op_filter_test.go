package executor

import (
	"errors"
	"testing"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/types"
)

// TestFilterKeepsOnlyTrue: a WHERE (or HAVING) keeps the rows whose condition is true. False and
// unknown both drop a row: a comparison with NULL is unknown, NOT unknown is unknown, unknown AND
// true is unknown, unknown OR true is true, as in SQL. An Empty (zero-byte) value is not NULL: it
// compares as the least value of its type, as Cassandra orders it, is unknown in arithmetic, and
// IS NULL is false for it.
func TestFilterKeepsOnlyTrue(t *testing.T) {
	a, b, s := ref(0, "a", types.Int), ref(1, "b", types.Int), ref(2, "s", types.Text)
	rows := []Row{
		{int64(1), int64(2), "x"},      // 0
		{nil, int64(2), "y"},           // 1
		{int64(1), nil, nil},           // 2
		{types.Empty{}, int64(5), "z"}, // 3
		{int64(3), int64(3), ""},       // 4
	}
	cmp := func(op string, l, r expr.Expr) expr.Expr { return &expr.Compare{Op: op, L: l, R: r} }
	aIs1, bIs2 := cmp("=", a, intConst(1)), cmp("=", b, intConst(2))
	plus1 := &expr.Arith{Op: "+", L: a, R: intConst(1), T: types.Of(types.BigInt)}
	cases := []struct {
		name string
		cond expr.Expr
		keep []int
	}{
		{"a = 1", aIs1, []int{0, 2}},
		{"a != 1", cmp("!=", a, intConst(1)), []int{3, 4}},
		{"NOT a = 1", &expr.Not{X: aIs1}, []int{3, 4}},
		{"a = 1 OR b = 2", &expr.Or{L: aIs1, R: bIs2}, []int{0, 1, 2}},
		{"a = 1 AND b = 2", &expr.And{L: aIs1, R: bIs2}, []int{0}},
		{"NOT (a = 1 AND b = 2)", &expr.Not{X: &expr.And{L: aIs1, R: bIs2}}, []int{3, 4}},
		{"NOT (a = 1 OR b = 2)", &expr.Not{X: &expr.Or{L: aIs1, R: bIs2}}, []int{3, 4}},
		{"a < 2", cmp("<", a, intConst(2)), []int{0, 2, 3}},
		{"b > a", cmp(">", b, a), []int{0, 3}},
		{"a IS NULL", &expr.IsNull{X: a}, []int{1}},
		{"a IS NOT NULL", &expr.IsNull{X: a, Negate: true}, []int{0, 2, 3, 4}},
		{"s = ''", cmp("=", s, textConst("")), []int{4}},
		{"s IS NULL", &expr.IsNull{X: s}, []int{2}},
		{"a IN (1, NULL)", &expr.In{X: a, List: []expr.Expr{intConst(1), nullConst}}, []int{0, 2}},
		{"a IN (3, 7)", &expr.In{X: a, List: []expr.Expr{intConst(3), intConst(7)}}, []int{4}},
		{"a + 1 = 2", cmp("=", plus1, intConst(2)), []int{0, 2}},
		{"a = NULL", cmp("=", a, nullConst), nil},
	}
	cols := []planner.ScanColumn{memCol("a", types.Int), memCol("b", types.Int), memCol("s", types.Text)}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := mustRun(t, memRows(rows...), &planner.Filter{Child: memScan(nil, cols...), Cond: c.cond, What: "WHERE"})
			if g, w := showRows(got), showRows(pick(rows, c.keep...)); g != w {
				t.Errorf("WHERE %s kept\n%s\nwant\n%s", c.name, g, w)
			}
		})
	}
}

// TestFilterError: a condition that cannot be computed (an integer division by zero) fails the
// statement with that error; it does not drop the row.
func TestFilterError(t *testing.T) {
	a := ref(0, "a", types.BigInt)
	div := &expr.Arith{Op: "/", L: intConst(10), R: a, T: types.Of(types.BigInt)}
	node := &planner.Filter{Child: memScan(nil, memCol("a", types.BigInt)), Cond: &expr.Compare{Op: ">", L: div, R: intConst(1)}}
	rows, err := runPlan(t, memRows(Row{int64(2)}, Row{int64(0)}, Row{int64(5)}), node)
	if !errors.Is(err, expr.ErrDivisionByZero) {
		t.Fatalf("rows %v, error %v; want %v", rows, err, expr.ErrDivisionByZero)
	}
	if len(rows) != 1 || rows[0][0] != int64(2) {
		t.Errorf("rows before the error: %v, want the one row with a = 2", rows)
	}
}
