package ring

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// benchReplication is SimpleStrategy with two replicas: on three hosts, neighbouring ranges have
// different replica sets often enough that splitting works on many ranges (with three replicas every
// range has all three hosts and they merge into one).
var benchReplication = Replication{Strategy: SimpleStrategy, Class: "SimpleStrategy", Factor: 2}

// vnodeRing builds a Murmur3 ring of three hosts with vnodes random tokens each, as Cassandra
// allocates them without allocate_tokens_for_local_replication_factor.
func vnodeRing(tb testing.TB, vnodes int) *Ring {
	tb.Helper()
	r := rand.New(rand.NewPCG(uint64(vnodes), 3))
	hosts := make([]Host, 3)
	for i := range hosts {
		hosts[i] = Host{ID: fmt.Sprintf("host-%d", i), Addr: fmt.Sprintf("10.0.0.%d", i+1), DC: "dc1", Rack: "rack1"}
		for range vnodes {
			hosts[i].Tokens = append(hosts[i].Tokens, big.NewInt(int64(r.Uint64())))
		}
	}
	ring, err := New(Murmur3, hosts)
	if err != nil {
		tb.Fatal(err)
	}
	return ring
}

// coverFault says why ranges do not cover (Min, Max] exactly once in token order, or "" if they do.
func coverFault(p *Partitioner, ranges []Range) string {
	if len(ranges) == 0 {
		return "no ranges"
	}
	if ranges[0].Start.Cmp(p.Min) != 0 {
		return fmt.Sprintf("the first range %v does not start at Min", ranges[0])
	}
	for i, r := range ranges {
		if r.Start.Cmp(r.End) >= 0 {
			return fmt.Sprintf("range %d %v is empty or inverted", i, r)
		}
		if i > 0 && ranges[i-1].End.Cmp(r.Start) != 0 {
			return fmt.Sprintf("gap or overlap between %v and %v", ranges[i-1], r)
		}
		if len(r.Replicas) != benchReplication.Factor {
			return fmt.Sprintf("range %v has replicas %v", r, r.Replicas)
		}
	}
	if last := ranges[len(ranges)-1]; last.End.Cmp(p.Max) != 0 {
		return fmt.Sprintf("the last range %v does not end at Max", last)
	}
	return ""
}

// BenchmarkRanges measures computing the replicas of every range of a ring of three hosts with 16
// and 256 vnodes each (SimpleStrategy, two replicas).
func BenchmarkRanges(b *testing.B) {
	for _, vnodes := range []int{16, 256} {
		b.Run(fmt.Sprintf("vnodes=%d", vnodes), func(b *testing.B) {
			r := vnodeRing(b, vnodes)
			ranges, err := r.Ranges(benchReplication)
			if err != nil {
				b.Fatal(err)
			}
			if fault := coverFault(r.Partitioner, ranges); fault != "" {
				b.Fatal(fault)
			}
			// One range per token, and the wrap-around range cut in two at Min.
			if want := 3*vnodes + 1; len(ranges) != want {
				b.Fatalf("%d ranges, want %d", len(ranges), want)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.Ranges(benchReplication); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSplit measures splitting the ranges of a ring of three hosts with 16 and 256 vnodes each
// into 768 (the default for three hosts) and 10,000 sub-ranges.
func BenchmarkSplit(b *testing.B) {
	for _, vnodes := range []int{16, 256} {
		for _, target := range []int{768, 10_000} {
			b.Run(fmt.Sprintf("vnodes=%d/target=%d", vnodes, target), func(b *testing.B) {
				r := vnodeRing(b, vnodes)
				ranges, err := r.Ranges(benchReplication)
				if err != nil {
					b.Fatal(err)
				}
				subs := Split(ranges, r.Partitioner, target)
				if fault := coverFault(r.Partitioner, subs); fault != "" {
					b.Fatal(fault)
				}
				if want := max(target, len(mergeAdjacent(ranges))); len(subs) != want {
					b.Fatalf("%d sub-ranges, want %d", len(subs), want)
				}
				b.ReportAllocs()
				for b.Loop() {
					Split(ranges, r.Partitioner, target)
				}
				b.ReportMetric(float64(len(subs)), "sub-ranges")
			})
		}
	}
}

// BenchmarkEstimatesWeight measures weighing the 768 sub-ranges of a ring of three hosts with 256
// vnodes each by the size estimates of its 768 ring ranges.
func BenchmarkEstimatesWeight(b *testing.B) {
	r := vnodeRing(b, 256)
	ranges, err := r.Ranges(benchReplication)
	if err != nil {
		b.Fatal(err)
	}
	// Each node reports its primary ranges; the first token's range is reported whole, wrapping.
	rnd := rand.New(rand.NewPCG(4, 5))
	var reports []Estimate
	var total float64
	for i, rg := range ranges {
		switch i {
		case 0:
			continue // (Min, first] is the lower half of the wrapping report below
		case len(ranges) - 1:
			rg.End = ranges[0].End
		}
		w := float64(1+rnd.IntN(1_000_000)) * 512
		reports = append(reports, Estimate{Start: rg.Start, End: rg.End, Weight: w})
		total += w
	}
	est := NewEstimates(r.Partitioner, reports)
	subs := Split(ranges, r.Partitioner, 768)
	if len(subs) != 768 || len(reports) != 768 {
		b.Fatalf("%d sub-ranges and %d reports, want 768 of each", len(subs), len(reports))
	}
	weigh := func() float64 {
		var sum float64
		for _, s := range subs {
			sum += est.Weight(s)
		}
		return sum
	}
	if sum := weigh(); math.Abs(sum-total) > 1e-6*total {
		b.Fatalf("the sub-ranges weigh %v together, the estimates %v", sum, total)
	}
	b.ReportAllocs()
	for b.Loop() {
		weigh()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(subs)), "ns/range")
}
