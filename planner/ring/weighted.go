package ring

import (
	"math/big"
	"sort"
)

// Runs is the number of runs of adjacent ranges with the same replicas: the fewest sub-ranges a
// scan of ranges can have, since no sub-range may span two replica sets.
func Runs(ranges []Range) int { return len(mergeAdjacent(ranges)) }

// SplitWeighted is Split with the pieces given out by weight (an estimate of the data in a range)
// instead of width: each run of ranges with the same replicas gets one piece plus its share of the
// rest by weight, and is cut where its weight, not its width, reaches each equal share. Where weight
// says nothing (every range weighs 0), it is Split.
func SplitWeighted(ranges []Range, p *Partitioner, target int, weight func(Range) float64) []Range {
	merged := mergeAdjacent(ranges)
	weights := make([]float64, len(merged))
	var total float64
	for i, r := range merged {
		weights[i] = weight(r)
		total += weights[i]
	}
	if !(total > 0) {
		return Split(ranges, p, target)
	}
	pieces := allocateWeighted(weights, max(target-len(merged), 0))
	var out []Range
	for i, r := range merged {
		if width := new(big.Int).Sub(r.End, r.Start); width.IsInt64() && pieces[i] > width.Int64() {
			pieces[i] = width.Int64()
		}
		out = append(out, divideWeighted(r, pieces[i], weights[i], weight)...)
	}
	return out
}

// allocateWeighted gives each of the ranges 1 piece plus its share of extra by weight, largest
// remainders first.
func allocateWeighted(weights []float64, extra int) []int64 {
	var total float64
	for _, w := range weights {
		total += w
	}
	pieces := make([]int64, len(weights))
	rems := make([]float64, len(weights))
	given := 0
	for i, w := range weights {
		share := float64(extra) * w / total
		pieces[i] = 1 + int64(share)
		rems[i] = share - float64(int64(share))
		given += int(share)
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rems[order[a]] > rems[order[b]] })
	for k := 0; given < extra; k = (k + 1) % len(order) {
		pieces[order[k]]++
		given++
	}
	return pieces
}

// divideWeighted cuts r into k pieces of near-equal weight: each cut is the token where the weight
// from r's start reaches the next share, found by bisection. Pieces are never empty.
func divideWeighted(r Range, k int64, total float64, weight func(Range) float64) []Range {
	if k <= 1 || !(total > 0) {
		return divide(r, k)
	}
	out := make([]Range, 0, k)
	start := r.Start
	for j := int64(1); j < k; j++ {
		goal := total * float64(j) / float64(k)
		lo, hi := new(big.Int).Set(start), new(big.Int).Set(r.End) // the cut is in (lo, hi]
		for new(big.Int).Sub(hi, lo).Cmp(big.NewInt(1)) > 0 {
			mid := new(big.Int).Add(lo, hi)
			mid.Rsh(mid, 1)
			if weight(Range{Start: r.Start, End: mid}) < goal {
				lo = mid
			} else {
				hi = mid
			}
		}
		if hi.Cmp(r.End) >= 0 { // what is left weighs too little to cut again
			break
		}
		out = append(out, Range{Start: start, End: hi, Replicas: r.Replicas})
		start = hi
	}
	return append(out, Range{Start: start, End: r.End, Replicas: r.Replicas})
}
