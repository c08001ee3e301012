package expr

import (
	"errors"
	"fmt"
	"math"
	"math/big"

	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/planner/types"
)

// ErrDivisionByZero is an integer division or remainder by zero.
var ErrDivisionByZero = errors.New("division by zero")

// Arith is + - * / % on numbers. The result type is the wider operand type: integers stay int64
// (integer division truncates toward zero), any float or double makes a double, varint and decimal
// stay exact.
type Arith struct {
	Op   string
	L, R Expr
	T    types.Type
}

// Neg is unary minus.
type Neg struct{ X Expr }

// Func is a scalar function computed on the client.
type Func struct {
	Name string
	Args []Expr
	T    types.Type
	Fn   func(args []any) (any, error)
}

var (
	_ Expr = (*Arith)(nil)
	_ Expr = (*Neg)(nil)
	_ Expr = (*Func)(nil)
)

// ArithType is the result type of an arithmetic operation on l and r, or an error when either is
// not a number.
func ArithType(op string, l, r types.Type) (types.Type, error) {
	for _, t := range []types.Type{l, r} {
		if !t.IsNumeric() && t.Kind != types.Null {
			return types.Type{}, fmt.Errorf("%s needs numbers, not %s", op, t)
		}
	}
	rank := func(t types.Type) int {
		switch {
		case t.Kind == types.Double || t.Kind == types.Float:
			return 4
		case t.Kind == types.Decimal:
			return 3
		case t.Kind == types.Varint:
			return 2
		}
		return 1
	}
	switch max(rank(l), rank(r)) {
	case 4:
		return types.Of(types.Double), nil
	case 3:
		return types.Of(types.Decimal), nil
	case 2:
		return types.Of(types.Varint), nil
	}
	return types.Of(types.BigInt), nil
}

// Eval implements Expr.
func (a *Arith) Eval(row []any) (any, error) {
	l, err := a.L.Eval(row)
	if err != nil || unknown(l) {
		return nil, err
	}
	r, err := a.R.Eval(row)
	if err != nil || unknown(r) {
		return nil, err
	}
	return Apply(a.Op, a.T, l, r)
}

// Apply computes l op r in the result type t.
func Apply(op string, t types.Type, l, r any) (any, error) {
	switch t.Kind {
	case types.Double:
		x, y := toFloat(l), toFloat(r)
		switch op {
		case "+":
			return x + y, nil
		case "-":
			return x - y, nil
		case "*":
			return x * y, nil
		case "/":
			return x / y, nil
		case "%":
			return math.Mod(x, y), nil
		}
	case types.Decimal:
		x, y := toDec(l), toDec(r)
		switch op {
		case "+":
			return new(inf.Dec).Add(x, y), nil
		case "-":
			return new(inf.Dec).Sub(x, y), nil
		case "*":
			return new(inf.Dec).Mul(x, y), nil
		case "/":
			if y.Sign() == 0 {
				return nil, ErrDivisionByZero
			}
			return new(inf.Dec).QuoRound(x, y, 32, inf.RoundHalfEven), nil
		}
	case types.Varint:
		x, y := toBig(l), toBig(r)
		switch op {
		case "+":
			return new(big.Int).Add(x, y), nil
		case "-":
			return new(big.Int).Sub(x, y), nil
		case "*":
			return new(big.Int).Mul(x, y), nil
		case "/", "%":
			if y.Sign() == 0 {
				return nil, ErrDivisionByZero
			}
			if op == "/" {
				return new(big.Int).Quo(x, y), nil
			}
			return new(big.Int).Rem(x, y), nil
		}
	default:
		x, y := l.(int64), r.(int64)
		switch op {
		case "+":
			return x + y, nil
		case "-":
			return x - y, nil
		case "*":
			return x * y, nil
		case "/", "%":
			if y == 0 {
				return nil, ErrDivisionByZero
			}
			if op == "/" {
				return x / y, nil
			}
			return x % y, nil
		}
	}
	return nil, fmt.Errorf("operator %s is not defined on %s", op, t)
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f
	case *inf.Dec:
		f, _ := new(big.Float).SetString(x.String())
		g, _ := f.Float64()
		return g
	}
	return math.NaN()
}

func toBig(v any) *big.Int {
	switch x := v.(type) {
	case int64:
		return big.NewInt(x)
	case *big.Int:
		return x
	}
	return new(big.Int)
}

func toDec(v any) *inf.Dec {
	switch x := v.(type) {
	case int64:
		return inf.NewDec(x, 0)
	case *big.Int:
		return new(inf.Dec).SetUnscaledBig(x)
	case *inf.Dec:
		return x
	}
	return new(inf.Dec)
}

// Type implements Expr.
func (a *Arith) Type() types.Type { return a.T }
func (a *Arith) String() string   { return paren(a.L) + " " + a.Op + " " + paren(a.R) }

// Eval implements Expr.
func (n *Neg) Eval(row []any) (any, error) {
	v, err := n.X.Eval(row)
	if err != nil || unknown(v) {
		return nil, err
	}
	switch x := v.(type) {
	case int64:
		return -x, nil
	case float64:
		return -x, nil
	case *big.Int:
		return new(big.Int).Neg(x), nil
	case *inf.Dec:
		return new(inf.Dec).Neg(x), nil
	}
	return nil, fmt.Errorf("cannot negate %s", n.X.Type())
}

// Type implements Expr.
func (n *Neg) Type() types.Type {
	if t := n.X.Type(); t.IsInteger() {
		return types.Of(types.BigInt)
	}
	return n.X.Type()
}
func (n *Neg) String() string { return "-" + paren(n.X) }

// Eval implements Expr.
func (f *Func) Eval(row []any) (any, error) {
	args := make([]any, len(f.Args))
	for i, a := range f.Args {
		v, err := a.Eval(row)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	return f.Fn(args)
}

// Type implements Expr.
func (f *Func) Type() types.Type { return f.T }
func (f *Func) String() string {
	s := f.Name + "("
	for i, a := range f.Args {
		if i > 0 {
			s += ", "
		}
		s += a.String()
	}
	return s + ")"
}
