package agg

import (
	"math"
	"math/big"
)

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
	finite := isFinite(x)
	switch {
	case f.exact != nil && finite:
		f.exact.Add(f.exact, new(big.Float).SetFloat64(x))
	case f.exact != nil:
		f.nonFinite = true
	case math.IsInf(t, 0) && finite && isFinite(prev):
		f.exact = new(big.Float).SetPrec(exactFloatBits).SetFloat64(prev)
		f.exact.Add(f.exact, new(big.Float).SetFloat64(x))
	}
}

// merge folds the sum g of other rows into f: g's sum and compensation are added as two values
// (so a partial with no compensation, as the replicas return, is one value), the plain sums add,
// and the exact sums, once either has one, add exactly.
func (f *floatSum) merge(g *floatSum) {
	plain := f.plain + g.plain
	var exact *big.Float
	nonFinite := f.nonFinite || g.nonFinite
	if f.exact != nil || g.exact != nil {
		exact = new(big.Float).SetPrec(exactFloatBits)
		fin := f.exactOf(exact)
		fin = g.exactOf(exact) && fin
		nonFinite = nonFinite || !fin
	}
	f.add(g.sum)
	if g.comp != 0 {
		f.add(g.comp)
	}
	f.plain = plain
	if exact != nil {
		f.exact, f.nonFinite = exact, nonFinite
	}
}

// exactOf adds f's exact sum (or, before any overflow, its compensated sum) to into, and reports
// whether that was finite.
func (f *floatSum) exactOf(into *big.Float) bool {
	switch {
	case f.exact != nil:
		into.Add(into, f.exact)
	case isFinite(f.sum) && isFinite(f.comp):
		into.Add(into, new(big.Float).SetFloat64(f.sum))
		into.Add(into, new(big.Float).SetFloat64(f.comp))
	default:
		return false
	}
	return true
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

func isFinite(x float64) bool { return !math.IsInf(x, 0) && !math.IsNaN(x) }
