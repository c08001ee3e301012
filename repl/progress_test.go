package repl

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
)

func TestProgressLine(t *testing.T) {
	cases := []struct {
		name string
		f    figures
		took time.Duration
		want string
	}{
		{"by ranges", figures{done: 100, total: 400, rows: 50000}, 10 * time.Second,
			"ranges 100/400  rows 50000  5000 rows/s  elapsed 10s  ETA 30s"},
		{"nothing done yet", figures{total: 400}, time.Second,
			"ranges 0/400  rows 0  0 rows/s  elapsed 1s  ETA ?"},
		// A quarter of the ranges but a tenth of the data: nine times as long again, not three.
		{"by estimated data", figures{done: 100, total: 400, rows: 50000, estDone: 10, estTotal: 100}, 10 * time.Second,
			"ranges 100/400 (~10% of the data)  rows 50000  5000 rows/s  elapsed 10s  ETA 1m30s"},
		{"estimates short of the data read", figures{done: 390, total: 400, estDone: 120, estTotal: 100}, 10 * time.Second,
			"ranges 390/400 (~100% of the data)  rows 0  0 rows/s  elapsed 10s  ETA 0s"},
		{"ranges done by splits past those planned", figures{done: 5, total: 4}, time.Second,
			"ranges 5/4  rows 0  0 rows/s  elapsed 1s  ETA 0s"},
	}
	for _, c := range cases {
		if got := progressLine(c.f, c.took); got != c.want {
			t.Errorf("%s: progressLine = %q, want %q", c.name, got, c.want)
		}
	}
}

// estimating is a Cluster whose size estimates wait until the caller gives up, recording what they
// were asked for.
type estimating struct {
	offline
	asked chan string
}

func (e estimating) Estimates(ctx context.Context, p *ring.Partitioner, keyspace, table string) (*ring.Estimates, error) {
	e.asked <- p.Name + " " + keyspace + "." + table
	<-ctx.Done()
	return nil, ctx.Err()
}

// Estimates are read for the table a plan scans by token range, in the background, and abandoned
// when the statement ends; plans without a range scan and clusters that cannot estimate read none.
func TestFetchEstimates(t *testing.T) {
	tbl := &schema.Table{Keyspace: "ks", Name: "t"}
	scan := &planner.MergeAggregate{Child: &planner.RangeAggregate{Table: tbl, Partitioner: ring.Murmur3}}
	c := estimating{asked: make(chan string, 1)}
	stop := fetchEstimates(context.Background(), c, scan, &executor.Stats{})
	select {
	case got := <-c.asked:
		if got != "Murmur3Partitioner ks.t" {
			t.Errorf("estimates asked for %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no estimates asked for in 5 s")
	}
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(time.Second):
		t.Fatal("stop did not abandon the read")
	}

	fetchEstimates(context.Background(), c, &planner.PartitionRead{Table: tbl}, &executor.Stats{})()
	fetchEstimates(context.Background(), offline{}, scan, &executor.Stats{})()
	select {
	case got := <-c.asked:
		t.Errorf("estimates asked for %q without a range scan", got)
	default:
	}
}

// lockedBuffer is a bytes.Buffer safe for the progress goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A quick statement shows nothing; a long one shows the line and clears it at the end.
func TestProgressShowsAndClears(t *testing.T) {
	var st executor.Stats
	var quick lockedBuffer
	showProgress(&quick, &st)()
	if quick.String() != "" {
		t.Errorf("a quick statement printed %q", quick.String())
	}
	var long lockedBuffer
	stop := showProgress(&long, &st)
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(long.String(), "ranges 0/0"); {
		if time.Now().After(deadline) {
			t.Fatal("no progress line after 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	if out := long.String(); !strings.HasPrefix(out, "\r") || !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("progress output %q: want lines redrawn with \\r and a cleared line at the end", out)
	}
}
