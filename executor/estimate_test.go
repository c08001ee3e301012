package executor

import (
	"context"
	"math"
	"math/big"
	"math/rand"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/planner/ring"
)

// The estimated data read adds up to that planned when the run ends, whether the estimates
// arrived before the run or after it, and however many ranges were split on the way; half-way they
// are the share of the data read, not of the ranges.
func TestEstimatedProgress(t *testing.T) {
	// Nine tenths of the estimated data lies in the ring's upper half.
	est := ring.NewEstimates(ring.Murmur3, []ring.Estimate{
		{Start: ring.Murmur3.Min, End: big.NewInt(0), Weight: 100},
		{Start: big.NewInt(0), End: ring.Murmur3.Max, Weight: 900},
	})
	for _, late := range []bool{false, true} {
		f := &flakyTable{rng: rand.New(rand.NewSource(2)), pFail: 0.2, wideRows: 40}
		stats := &Stats{}
		if d, tot := stats.Estimated(); d != 0 || tot != 0 {
			t.Fatalf("no estimates yet: Estimated() = %v, %v; want 0, 0", d, tot)
		}
		if !late {
			stats.SetEstimates(est)
		}
		opt := Options{Concurrency: 4, PerHost: 2, MaxRetries: 40, RetryBase: time.Microsecond, FetchSize: 7, Stats: stats}
		it, err := New(f, opt).Build(countPlan(t, threeHosts(), 2, 16))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Drain(context.Background(), it); err != nil {
			t.Fatal(err)
		}
		if stats.Splits() == 0 {
			t.Fatalf("late=%v: no range was split; the test needs some", late)
		}
		if late {
			stats.SetEstimates(est)
		}
		done, total := stats.Estimated()
		if math.Abs(total-1000) > 1e-3 || math.Abs(done-total) > 1e-3 {
			t.Errorf("late=%v: Estimated() = %v of %v, want 1000 of 1000", late, done, total)
		}
	}

	// Half-way by ranges is a tenth of the way by data when the lower half is read first.
	s := &Stats{}
	s.SetEstimates(est)
	lower := ring.Range{Start: ring.Murmur3.Min, End: big.NewInt(0)}
	upper := ring.Range{Start: big.NewInt(0), End: ring.Murmur3.Max}
	s.addPlanned([]ring.Range{lower, upper, {}}) // the zero range is a partition read
	s.readDone(ReadTiming{Range: lower})
	s.readDone(ReadTiming{})
	if done, total := s.Estimated(); math.Abs(done-100) > 1e-3 || math.Abs(total-1000) > 1e-3 {
		t.Errorf("Estimated() = %v of %v, want 100 of 1000", done, total)
	}
	if s.RangesDone.Load() != 2 || s.RangesTotal.Load() != 3 {
		t.Errorf("ranges %d of %d, want 2 of 3", s.RangesDone.Load(), s.RangesTotal.Load())
	}
	// Estimates that know nothing leave progress in ranges.
	s2 := &Stats{}
	s2.SetEstimates(ring.NewEstimates(ring.Murmur3, nil))
	s2.addPlanned([]ring.Range{lower})
	if _, total := s2.Estimated(); total != 0 {
		t.Errorf("empty estimates: total %v, want 0", total)
	}
}
