package executor

import (
	"errors"
	"math/big"
	"testing"

	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/types"
)

// TestProjectComputesExpressions: a projection computes each output expression on every row, in the
// result type of its operands: integers in bigint with integer division truncating toward zero (as
// in Cassandra), a double operand making a double, varint and decimal exact. NULL and Empty operands
// make the result NULL; columns, constants and reordering pass values through as they are.
func TestProjectComputesExpressions(t *testing.T) {
	bigint, double, varint, decimal := types.Of(types.BigInt), types.Of(types.Double), types.Of(types.Varint), types.Of(types.Decimal)
	a, b := ref(0, "a", types.BigInt), ref(1, "b", types.BigInt)
	d, v, m := ref(2, "d", types.Double), ref(3, "v", types.Varint), ref(4, "m", types.Decimal)
	arith := func(op string, l, r expr.Expr, t types.Type) expr.Expr { return &expr.Arith{Op: op, L: l, R: r, T: t} }
	exprs := []expr.Expr{
		arith("+", a, b, bigint),
		arith("/", a, b, bigint),
		arith("%", a, b, bigint),
		&expr.Neg{X: a},
		arith("*", d, a, double),
		arith("+", v, a, varint),
		arith("*", m, a, decimal),
		b,
		textConst("k"),
	}
	huge := new(big.Int).Lsh(big.NewInt(1), 80)
	hugePlus := func(n int64) *big.Int { return new(big.Int).Add(huge, big.NewInt(n)) }
	rows := []Row{
		{int64(-7), int64(2), 0.5, huge, inf.NewDec(125, 2)},
		{nil, int64(1), 1.0, nil, nil},
		{types.Empty{}, int64(3), types.Empty{}, huge, inf.NewDec(1, 0)},
		{int64(9), types.Empty{}, -0.25, big.NewInt(-9), inf.NewDec(-5, 1)},
	}
	want := []Row{
		{int64(-5), int64(-3), int64(-1), int64(7), -3.5, hugePlus(-7), inf.NewDec(-875, 2), int64(2), "k"},
		{nil, nil, nil, nil, nil, nil, nil, int64(1), "k"},
		{nil, nil, nil, nil, nil, nil, nil, int64(3), "k"},
		{nil, nil, nil, int64(-9), -2.25, big.NewInt(0), inf.NewDec(-45, 1), types.Empty{}, "k"},
	}
	scan := memScan(nil, memCol("a", types.BigInt), memCol("b", types.BigInt), memCol("d", types.Double),
		memCol("v", types.Varint), memCol("m", types.Decimal))
	names := make([]string, len(exprs))
	for i, e := range exprs {
		names[i] = e.String()
	}
	got := mustRun(t, memRows(rows...), &planner.Project{Child: scan, Exprs: exprs, Names: names})
	if g, w := showRows(got), showRows(want); g != w {
		t.Errorf("SELECT %v gave\n%s\nwant\n%s", names, g, w)
	}
}

// TestProjectError: an expression that cannot be computed fails the statement with its error.
func TestProjectError(t *testing.T) {
	a := ref(0, "a", types.BigInt)
	node := &planner.Project{Child: memScan(nil, memCol("a", types.BigInt)),
		Exprs: []expr.Expr{&expr.Arith{Op: "%", L: intConst(7), R: a, T: types.Of(types.BigInt)}}, Names: []string{"7 % a"}}
	if rows, err := runPlan(t, memRows(Row{int64(3)}, Row{int64(0)}), node); !errors.Is(err, expr.ErrDivisionByZero) || len(rows) != 1 {
		t.Fatalf("rows %v, error %v; want one row, then %v", rows, err, expr.ErrDivisionByZero)
	}
}
