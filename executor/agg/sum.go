package agg

import (
	"fmt"
	"math"
	"math/big"

	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/types"
)

// sumFunc adds in the result type t: doubles as Cassandra adds them (floatSum), varints and
// decimals exactly, and integers (t bigint) exactly, in an int64 while the running total fits and
// in a big.Int once it has not, so that neither the order of the rows nor the split into
// sub-ranges can matter: only a total beyond the bigint range is an error (ErrSumOverflow).
// NULL and Empty (zero-byte) values are skipped, as Cassandra's sum skips them.
type sumFunc struct{ t types.Type }

type sumState struct {
	any bool // a value was added
	i   int64
	f   floatSum
	b   *big.Int // the varint sum, or the integer sum once it left the int64 range
	d   *inf.Dec
}

func (*sumState) isState() {}

func (sumFunc) Init() State { return &sumState{} }

func (f sumFunc) Add(s State, v any) error {
	x, ok := s.(*sumState)
	if !ok {
		return wrongState("sum", s)
	}
	return x.add(f.t, v)
}

func (s *sumState) add(t types.Type, v any) error {
	if v == nil || types.IsEmpty(v) {
		return nil
	}
	switch t.Kind {
	case types.Double:
		switch x := v.(type) {
		case float64:
			s.f.add(x)
		case int64:
			s.f.add(float64(x))
		default:
			return fmt.Errorf("%w: %T added to a sum of %s", ErrState, v, t)
		}
	case types.Varint:
		x, ok := v.(*big.Int)
		if !ok {
			return fmt.Errorf("%w: %T added to a sum of %s", ErrState, v, t)
		}
		if s.b == nil {
			s.b = new(big.Int)
		}
		s.b.Add(s.b, x)
	case types.Decimal:
		x, ok := v.(*inf.Dec)
		if !ok {
			return fmt.Errorf("%w: %T added to a sum of %s", ErrState, v, t)
		}
		if s.d == nil {
			s.d = new(inf.Dec)
		}
		s.d.Add(s.d, x)
	default:
		x, ok := v.(int64)
		if !ok {
			return fmt.Errorf("%w: %T added to a sum of %s", ErrState, v, t)
		}
		s.addInt(x)
	}
	s.any = true
	return nil
}

func (s *sumState) addInt(x int64) {
	switch {
	case s.b != nil:
		s.b.Add(s.b, big.NewInt(x))
	case (x > 0 && s.i > math.MaxInt64-x) || (x < 0 && s.i < math.MinInt64-x):
		s.b = new(big.Int).SetInt64(s.i)
		s.b.Add(s.b, big.NewInt(x))
	default:
		s.i += x
	}
}

// merge folds o into s: exactly, except for doubles, which add as Cassandra adds values.
func (s *sumState) merge(t types.Type, o *sumState) {
	if !o.any {
		return
	}
	s.any = true
	switch t.Kind {
	case types.Double:
		s.f.merge(&o.f)
	case types.Varint:
		if s.b == nil {
			s.b = new(big.Int)
		}
		s.b.Add(s.b, o.b)
	case types.Decimal:
		if s.d == nil {
			s.d = new(inf.Dec)
		}
		s.d.Add(s.d, o.d)
	default:
		if o.b != nil {
			if s.b == nil {
				s.b = new(big.Int).SetInt64(s.i)
			}
			s.b.Add(s.b, o.b)
		} else {
			s.addInt(o.i)
		}
	}
}

// total is the sum in the result type, NULL if nothing was added.
func (s *sumState) total(t types.Type) (any, error) {
	if !s.any {
		return nil, nil
	}
	switch t.Kind {
	case types.Double:
		return s.f.total(), nil
	case types.Varint:
		return s.b, nil
	case types.Decimal:
		return s.d, nil
	}
	if s.b != nil {
		if !s.b.IsInt64() {
			return nil, ErrSumOverflow
		}
		return s.b.Int64(), nil
	}
	return s.i, nil
}

// partial reads the replicas' partial sum of one sub-range (integers arrive as varint, floats as
// double); a sub-range whose count is 0 added nothing (Cassandra answers 0 there, not NULL).
func (s *sumState) partial(t types.Type, value, count any) error {
	if n, _ := count.(int64); n == 0 || value == nil || types.IsEmpty(value) {
		return nil
	}
	switch t.Kind {
	case types.Double, types.Varint, types.Decimal:
		return s.add(t, value)
	}
	b, ok := value.(*big.Int)
	if !ok {
		return fmt.Errorf("%w: a partial sum of %s is %T", ErrState, t, value)
	}
	s.b, s.any = new(big.Int).Set(b), true
	return nil
}

func (f sumFunc) Merge(into, from State) error {
	a, ok1 := into.(*sumState)
	b, ok2 := from.(*sumState)
	if !ok1 || !ok2 {
		return wrongState("sum", into)
	}
	a.merge(f.t, b)
	return nil
}

func (f sumFunc) Final(s State) (any, error) {
	x, ok := s.(*sumState)
	if !ok {
		return nil, wrongState("sum", s)
	}
	return x.total(f.t)
}

func (f sumFunc) Partial(value, count any) (State, error) {
	s := &sumState{}
	return s, s.partial(f.t, value, count)
}

// avgFunc is sum / count in the result type; on integers that is integer division truncating toward
// zero, as in Cassandra, of the exact sum (whose mean always fits).
type avgFunc struct{ t types.Type }

type avgState struct {
	sum sumState
	n   int64
}

func (*avgState) isState() {}

func (avgFunc) Init() State { return &avgState{} }

func (f avgFunc) Add(s State, v any) error {
	x, ok := s.(*avgState)
	if !ok {
		return wrongState("avg", s)
	}
	if v == nil || types.IsEmpty(v) {
		return nil
	}
	x.n++
	return x.sum.add(f.t, v)
}

func (f avgFunc) Merge(into, from State) error {
	a, ok1 := into.(*avgState)
	b, ok2 := from.(*avgState)
	if !ok1 || !ok2 {
		return wrongState("avg", into)
	}
	a.n += b.n
	a.sum.merge(f.t, &b.sum)
	return nil
}

func (f avgFunc) Final(s State) (any, error) {
	x, ok := s.(*avgState)
	if !ok {
		return nil, wrongState("avg", s)
	}
	if x.n == 0 || !x.sum.any {
		return nil, nil
	}
	switch {
	case f.t.Kind == types.Double:
		return x.sum.f.mean(x.n), nil
	case f.t.IsInteger() && x.sum.b != nil:
		return new(big.Int).Quo(x.sum.b, big.NewInt(x.n)).Int64(), nil
	}
	sum, err := x.sum.total(f.t)
	if err != nil {
		return nil, err
	}
	return expr.Apply("/", f.t, sum, countIn(f.t, x.n))
}

// Partial reads the replicas' partial sum and count(col) of one sub-range.
func (f avgFunc) Partial(value, count any) (State, error) {
	s := &avgState{}
	n, ok := count.(int64)
	if !ok && count != nil {
		return nil, fmt.Errorf("%w: a partial count is %T", ErrState, count)
	}
	s.n = n
	return s, s.sum.partial(f.t, value, count)
}

func countIn(t types.Type, n int64) any {
	switch t.Kind {
	case types.Double:
		return float64(n)
	case types.Varint:
		return big.NewInt(n)
	case types.Decimal:
		return inf.NewDec(n, 0)
	}
	return n
}
