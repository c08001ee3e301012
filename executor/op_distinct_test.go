package executor

import (
	"math"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/types"
)

// TestDistinctDropsRepeats: DISTINCT passes each distinct row on once, the first time it is seen.
// Rows are equal when every value is equal as Cassandra compares them: NULL equals NULL here (one
// row), Empty is a value apart from NULL, all NaNs are one value, and -0.0 and 0.0 are two (Java's
// Double.compare, which Cassandra orders doubles by).
func TestDistinctDropsRepeats(t *testing.T) {
	nan, negZero := math.NaN(), math.Copysign(0, -1)
	rows := []Row{
		{int64(1), "x", 1.5},
		{nil, "x", 1.5},
		{int64(1), "x", 1.5},
		{types.Empty{}, "x", 1.5},
		{nil, "x", 1.5},
		{types.Empty{}, "x", 1.5},
		{int64(1), "y", 1.5},
		{int64(1), "x", nan},
		{int64(1), "x", math.NaN()},
		{int64(1), "x", negZero},
		{int64(1), "x", 0.0},
		{int64(1), "x", 0.0},
		{int64(1), nil, nil},
		{int64(1), nil, nil},
	}
	want := pick(rows, 0, 1, 3, 6, 7, 9, 10, 12)
	cols := []planner.ScanColumn{memCol("a", types.Int), memCol("s", types.Text), memCol("d", types.Double)}
	for _, keyOrder := range []bool{false, true} {
		got := mustRun(t, memRows(rows...), &planner.Distinct{Child: memScan(nil, cols...), KeyOrder: keyOrder})
		// One range of one page: its rows reach Distinct in order either way.
		if g, w := showRows(got), showRows(want); g != w {
			t.Errorf("KeyOrder %v: DISTINCT gave\n%s\nwant\n%s", keyOrder, g, w)
		}
	}
}

// TestDistinctKeyOrder: SELECT DISTINCT of the partition key (KeyOrder) gives the keys in token
// order, as Cassandra does and cqlsh shows, even when the first range answers last. Without
// KeyOrder, DISTINCT reads its input as fast as it comes, so its rows are the same but their
// order is not promised.
func TestDistinctKeyOrder(t *testing.T) {
	src, ranges, keys := slowHeadKeys()
	var want []Row
	for _, p := range keys {
		want = append(want, Row{p})
	}
	for _, keyOrder := range []bool{true, false} {
		got := mustRun(t, src, &planner.Distinct{Child: memScan(ranges, memCol("p", types.Int)), KeyOrder: keyOrder})
		g, w := showRows(got), showRows(want)
		if !keyOrder {
			g, w = showSorted(got), showSorted(want)
		}
		if g != w {
			t.Errorf("KeyOrder %v: DISTINCT p gave\n%s\nwant\n%s", keyOrder, g, w)
		}
	}
}

// slowHeadKeys is a table of 40 partitions of two rows each, over four ranges of which the first
// answers last; keys are the partition keys in token order, which is not their numeric order.
func slowHeadKeys() (src *memSource, ranges []ring.Range, keys []int64) {
	src = &memSource{delay: func(lo, hi int64) time.Duration {
		if lo == math.MinInt64 {
			return 80 * time.Millisecond
		}
		return 0
	}}
	for i := int64(0); i < 40; i++ {
		p := 100 - i
		src.rows = append(src.rows, memRow{token: i * 100, vals: Row{p}}, memRow{token: i*100 + 1, vals: Row{p}})
		keys = append(keys, p)
	}
	return src, memRanges(450, 1750, 2950), keys
}
