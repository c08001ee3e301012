package ring

import (
	"math/big"
	"sort"
)

// Split divides ranges into max(target, m) sub-ranges for parallel scanning, where m is the number
// of ranges left after adjacent ranges with the same replicas are merged (a sub-range must never span
// two replica sets, or no single replica could answer for it). Each merged range keeps one sub-range
// and gets a share of the rest proportional to its width (largest remainders first). Sub-ranges keep
// token order and cover exactly what the input covered.
func Split(ranges []Range, p *Partitioner, target int) []Range {
	merged := mergeAdjacent(ranges)
	pieces := allocate(merged, p, target)
	var out []Range
	for i, r := range merged {
		out = append(out, divide(r, pieces[i])...)
	}
	return out
}

// allocate gives each range 1 piece plus its proportional share of target-len(ranges) extra pieces,
// never more pieces than the range has tokens.
func allocate(ranges []Range, p *Partitioner, target int) []int64 {
	extra := int64(target - len(ranges))
	if extra < 0 {
		extra = 0
	}
	ringSize := p.Size()
	pieces := make([]int64, len(ranges))
	rems := make([]*big.Int, len(ranges))
	var given int64
	for i, r := range ranges {
		width := new(big.Int).Sub(r.End, r.Start)
		share, rem := new(big.Int).QuoRem(new(big.Int).Mul(big.NewInt(extra), width), ringSize, new(big.Int))
		pieces[i] = 1 + share.Int64()
		rems[i] = rem
		given += share.Int64()
	}
	order := make([]int, len(ranges))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rems[order[a]].Cmp(rems[order[b]]) > 0 })
	for k := 0; given < extra && len(order) > 0; k = (k + 1) % len(order) {
		pieces[order[k]]++
		given++
	}
	for i, r := range ranges {
		if width := new(big.Int).Sub(r.End, r.Start); width.IsInt64() && pieces[i] > width.Int64() {
			pieces[i] = width.Int64()
		}
	}
	return pieces
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
