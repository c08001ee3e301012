package executor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"

	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/types"
)

// aggIter groups its input in a hash table and emits one row per group: the group values, then the
// aggregates. Memory grows with the number of groups (and distinct values under COUNT(DISTINCT)),
// not with the rows read.
type aggIter struct {
	child Iter
	node  *planner.HashAggregate
}

type group struct {
	vals []any
	accs []accumulator
}

// fill reads all the input and returns one row per group.
func (it *aggIter) fill(ctx context.Context) ([]Row, error) {
	groups := map[string]*group{}
	var order []*group
	keyVals := make([]any, len(it.node.Groups))
	for {
		row, err := it.child.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		for i, g := range it.node.Groups {
			if keyVals[i], err = g.Eval(row); err != nil {
				return nil, err
			}
		}
		k := types.Key(keyVals...)
		gr := groups[k]
		if gr == nil {
			gr = &group{vals: append([]any(nil), keyVals...), accs: newAccumulators(it.node.Aggs)}
			groups[k] = gr
			order = append(order, gr)
		}
		for i, a := range it.node.Aggs {
			var v any = true // count(*) counts every row
			if !a.Star {
				if v, err = a.Arg.Eval(row); err != nil {
					return nil, err
				}
			}
			if err := gr.accs[i].add(v); err != nil {
				return nil, fmt.Errorf("%s: %w", a, err)
			}
		}
	}
	if len(it.node.Groups) == 0 && len(order) == 0 {
		order = append(order, &group{accs: newAccumulators(it.node.Aggs)})
	}
	out := make([]Row, 0, len(order))
	for _, gr := range order {
		row := make(Row, 0, len(gr.vals)+len(gr.accs))
		row = append(row, gr.vals...)
		for i, a := range gr.accs {
			v, err := a.result()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", it.node.Aggs[i], err)
			}
			row = append(row, v)
		}
		out = append(out, row)
	}
	return out, nil
}

// accumulator folds the non-NULL values of one aggregate in one group.
type accumulator interface {
	add(v any) error
	result() (any, error)
}

func newAccumulators(aggs []planner.Aggregate) []accumulator {
	out := make([]accumulator, len(aggs))
	for i, a := range aggs {
		var acc accumulator
		switch a.Func {
		case "count":
			acc = &countAcc{}
		case "sum":
			acc = &sumAcc{t: a.T}
		case "avg":
			acc = &avgAcc{sum: sumAcc{t: a.T}}
		case "min":
			acc = &extremeAcc{t: a.T, want: -1}
		case "max":
			acc = &extremeAcc{t: a.T, want: 1}
		}
		if a.Distinct {
			acc = &distinctAcc{inner: acc, seen: map[string]bool{}}
		}
		out[i] = acc
	}
	return out
}

type countAcc struct{ n int64 }

func (c *countAcc) add(v any) error {
	if v != nil {
		c.n++
	}
	return nil
}
func (c *countAcc) result() (any, error) { return c.n, nil }

// distinctAcc feeds each distinct non-NULL value to its inner accumulator once.
type distinctAcc struct {
	inner accumulator
	seen  map[string]bool
}

func (d *distinctAcc) add(v any) error {
	if v == nil {
		return nil
	}
	k := types.Key(v)
	if d.seen[k] {
		return nil
	}
	d.seen[k] = true
	return d.inner.add(v)
}
func (d *distinctAcc) result() (any, error) { return d.inner.result() }

// errSumOverflow is a sum of integers beyond the bigint range, which Cassandra would wrap around.
var errSumOverflow = errors.New("sum overflows bigint")

// sumAcc adds in the result type: doubles as Cassandra adds them (floatSum), varints and decimals
// exactly, and integers exactly, in an int64 while the running total fits and in a big.Int once it
// has not, so that the order of the rows cannot matter: only a total beyond the bigint range is an
// error (errSumOverflow), as it is when the replicas' partial sums are merged.
type sumAcc struct {
	t   types.Type
	any bool
	i   int64
	f   floatSum
	b   *big.Int // the varint sum, or the integer sum once it left the int64 range
	d   *inf.Dec
}

func (s *sumAcc) add(v any) error {
	if v == nil || types.IsEmpty(v) { // Cassandra's sum skips zero-byte values too
		return nil
	}
	s.any = true
	switch s.t.Kind {
	case types.Double:
		s.f.add(toFloat64(v))
	case types.Varint:
		if s.b == nil {
			s.b = new(big.Int)
		}
		s.b.Add(s.b, v.(*big.Int))
	case types.Decimal:
		if s.d == nil {
			s.d = new(inf.Dec)
		}
		s.d.Add(s.d, v.(*inf.Dec))
	default:
		x := v.(int64)
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
	return nil
}

func (s *sumAcc) result() (any, error) {
	if !s.any {
		return nil, nil
	}
	switch s.t.Kind {
	case types.Double:
		return s.f.total(), nil
	case types.Varint:
		return s.b, nil
	case types.Decimal:
		return s.d, nil
	}
	if s.b != nil {
		if !s.b.IsInt64() {
			return nil, errSumOverflow
		}
		return s.b.Int64(), nil
	}
	return s.i, nil
}

// avgAcc is sum / count in the result type; on integers that is integer division truncating toward
// zero, as in Cassandra, of the exact sum (whose mean always fits).
type avgAcc struct {
	sum sumAcc
	n   int64
}

func (a *avgAcc) add(v any) error {
	if v == nil || types.IsEmpty(v) {
		return nil
	}
	a.n++
	return a.sum.add(v)
}

func (a *avgAcc) result() (any, error) {
	if a.n == 0 {
		return nil, nil
	}
	switch {
	case a.sum.t.Kind == types.Double:
		return a.sum.f.mean(a.n), nil
	case a.sum.t.IsInteger() && a.sum.b != nil:
		return new(big.Int).Quo(a.sum.b, big.NewInt(a.n)).Int64(), nil
	}
	sum, err := a.sum.result()
	if err != nil {
		return nil, err
	}
	return expr.Apply("/", a.sum.t, sum, countIn(a.sum.t, a.n))
}

// floatSum adds doubles as Cassandra's sum and avg of float and double do, so that rows summed in
// the order Cassandra reads them (a partition read's) come to the very double Cassandra answers:
// Kahan's compensated summation, ending with sum + compensation; the plain sum when that is NaN
// only because of infinities; and, for avg, an exact sum from the moment a running sum of finite
// values overflows (Cassandra goes on in BigDecimal there).
type floatSum struct {
	sum, comp, plain float64
	exact            *big.Float // the exact sum once finite values overflowed; nil before
	nonFinite        bool       // an infinity or NaN came after the overflow
}

// exactFloatBits holds any sum of up to 2^100 finite doubles exactly (they span 2^-1074 to 2^1024).
const exactFloatBits = 2200

func (f *floatSum) add(x float64) {
	prev := f.sum
	f.plain += x
	y := x - f.comp
	t := f.sum + y
	f.comp = (t - f.sum) - y
	f.sum = t
	finite := !math.IsInf(x, 0) && !math.IsNaN(x)
	switch {
	case f.exact != nil && finite:
		f.exact.Add(f.exact, new(big.Float).SetFloat64(x))
	case f.exact != nil:
		f.nonFinite = true
	case math.IsInf(t, 0) && finite && !math.IsInf(prev, 0) && !math.IsNaN(prev):
		f.exact = new(big.Float).SetPrec(exactFloatBits).SetFloat64(prev)
		f.exact.Add(f.exact, new(big.Float).SetFloat64(x))
	}
}

// total is the sum as Cassandra's sum answers it.
func (f *floatSum) total() float64 {
	if r := f.sum + f.comp; !math.IsNaN(r) || !math.IsInf(f.plain, 0) {
		return r
	}
	return f.plain
}

// mean is the sum over n as Cassandra's avg answers it.
func (f *floatSum) mean(n int64) float64 {
	if f.exact != nil && !f.nonFinite {
		q, _ := new(big.Float).SetPrec(exactFloatBits).Quo(f.exact, new(big.Float).SetInt64(n)).Float64()
		return q
	}
	return f.total() / float64(n)
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

func toFloat64(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	}
	return math.NaN()
}

// extremeAcc keeps the minimum (want -1) or maximum (want 1) value.
type extremeAcc struct {
	t    types.Type
	want int
	best any
}

func (e *extremeAcc) add(v any) error {
	if v != nil && (e.best == nil || types.Compare(e.t, v, e.best)*e.want > 0) {
		e.best = v
	}
	return nil
}
func (e *extremeAcc) result() (any, error) { return e.best, nil }
