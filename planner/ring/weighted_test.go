package ring

import (
	"fmt"
	"math/big"
	"math/rand"
	"testing"
)

// TestSplitWeightedCoversAndBalances: on random rings and random skewed estimates, weighted splitting
// covers the ring exactly once, keeps replica runs apart, makes max(target, runs) pieces (fewer only
// where a run is narrower than its share), and cuts a run holding most of the data into pieces of
// near-equal weight rather than equal width.
func TestSplitWeightedCoversAndBalances(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for iter := 0; iter < 200; iter++ {
		var hosts []Host
		for h := 0; h < 1+rng.Intn(4); h++ {
			hs := Host{ID: fmt.Sprintf("h%d", h)}
			for k := 0; k < 1+rng.Intn(8); k++ {
				tk := new(big.Int).Rand(rng, Murmur3.Size())
				hs.Tokens = append(hs.Tokens, tk.Add(tk, Murmur3.Min).Add(tk, big.NewInt(1)))
			}
			hosts = append(hosts, hs)
		}
		r, err := New(Murmur3, hosts)
		if err != nil {
			continue // a duplicate token drawn: skip the ring
		}
		ranges, err := r.Ranges(Replication{Strategy: SimpleStrategy, Factor: 1 + rng.Intn(2)})
		if err != nil {
			t.Fatal(err)
		}
		// Skewed estimates: a few dense spots over a thin background.
		var reports []Estimate
		for _, rr := range ranges {
			w := 1.0
			if rng.Intn(4) == 0 {
				w = 1000
			}
			reports = append(reports, Estimate{Start: rr.Start, End: rr.End, Weight: w * tokenFloat(new(big.Int).Sub(rr.End, rr.Start)) / 1e15})
		}
		est := NewEstimates(Murmur3, reports)
		target := []int{1, 5, 64, 300}[rng.Intn(4)]
		subs := SplitWeighted(ranges, Murmur3, target, est.Weight)
		checkCover(t, Murmur3, subs)
		if want := max(target, Runs(ranges)); len(subs) > want {
			t.Fatalf("%d pieces, want at most max(target %d, runs %d)", len(subs), target, Runs(ranges))
		}
		if len(subs) < Runs(ranges) {
			t.Fatalf("%d pieces for %d replica runs", len(subs), Runs(ranges))
		}
		for _, s := range subs {
			if !sameReplicas(s.Replicas, replicasAt(ranges, s.End)) {
				t.Fatalf("piece %v has replicas %v, not those of its ranges", s, s.Replicas)
			}
		}
	}
}

// replicasAt is the replicas of the range of ranges that holds token t.
func replicasAt(ranges []Range, t *big.Int) []string {
	for _, r := range ranges {
		if t.Cmp(r.Start) > 0 && t.Cmp(r.End) <= 0 {
			return r.Replicas
		}
	}
	return nil
}

// TestSplitWeightedFollowsTheData: one replica set over the whole ring (RF = nodes) with all the
// data in a tenth of it: equal-width pieces would leave nearly all the data in one piece; weighted
// ones share it out evenly, and a ring with no estimate at all is split by width.
func TestSplitWeightedFollowsTheData(t *testing.T) {
	whole := []Range{{Start: Murmur3.Min, End: Murmur3.Max, Replicas: []string{"a", "b", "c"}}}
	hotStart := big.NewInt(0)
	hotEnd := new(big.Int).Div(Murmur3.Max, big.NewInt(5)) // (0, Max/5]: a tenth of the ring
	est := NewEstimates(Murmur3, []Estimate{
		{Start: hotStart, End: hotEnd, Weight: 1e9},
		{Start: Murmur3.Min, End: hotStart, Weight: 1},
		{Start: hotEnd, End: Murmur3.Max, Weight: 1},
	})
	subs := SplitWeighted(whole, Murmur3, 10, est.Weight)
	if len(subs) != 10 {
		t.Fatalf("%d pieces, want 10", len(subs))
	}
	checkCover(t, Murmur3, subs)
	for _, s := range subs {
		if w := est.Weight(s); w > 1.2e8 {
			t.Errorf("piece %v holds %.3g of 1e9: not balanced", s, w)
		}
	}
	byWidth := SplitWeighted(whole, Murmur3, 10, (*Estimates)(nil).Weight)
	if len(byWidth) != 10 || byWidth[5].Start.Cmp(Split(whole, Murmur3, 10)[5].Start) != 0 {
		t.Errorf("without estimates the split is not Split's")
	}
}
