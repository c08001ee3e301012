package ring

import (
	"math/big"
)

// Split divides ranges into about target sub-ranges for parallel scanning. Adjacent ranges with the
// same replicas are merged first (a sub-range must never span two replica sets, or no single replica
// could answer for it); then each merged range gets a share of target proportional to its width, and
// at least one. Sub-ranges keep token order and cover exactly what the input covered.
func Split(ranges []Range, p *Partitioner, target int) []Range {
	merged := mergeAdjacent(ranges)
	if target < len(merged) {
		target = len(merged)
	}
	ringSize := p.Size()
	var out []Range
	for _, r := range merged {
		width := new(big.Int).Sub(r.End, r.Start)
		// pieces = round(target * width / ringSize), at least 1, at most width.
		pieces := new(big.Int).Mul(big.NewInt(int64(target)), width)
		pieces.Add(pieces, new(big.Int).Rsh(ringSize, 1))
		pieces.Quo(pieces, ringSize)
		if pieces.Sign() == 0 {
			pieces.SetInt64(1)
		}
		if pieces.Cmp(width) > 0 {
			pieces.Set(width)
		}
		out = append(out, divide(r, pieces.Int64())...)
	}
	return out
}

// divide cuts r into k pieces of near-equal width.
func divide(r Range, k int64) []Range {
	width := new(big.Int).Sub(r.End, r.Start)
	out := make([]Range, 0, k)
	start := r.Start
	for j := int64(1); j <= k; j++ {
		end := r.End
		if j < k {
			end = new(big.Int).Mul(width, big.NewInt(j))
			end.Quo(end, big.NewInt(k))
			end.Add(end, r.Start)
		}
		out = append(out, Range{Start: start, End: end, Replicas: r.Replicas})
		start = end
	}
	return out
}

// mergeAdjacent joins neighbouring ranges (in token order) whose replica sets are equal.
func mergeAdjacent(ranges []Range) []Range {
	var out []Range
	for _, r := range ranges {
		if n := len(out); n > 0 && out[n-1].End.Cmp(r.Start) == 0 && sameReplicas(out[n-1].Replicas, r.Replicas) {
			out[n-1].End = r.End
			continue
		}
		out = append(out, r)
	}
	return out
}
