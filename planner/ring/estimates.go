package ring

import (
	"math/big"
	"sort"
)

// Estimate is how much data a node estimates one of its token ranges holds (from
// system.table_estimates: partitions, or partitions times their mean size). The range may wrap
// around the ring (Start ≥ End), meaning (Start, Max] and (Min, End].
type Estimate struct {
	Start, End *big.Int
	Weight     float64
}

// Estimates spreads estimated amounts of data over the token ring, so that a scan can weigh its
// ranges by the data they hold rather than by their width. Tokens no estimate covers (a node that
// did not answer, data not yet flushed) count at the mean density of the tokens that are covered.
type Estimates struct {
	spans   []span  // sorted by start, disjoint, never wrapping
	density float64 // weight per token over the covered spans
}

type span struct {
	start, end float64 // (start, end] in tokens, as floats: weights need no exact arithmetic
	weight     float64
}

// NewEstimates builds the estimates of the partitioner p's ring from nodes' reports. Overlapping
// reports (a stale range after a topology change) are clipped so that no token counts twice.
func NewEstimates(p *Partitioner, reports []Estimate) *Estimates {
	var spans []span
	for _, r := range reports {
		if r.Start == nil || r.End == nil || !(r.Weight > 0) {
			continue
		}
		start, end := tokenFloat(r.Start), tokenFloat(r.End)
		parts := r.Weight
		if start < end {
			spans = append(spans, span{start, end, parts})
			continue
		}
		// Unwrap (Start, Max] ∪ (Min, End], sharing the count by width.
		lo, hi := tokenFloat(p.Min), tokenFloat(p.Max)
		upper, lower := hi-start, end-lo
		if upper+lower <= 0 {
			continue
		}
		spans = append(spans, span{start, hi, parts * upper / (upper + lower)},
			span{lo, end, parts * lower / (upper + lower)})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	e := &Estimates{}
	var width, total float64
	for _, s := range spans {
		if n := len(e.spans); n > 0 && s.start < e.spans[n-1].end {
			prev := e.spans[n-1].end
			if s.end <= prev {
				continue
			}
			s.weight *= (s.end - prev) / (s.end - s.start)
			s.start = prev
		}
		if s.end <= s.start {
			continue
		}
		e.spans = append(e.spans, s)
		width += s.end - s.start
		total += s.weight
	}
	if width > 0 {
		e.density = total / width
	}
	return e
}

// Weight estimates how much data the range r holds: each estimate's share by the width of its
// overlap with r, and the uncovered rest of r at the mean density. It is 0 when nothing was
// estimated.
func (e *Estimates) Weight(r Range) float64 {
	if e == nil || r.Start == nil || r.End == nil {
		return 0
	}
	start, end := tokenFloat(r.Start), tokenFloat(r.End)
	if end <= start {
		return 0
	}
	i := sort.Search(len(e.spans), func(i int) bool { return e.spans[i].end > start })
	var sum, covered float64
	for ; i < len(e.spans) && e.spans[i].start < end; i++ {
		s := e.spans[i]
		overlap := min(end, s.end) - max(start, s.start)
		sum += s.weight * overlap / (s.end - s.start)
		covered += overlap
	}
	return sum + e.density*max(0, end-start-covered)
}

// Known reports whether any estimate was recorded.
func (e *Estimates) Known() bool { return e != nil && len(e.spans) > 0 }

func tokenFloat(t *big.Int) float64 {
	f, _ := new(big.Float).SetInt(t).Float64()
	return f
}
