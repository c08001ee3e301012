package executor

import (
	"context"
	"math/rand"
	"runtime"
	"slices"
	"testing"
	"time"
)

// TestSizeSplitsReadEveryRowOnce is the property test of splitting for size: a scan cut into a few
// sub-ranges, each holding many pages, on more workers than sub-ranges, halves reads as idle workers
// appear — with a fifth of all requests failing — and still reads every row exactly once; in token
// order when the order shows. A scan with a LIMIT per range is never split for size.
func TestSizeSplitsReadEveryRowOnce(t *testing.T) {
	before := runtime.NumGoroutine()
	for seed := int64(1); seed <= 8; seed++ {
		f := &flakyTable{rng: rand.New(rand.NewSource(seed)), pFail: 0.2}
		stats := &Stats{}
		opt := Options{Concurrency: 8, PerHost: 4, MaxRetries: 40, RetryBase: time.Microsecond, FetchSize: 5, Stats: stats}
		it, err := New(f, opt).Build(scanPlan(t, threeHosts(), 2, 1+int(seed%3)))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := Drain(context.Background(), it)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		everyRowOnce(t, seed, rows)
		if len(rows) != 2001 || stats.SizeSplits() == 0 {
			t.Fatalf("seed %d: %d rows with %d size splits; want 2001 rows and some splits", seed, len(rows), stats.SizeSplits())
		}
	}

	for _, splits := range []int{1, 3} {
		f := &tokenTable{delay: randomDelay(int64(splits), time.Millisecond)}
		stats := &Stats{}
		it, err := New(f, Options{Concurrency: 8, PerHost: 4, FetchSize: 9, Stats: stats}).Build(denseScan(1, splits))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := Drain(context.Background(), it)
		if err != nil {
			t.Fatal(err)
		}
		if got := tokensOf(t, rows); !slices.Equal(got, allTokens()) || stats.SizeSplits() == 0 {
			t.Fatalf("%d sub-ranges: %d rows (token order: %v) with %d size splits; want all 2001 in order, split",
				splits, len(got), slices.Equal(got, allTokens()), stats.SizeSplits())
		}
	}

	limited := scanPlan(t, threeHosts(), 2, 1)
	limited.Limit = 50
	stats := &Stats{}
	it, err := New(&flakyTable{rng: rand.New(rand.NewSource(1))}, Options{Concurrency: 8, FetchSize: 5, Stats: stats}).Build(limited)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Drain(context.Background(), it); err != nil || stats.SizeSplits() != 0 {
		t.Errorf("a scan with a LIMIT per range: %v, %d size splits; want none", err, stats.SizeSplits())
	}
	waitGoroutines(t, before)
}
