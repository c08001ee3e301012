package planner

import (
	"context"
	"fmt"
	"math"

	"github.com/cqlscan/cqlscan/planner/ring"
)

// Sizer is a Catalog that can say how much data a table holds, from the size estimates each node
// keeps of its primary ranges (system.table_estimates). The planner sizes a scan with it.
type Sizer interface {
	Estimates(ctx context.Context, p *ring.Partitioner, keyspace, table string) (*ring.Estimates, error)
}

// How a scan is cut into sub-ranges when the table's size is known:
//
//   - TargetSplitBytes of data per sub-range. A read of 16 MiB is a few hundred milliseconds of work
//     for one replica (a pushed COUNT over it, or a few pages of rows): far below the server's range
//     read timeout (10 s), and small enough that the work spreads over every replica and that a
//     failed sub-range costs little to read again.
//   - At least SplitsPerWorker sub-ranges for every worker (Options.Concurrency), so that workers
//     finishing early find more to do — but never sub-ranges of less than MinSplitBytes, where the
//     cost of a request (a round trip, a page of metadata) outweighs what it reads.
//   - At least one sub-range per run of ring ranges with the same replicas, since no sub-range may
//     span two replica sets.
//
// When the estimates are missing (nothing flushed yet) or unreadable, the scan starts coarse, with
// one sub-range per worker (and at least one per replica run): a table no node has flushed is small,
// at most a few memtables. Sub-ranges that turn out too big for a read are split as they are read
// (after timeouts, see the executor). --splits overrides all of this.
const (
	TargetSplitBytes = 16 << 20
	MinSplitBytes    = 256 << 10
	SplitsPerWorker  = 4
	// DefaultConcurrency is the number of workers sizing assumes when Options.Concurrency is 0: the
	// executor's default.
	DefaultConcurrency = 16
)

// sizing is how many sub-ranges a scan gets and why.
type sizing struct {
	target int
	why    string
}

// sizeScan chooses the number of sub-ranges of a whole-ring scan. bytes is the estimated size of the
// table's data (known false: no estimate), runs the number of runs of ranges sharing replicas,
// workers the scan's concurrency, splits the user's --splits (0: none).
func sizeScan(bytes float64, known bool, runs, workers, splits int) sizing {
	if workers <= 0 {
		workers = DefaultConcurrency
	}
	switch {
	case splits > 0:
		return sizing{splits, fmt.Sprintf("%d sub-ranges asked for (--splits)", splits)}
	case !known:
		n := max(runs, workers)
		return sizing{n, fmt.Sprintf("no size estimates (nothing flushed yet?): %d sub-ranges, one per worker", n)}
	}
	bySize := ceilDiv(bytes, TargetSplitBytes)
	byWorkers := min(SplitsPerWorker*workers, ceilDiv(bytes, MinSplitBytes))
	n := max(runs, bySize, byWorkers, 1)
	why := fmt.Sprintf("estimated %s: %d sub-ranges", byteSize(bytes), n)
	switch n {
	case bySize:
		why += fmt.Sprintf(" of at most %s", byteSize(TargetSplitBytes))
	case byWorkers:
		why += fmt.Sprintf(", %d for each of %d workers", SplitsPerWorker, workers)
	case runs:
		why += ", one per run of ranges with the same replicas"
	}
	return sizing{n, why}
}

// ceilDiv is ⌈a/b⌉ as an int, capped so that a wild estimate cannot overflow.
func ceilDiv(a, b float64) int {
	return int(math.Min(math.Ceil(a/b), 1<<24))
}

// byteSize prints a size in binary units: 512 B, 1.5 KiB, 16.0 MiB.
func byteSize(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f %s", b, units[i])
	}
	return fmt.Sprintf("%.1f %s", b, units[i])
}
