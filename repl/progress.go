package repl

import (
	"fmt"
	"io"
	"time"

	"github.com/cqlscan/cqlscan/executor"
)

// progressDelay is how long a scan runs before progress is shown: quick statements show none.
const progressDelay = 500 * time.Millisecond

// showProgress writes a scan's progress to w (a terminal) on one line, redrawn every
// progressInterval: ranges done of planned, rows, rows per second, elapsed time and an estimate of
// the time left from the share of ranges done. The returned stop clears the line.
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
				fmt.Fprint(w, "\r"+progressLine(stats, time.Since(began))+"\x1b[K")
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

// progressLine describes a scan's progress after elapsed.
func progressLine(stats *executor.Stats, elapsed time.Duration) string {
	done, total, rows := stats.RangesDone.Load(), stats.RangesTotal.Load(), stats.Rows.Load()
	rate := float64(rows) / max(elapsed.Seconds(), 0.001)
	eta := "?"
	if done > 0 && total >= done {
		eta = (time.Duration(float64(elapsed) * float64(total-done) / float64(done))).Round(time.Second).String()
	}
	return fmt.Sprintf("ranges %d/%d  rows %d  %.0f rows/s  elapsed %v  ETA %s",
		done, total, rows, rate, elapsed.Round(100*time.Millisecond), eta)
}
