package planner

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner/ring"
)

// TestSizeScan: the number of sub-ranges follows the estimated size — a few for a tiny table, one per
// 16 MiB for a huge one, enough to keep every worker busy in between — never fewer than the replica
// runs; coarse when nothing is estimated; --splits wins.
func TestSizeScan(t *testing.T) {
	const MiB = 1 << 20
	cases := []struct {
		name                  string
		bytes                 float64
		known                 bool
		runs, workers, splits int
		want                  int
		why                   string
	}{
		{"tiny table, one replica run", 5e3, true, 1, 16, 0, 1, "estimated 4.9 KiB"},
		{"tiny table, many replica runs", 5e3, true, 48, 16, 0, 48, "one per run"},
		{"1 MiB: 256 KiB pieces for parallelism", 1 * MiB, true, 1, 16, 0, 4, "for each of 16 workers"},
		{"medium: four per worker", 100 * MiB, true, 2, 16, 0, 64, "4 for each of 16 workers"},
		{"medium, more workers", 100 * MiB, true, 2, 64, 0, 256, "4 for each of 64 workers"},
		{"huge: 16 MiB each", 1 << 40, true, 48, 16, 0, 65536, "of at most 16.0 MiB"},
		{"absurd estimate is capped", 1e30, true, 1, 16, 0, 1 << 24, "of at most"},
		{"estimated empty", 0, true, 3, 16, 0, 3, "one per run"},
		{"missing estimates: one per worker", 0, false, 1, 16, 0, 16, "no size estimates"},
		{"missing estimates, more runs than workers", 0, false, 48, 16, 0, 48, "no size estimates"},
		{"default workers", 0, false, 1, 0, 0, DefaultConcurrency, "no size estimates"},
		{"--splits wins", 1 << 40, true, 48, 16, 7, 7, "--splits"},
	}
	for _, c := range cases {
		got := sizeScan(c.bytes, c.known, c.runs, c.workers, c.splits)
		if got.target != c.want || !strings.Contains(got.why, c.why) {
			t.Errorf("%s: %d sub-ranges (%s), want %d (%q)", c.name, got.target, got.why, c.want, c.why)
		}
		if got.target < c.runs && c.splits == 0 {
			t.Errorf("%s: %d sub-ranges for %d replica runs", c.name, got.target, c.runs)
		}
	}
}

// sizedCatalog is the test catalog with size estimates: est, or an error.
type sizedCatalog struct {
	fakeCatalog
	est *ring.Estimates
	err error
}

func (c sizedCatalog) Estimates(context.Context, *ring.Partitioner, string, string) (*ring.Estimates, error) {
	return c.est, c.err
}

// TestPlansSizedFromEstimates: a plan's sub-ranges follow the catalog's estimates (a token-restricted
// scan gets the share of its part), a failed read of them starts coarse, and --splits still wins.
func TestPlansSizedFromEstimates(t *testing.T) {
	base := catalog(t)
	whole := []ring.Estimate{{Start: ring.Murmur3.Min, End: ring.Murmur3.Max, Weight: 1 << 30}} // 1 GiB
	subRanges := func(cat Catalog, q string, opt Options) int {
		t.Helper()
		st, err := parser.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		opt.Keyspace = "bam"
		n, err := Plan(context.Background(), st.(*parser.Select), cat, opt)
		if err != nil {
			t.Fatal(err)
		}
		for ; n != nil; n = firstChild(n) {
			switch x := n.(type) {
			case *RangeAggregate:
				return len(x.Ranges)
			case *RangeScan:
				return len(x.Ranges)
			}
		}
		t.Fatalf("%s: no range scan in the plan", q)
		return 0
	}
	gib := sizedCatalog{fakeCatalog: base, est: ring.NewEstimates(ring.Murmur3, whole)}
	tiny := sizedCatalog{fakeCatalog: base, est: ring.NewEstimates(ring.Murmur3, []ring.Estimate{{Start: ring.Murmur3.Min, End: ring.Murmur3.Max, Weight: 4096}})}
	broken := sizedCatalog{fakeCatalog: base, err: errors.New("no host answered")}
	runs := ring.Runs(mustRanges(t, base))
	for _, c := range []struct {
		name string
		cat  Catalog
		q    string
		opt  Options
		want int
	}{
		{"1 GiB: 16 MiB each", gib, "SELECT count(*) FROM events", Options{Concurrency: 4}, 64},
		{"1 GiB, half the ring", gib, "SELECT count(*) FROM events WHERE token(server, hour) > 0", Options{Concurrency: 4}, 32},
		{"tiny: one per replica run", tiny, "SELECT * FROM events", Options{}, runs},
		{"no estimates: one per worker", broken, "SELECT * FROM events", Options{Concurrency: 24}, 24},
		{"--splits wins", gib, "SELECT count(*) FROM events", Options{Splits: 30}, 30},
		{"no Sizer: 256 per node", base, "SELECT count(*) FROM events", Options{}, 3 * DefaultSplitsPerHost},
	} {
		if got := subRanges(c.cat, c.q, c.opt); got != c.want {
			t.Errorf("%s: %d sub-ranges, want %d", c.name, got, c.want)
		}
	}
}

func mustRanges(t *testing.T, c fakeCatalog) []ring.Range {
	rs, err := c.r.Ranges(events.Replication)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// firstChild is a node's first input, nil for a leaf.
func firstChild(n Node) Node {
	if cs := n.Children(); len(cs) > 0 {
		return cs[0]
	}
	return nil
}
