package repl

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
)

// Estimator is a Cluster that can tell how much data each token range of a table holds (Cassandra's
// size estimates), so that progress counts the share of the data read, not of the ranges.
type Estimator interface {
	Estimates(ctx context.Context, p *ring.Partitioner, keyspace, table string) (*ring.Estimates, error)
}

// estimatesTimeout bounds the reading of size estimates: progress does without them.
const estimatesTimeout = 2 * time.Second

// fetchEstimates reads, in the background, the size estimates of the table plan scans by token range
// and gives them to stats. The returned stop abandons the read and waits for it. Plans that read no
// token ranges, clusters that cannot estimate and failed reads leave progress counted in ranges.
func fetchEstimates(ctx context.Context, c Cluster, plan planner.Node, stats *executor.Stats) (stop func()) {
	est, ok := c.(Estimator)
	table, part := scannedTable(plan)
	if !ok || table == nil {
		return func() {}
	}
	ctx, cancel := context.WithTimeout(ctx, estimatesTimeout)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if e, err := est.Estimates(ctx, part, table.Keyspace, table.Name); err == nil {
			stats.SetEstimates(e)
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// scannedTable returns the table and partitioner of the token-range scan at the bottom of plan, if
// it has one.
func scannedTable(n planner.Node) (*schema.Table, *ring.Partitioner) {
	switch s := leaf(n).(type) {
	case *planner.RangeScan:
		return s.Table, s.Partitioner
	case *planner.RangeAggregate:
		return s.Table, s.Partitioner
	}
	return nil, nil
}

// progressDelay is how long a scan runs before progress is shown: quick statements show none.
const progressDelay = 500 * time.Millisecond

// showProgress writes a scan's progress to w (a terminal) on one line, redrawn every
// progressInterval: ranges done of planned, rows, rows per second, elapsed time and an estimate of
// the time left (see progressLine). The returned stop clears the line.
func showProgress(w io.Writer, stats *executor.Stats) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	began := time.Now()
	go func() {
		defer close(finished)
		timer := time.NewTimer(progressDelay)
		defer timer.Stop()
		shown := false
		for {
			select {
			case <-done:
				if shown {
					fmt.Fprint(w, "\r\x1b[K")
				}
				return
			case <-timer.C:
				fmt.Fprint(w, "\r"+progressLine(figuresOf(stats), time.Since(began))+"\x1b[K")
				shown = true
				timer.Reset(progressInterval)
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// progressInterval is how often the progress line is redrawn.
const progressInterval = 250 * time.Millisecond

// figures are what the progress line shows of a scan: ranges done and planned, rows, and the
// estimated data read and planned (0 when not estimated).
type figures struct {
	done, total, rows int64
	estDone, estTotal float64
}

func figuresOf(stats *executor.Stats) figures {
	f := figures{done: stats.RangesDone.Load(), total: stats.RangesTotal.Load(), rows: stats.Rows.Load()}
	f.estDone, f.estTotal = stats.Estimated()
	return f
}

// progressLine describes a scan's progress after elapsed. The share done is that of the estimated
// data when the size estimates are known, of the ranges otherwise; the ETA assumes the rest goes
// at the pace so far.
func progressLine(f figures, elapsed time.Duration) string {
	rate := float64(f.rows) / max(elapsed.Seconds(), 0.001)
	share, of := 0.0, ""
	if f.total > 0 {
		share = float64(min(f.done, f.total)) / float64(f.total)
	}
	if f.estTotal > 0 {
		share = min(f.estDone, f.estTotal) / f.estTotal
		of = fmt.Sprintf(" (~%.0f%% of the data)", 100*share)
	}
	eta := "?"
	if share > 0 {
		eta = time.Duration(float64(elapsed) * (1 - share) / share).Round(time.Second).String()
	}
	return fmt.Sprintf("ranges %d/%d%s  rows %d  %.0f rows/s  elapsed %v  ETA %s",
		f.done, f.total, of, f.rows, rate, elapsed.Round(100*time.Millisecond), eta)
}
