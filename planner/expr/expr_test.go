package expr

import (
	"errors"
	"testing"

	"github.com/cqlscan/cqlscan/planner/types"
)

var (
	intT = types.Of(types.Int)
	a    = &Col{Index: 0, Name: "a", T: intT}
	b    = &Col{Index: 1, Name: "b", T: intT}
	one  = &Const{Value: int64(1), T: intT, Text: "1"}
)

func TestThreeValuedLogic(t *testing.T) {
	// NOT (a = 1 OR b IN (1, 2)) is unknown when b is NULL and a != 1, so a filter drops the row.
	e := &Not{&Or{&Compare{"=", a, one}, &In{X: b, List: []Expr{one, &Const{Value: int64(2), T: intT}}}}}
	cases := []struct {
		row  []any
		want any
	}{
		{[]any{int64(1), nil}, false},
		{[]any{int64(5), nil}, nil},
		{[]any{int64(5), int64(2)}, false},
		{[]any{int64(5), int64(7)}, true},
		{[]any{nil, int64(7)}, nil},
	}
	for _, c := range cases {
		got, err := e.Eval(c.row)
		if err != nil || got != c.want {
			t.Errorf("%s on %v = %v, %v; want %v", e, c.row, got, err, c.want)
		}
	}
	and := &And{&Compare{"=", a, one}, &IsNull{X: b}}
	if got, _ := and.Eval([]any{int64(2), nil}); got != false {
		t.Errorf("false AND true = %v", got)
	}
	if got, _ := (&And{&Compare{"=", a, one}, &Compare{"=", b, one}}).Eval([]any{int64(1), nil}); got != nil {
		t.Errorf("true AND unknown = %v", got)
	}
	if got, _ := (&In{X: a, List: []Expr{one, &Const{T: intT}}}).Eval([]any{int64(3)}); got != nil {
		t.Errorf("3 IN (1, NULL) = %v, want unknown", got)
	}
	// An Empty value is less than every other (as in Cassandra), not NULL; as a condition it is unknown.
	empty := []any{types.Empty{}, types.Empty{}}
	for _, c := range []struct {
		e    Expr
		want any
	}{
		{&Compare{"<", a, one}, true},
		{&Compare{"=", a, one}, false},
		{&Compare{"=", a, b}, true},
		{&IsNull{X: a}, false},
		{&Not{&Col{Index: 0, Name: "flag", T: boolType}}, nil},
	} {
		if got, err := c.e.Eval(empty); err != nil || got != c.want {
			t.Errorf("%s on Empty values = %v, %v; want %v", c.e, got, err, c.want)
		}
	}
}

func TestLike(t *testing.T) {
	for _, c := range []struct {
		s, p string
		want bool
	}{{"abc", "ab%", true}, {"abc", "%c", true}, {"abc", "a_c", true}, {"abc", "A%", false},
		{"", "%", true}, {"abc", "%b%b%", false}, {"abcb", "%b%b", true}, {"héllo", "h_llo", true},
		// % and _ in the text are ordinary characters; in the pattern they are wildcards.
		{"a%c", "a%", true}, {"a%c", "a%c", true}, {"a%%", "a%", true}, {"a_c", "a_", false},
		{"a_c", "a__", true}, {"%", "%", true}, {"_", "_", true}} {
		if got := likeMatch(c.s, c.p); got != c.want {
			t.Errorf("%q LIKE %q = %v", c.s, c.p, got)
		}
	}
}

func TestArith(t *testing.T) {
	dbl := types.Of(types.Double)
	rt, _ := ArithType("*", intT, dbl)
	if rt.Kind != types.Double {
		t.Fatalf("int * double is %s", rt)
	}
	e := &Arith{"+", &Arith{"*", &Neg{a}, &Const{Value: 1.5, T: dbl}, dbl}, one, dbl}
	if got, err := e.Eval([]any{int64(4)}); err != nil || got != -5.0 {
		t.Fatalf("-a * 1.5 + 1 with a=4 = %v, %v", got, err)
	}
	if got, _ := (&Arith{"/", a, &Const{Value: int64(2), T: intT}, types.Of(types.BigInt)}).Eval([]any{int64(-7)}); got != int64(-3) {
		t.Fatalf("-7 / 2 = %v, want -3 (truncation)", got)
	}
	if _, err := (&Arith{"/", a, b, types.Of(types.BigInt)}).Eval([]any{int64(1), int64(0)}); !errors.Is(err, ErrDivisionByZero) {
		t.Fatalf("1 / 0: %v", err)
	}
	if got, _ := e.Eval([]any{nil}); got != nil {
		t.Fatalf("NULL arithmetic = %v", got)
	}
	if got, err := e.Eval([]any{types.Empty{}}); got != nil || err != nil {
		t.Fatalf("arithmetic on an Empty value = %v, %v; want NULL", got, err)
	}
	if _, err := ArithType("+", types.Of(types.Text), intT); err == nil {
		t.Fatal("text + int accepted")
	}
}

// TestLongInList: a list of constants long enough to be looked up in a set answers as the element by
// element comparison does — across number types, with NULL in the list, for a NULL operand.
func TestLongInList(t *testing.T) {
	var list []Expr
	for i := 0; i < 40; i += 2 {
		list = append(list, &Const{Value: int64(i), T: intT})
	}
	withNull := append(append([]Expr(nil), list...), &Const{T: intT})
	dbl := types.Of(types.Double)
	x := &Col{Index: 0, Name: "x", T: dbl}
	for _, c := range []struct {
		list []Expr
		v    any
		want any
	}{
		{list, 4.0, true}, {list, int64(38), true}, {list, 5.0, false}, {list, nil, nil},
		{withNull, 6.0, true}, {withNull, 7.0, nil},
	} {
		long := &In{X: x, List: c.list}
		got, err := long.Eval([]any{c.v})
		if err != nil || got != c.want {
			t.Errorf("%v IN (%d constants) = %v, %v; want %v", c.v, len(c.list), got, err, c.want)
		}
	}
}
