package ring

import (
	"fmt"
	"math/big"
	"sort"
)

// Subtract returns what of ranges is not covered by done: the parts of a scan still to read when
// done ranges were read before (a resumed checkpoint). Pieces keep their range's replicas and token
// order. done must not overlap itself and must lie within ranges: a done range counted twice, or
// one from outside the scan, would make a resumed answer wrong, so either is an error.
func Subtract(ranges, done []Range) ([]Range, error) {
	d := append([]Range(nil), done...)
	sort.Slice(d, func(i, j int) bool { return d[i].Start.Cmp(d[j].Start) < 0 })
	for i := range d {
		if d[i].Start.Cmp(d[i].End) >= 0 {
			return nil, fmt.Errorf("done range %v is empty or wraps", d[i])
		}
		if i > 0 && d[i].Start.Cmp(d[i-1].End) < 0 {
			return nil, fmt.Errorf("done ranges %v and %v overlap", d[i-1], d[i])
		}
		if !within(d[i], ranges) {
			return nil, fmt.Errorf("done range %v is not part of the scan", d[i])
		}
	}
	var out []Range
	for _, r := range ranges {
		start := r.Start
		for _, c := range d {
			if c.End.Cmp(start) <= 0 || c.Start.Cmp(r.End) >= 0 {
				continue // outside what is left of r
			}
			if c.Start.Cmp(start) > 0 {
				out = append(out, Range{Start: start, End: c.Start, Replicas: r.Replicas})
			}
			start = maxInt(start, c.End)
		}
		if start.Cmp(r.End) < 0 {
			out = append(out, Range{Start: start, End: r.End, Replicas: r.Replicas})
		}
	}
	return out, nil
}

// within reports whether c lies inside the union of ranges.
func within(c Range, ranges []Range) bool {
	rs := append([]Range(nil), ranges...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].Start.Cmp(rs[j].Start) < 0 })
	at := c.Start // everything of c up to at is covered
	for _, r := range rs {
		if r.Start.Cmp(at) <= 0 && r.End.Cmp(at) > 0 {
			at = r.End
		}
		if at.Cmp(c.End) >= 0 {
			return true
		}
	}
	return false
}

func maxInt(a, b *big.Int) *big.Int {
	if a.Cmp(b) >= 0 {
		return a
	}
	return b
}
