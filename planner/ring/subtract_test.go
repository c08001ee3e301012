package ring

import (
	"math/big"
	"math/rand"
	"sort"
	"testing"
)

// TestSubtractPartitionsTheScan: for random splits of the ring and random subsets marked done, what
// Subtract leaves plus what was done covers the ring exactly once, and pieces keep their replicas.
func TestSubtractPartitionsTheScan(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	p := Murmur3
	base := []Range{{Start: p.Min, End: tok(-100), Replicas: []string{"a"}},
		{Start: tok(-100), End: tok(5000), Replicas: []string{"b"}},
		{Start: tok(5000), End: p.Max, Replicas: []string{"c"}}}
	for iter := 0; iter < 200; iter++ {
		subs := Split(base, p, 1+rng.Intn(40))
		// Done pieces: some sub-ranges, some halved again (as adaptive splitting does).
		var done []Range
		for _, s := range subs {
			switch rng.Intn(3) {
			case 0:
				done = append(done, s)
			case 1:
				if h := Split([]Range{s}, p, 2); len(h) == 2 {
					done = append(done, h[rng.Intn(2)])
				}
			}
		}
		left, err := Subtract(subs, done)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range left {
			owner := -1
			for i, b := range base {
				if b.Start.Cmp(l.Start) <= 0 && l.End.Cmp(b.End) <= 0 {
					owner = i
				}
			}
			if owner < 0 || l.Replicas[0] != base[owner].Replicas[0] {
				t.Fatalf("piece %v escapes its range or lost its replicas %v", l, l.Replicas)
			}
		}
		all := append(append([]Range(nil), left...), done...)
		for i := range all {
			all[i].Replicas = []string{"x"}
		}
		sort.Slice(all, func(i, j int) bool { return all[i].Start.Cmp(all[j].Start) < 0 })
		checkCover(t, p, all)
	}
}

func TestSubtractRejectsBadDoneLists(t *testing.T) {
	p := Murmur3
	scan := []Range{{Start: tok(0), End: tok(100), Replicas: []string{"a"}}}
	for name, done := range map[string][]Range{
		"overlap":      {{Start: tok(0), End: tok(50)}, {Start: tok(40), End: tok(60)}},
		"outside":      {{Start: tok(90), End: tok(120)}},
		"empty":        {{Start: tok(10), End: tok(10)}},
		"other ring":   {{Start: p.Min, End: tok(-5)}},
		"bridges hole": {{Start: tok(-1), End: tok(1)}},
	} {
		if _, err := Subtract(scan, done); err == nil {
			t.Errorf("%s: accepted %v", name, done)
		}
	}
	left, err := Subtract(scan, []Range{{Start: tok(10), End: tok(20)}, {Start: tok(20), End: tok(30)}})
	if err != nil || len(left) != 2 || left[0].End.Cmp(tok(10)) != 0 || left[1].Start.Cmp(big.NewInt(30)) != 0 {
		t.Errorf("Subtract = %v, %v", left, err)
	}
}
