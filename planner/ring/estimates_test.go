package ring

import (
	"math"
	"math/big"
	"testing"
)

func rng(a, b int64) Range { return Range{Start: big.NewInt(a), End: big.NewInt(b)} }

func TestEstimatesWeight(t *testing.T) {
	lo, hi := Murmur3.Min.Int64(), Murmur3.Max.Int64()
	cases := []struct {
		name    string
		reports []Estimate
		r       Range
		want    float64
	}{
		{"whole estimate", []Estimate{est(0, 1000, 500)}, rng(0, 1000), 500},
		{"half an estimate by width", []Estimate{est(0, 1000, 500)}, rng(0, 500), 250},
		{"across two estimates", []Estimate{est(0, 1000, 100), est(1000, 2000, 900)}, rng(500, 1500), 50 + 450},
		// Dense and sparse halves: the same width weighs 9 times more where the data is.
		{"skew follows the data", []Estimate{est(0, 1000, 100), est(1000, 2000, 900)}, rng(1000, 2000), 900},
		// Uncovered tokens count at the mean density: a weight of 1000 over 2000 tokens.
		{"gap at mean density", []Estimate{est(0, 1000, 100), est(2000, 3000, 900)}, rng(1000, 2000), 500},
		{"outside everything at mean density", []Estimate{est(0, 1000, 100)}, rng(5000, 6000), 100},
		// A wrapping report (the ring's last range) is shared by width between its two ends. Widths
		// are far above a float64's spacing near ±2^63 (1,024 tokens).
		{"wrapping report, upper end", []Estimate{est(hi-1<<40, lo+3<<40, 400)}, rng(hi-1<<40, hi), 100},
		{"wrapping report, lower end", []Estimate{est(hi-1<<40, lo+3<<40, 400)}, rng(lo, lo+3<<40), 300},
		// The same range reported twice (a stale report) counts once.
		{"duplicate report", []Estimate{est(0, 1000, 500), est(0, 1000, 500)}, rng(0, 1000), 500},
		{"overlapping report clipped", []Estimate{est(0, 1000, 500), est(500, 1500, 1000)}, rng(0, 1500), 1000},
		{"empty and zero reports ignored", []Estimate{est(0, 1000, 0), {}}, rng(0, 1000), 0},
		{"empty range", []Estimate{est(0, 1000, 500)}, rng(10, 10), 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := NewEstimates(Murmur3, c.reports).Weight(c.r)
			if math.Abs(got-c.want) > 1e-6*max(1, c.want) {
				t.Errorf("Weight%v = %v, want %v", c.r, got, c.want)
			}
		})
	}
}

func est(a, b, n int64) Estimate {
	return Estimate{Start: big.NewInt(a), End: big.NewInt(b), Weight: float64(n)}
}

// The split sub-ranges of a ring weigh what the whole ring does, however many there are: the
// weights of a scan's reads add up to the estimate of all it reads.
func TestEstimatesAddUpOverSplits(t *testing.T) {
	e := NewEstimates(Murmur3, []Estimate{
		est(-1<<62, 0, 3000), est(0, 1<<62, 1000), est(1<<62, -1<<62, 6000), // the last one wraps
	})
	whole := e.Weight(Range{Start: Murmur3.Min, End: Murmur3.Max})
	if math.Abs(whole-10000) > 1e-6*10000 {
		t.Fatalf("whole ring = %v, want 10000", whole)
	}
	for _, n := range []int{1, 7, 256, 1000} {
		var sum float64
		for _, r := range Split([]Range{{Start: Murmur3.Min, End: Murmur3.Max}}, Murmur3, n) {
			sum += e.Weight(r)
		}
		if math.Abs(sum-whole) > 1e-6*whole {
			t.Errorf("%d splits add up to %v, want %v", n, sum, whole)
		}
	}
	if (*Estimates)(nil).Known() || NewEstimates(Murmur3, nil).Known() || !e.Known() {
		t.Error("Known is wrong")
	}
}
