package executor

import (
	"runtime"
	"testing"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/types"
)

// TestLimit: LIMIT n gives the first n rows in the order they come (token order, for a scan whose
// order shows), all of them when there are fewer; a limit of 0, which the parser refuses but a plan
// may hold, gives none and starts no read at all.
func TestLimit(t *testing.T) {
	src := &memSource{}
	for i := int64(0); i < 5; i++ {
		src.rows = append(src.rows, memRow{token: 100 * i, vals: Row{10 - i}})
	}
	ranges := memRanges(50, 150, 250)
	cases := []struct {
		n    int64
		want []Row
	}{
		{3, []Row{{int64(10)}, {int64(9)}, {int64(8)}}},
		{5, []Row{{int64(10)}, {int64(9)}, {int64(8)}, {int64(7)}, {int64(6)}}},
		{10, []Row{{int64(10)}, {int64(9)}, {int64(8)}, {int64(7)}, {int64(6)}}},
		{1, []Row{{int64(10)}}},
		{0, nil},
	}
	for _, c := range cases {
		before := src.calls.Load()
		got := mustRun(t, src, &planner.Limit{Child: memScan(ranges, memCol("v", types.BigInt)), N: c.n})
		if g, w := showRows(got), showRows(c.want); g != w {
			t.Errorf("LIMIT %d gave\n%s\nwant\n%s", c.n, g, w)
		}
		if calls := src.calls.Load() - before; c.n == 0 && calls != 0 {
			t.Errorf("LIMIT 0 made %d range queries", calls)
		}
	}
}

// TestPartitionLimit: PER PARTITION LIMIT n, applied on the client after a WHERE, keeps the first n
// rows of each partition, told apart by the whole partition key, however the partitions' rows
// interleave.
func TestPartitionLimit(t *testing.T) {
	rows := []Row{
		{int64(1), "a", int64(1)}, // 0
		{int64(1), "a", int64(2)}, // 1
		{int64(2), "a", int64(1)}, // 2
		{int64(1), "a", int64(3)}, // 3
		{int64(1), "b", int64(1)}, // 4
		{int64(2), "a", int64(2)}, // 5
		{int64(2), "a", int64(3)}, // 6
		{int64(3), "a", int64(1)}, // 7
		{int64(1), "b", int64(2)}, // 8
	}
	cols := []planner.ScanColumn{memCol("p", types.Int), memCol("q", types.Text), memCol("c", types.Int)}
	cases := []struct {
		n    int64
		keys []int
		keep []int
	}{
		{2, []int{0}, []int{0, 1, 2, 5, 7}},
		{1, []int{0}, []int{0, 2, 7}},
		{1, []int{0, 1}, []int{0, 2, 4, 7}},
		{2, []int{0, 1}, []int{0, 1, 2, 4, 5, 7, 8}},
		{3, []int{1}, []int{0, 1, 2, 4, 8}},
		{100, []int{0}, []int{0, 1, 2, 3, 4, 5, 6, 7, 8}},
	}
	for _, c := range cases {
		got := mustRun(t, memRows(rows...), &planner.PartitionLimit{Child: memScan(nil, cols...), N: c.n, Keys: c.keys})
		if g, w := showRows(got), showRows(pick(rows, c.keep...)); g != w {
			t.Errorf("PER PARTITION LIMIT %d by %v gave\n%s\nwant\n%s", c.n, c.keys, g, w)
		}
	}
}

// TestLimitZeroLeavesNothingRunning: a LIMIT 0 over a scan that would never answer returns at once
// and leaves no goroutine behind.
func TestLimitZeroLeavesNothingRunning(t *testing.T) {
	before := runtime.NumGoroutine()
	src := holding(memRows(Row{int64(1)}))
	got := mustRun(t, src, &planner.Limit{Child: memScan(memRanges(0), memCol("v", types.BigInt)), N: 0})
	if len(got) != 0 || src.calls.Load() != 0 {
		t.Errorf("LIMIT 0: %d rows, %d range queries", len(got), src.calls.Load())
	}
	waitGoroutines(t, before)
}
