// Command benchload creates and fills the benchmark's tables (package bench/dataset) with UNLOGGED
// batches of consecutive rows from many writers. A table already holding its row count is left
// alone, so bench/run loads each dataset once per cluster.
//
//	benchload --hosts 127.0.0.51 [--workers 48] [--check COUNT] standard1-1m standard1-10m sales-2m
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
	"github.com/spf13/pflag"

	"github.com/cqlscan/cqlscan/bench/dataset"
)

func main() {
	hosts := pflag.String("hosts", "127.0.0.1", "contact points, comma-separated")
	workers := pflag.Int("workers", 48, "batches in flight")
	rf := pflag.Int("rf", 1, "replication factor of new keyspaces")
	counted := pflag.StringArray("counted", nil, "NAME=ROWS: a table's current row count, to skip full tables")
	pflag.Parse()
	if err := run(strings.Split(*hosts, ","), *workers, *rf, *counted, pflag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "benchload:", err)
		os.Exit(1)
	}
}

func run(hosts []string, workers, rf int, counted, names []string) error {
	have := map[string]string{}
	for _, c := range counted {
		name, rows, _ := strings.Cut(c, "=")
		have[name] = rows
	}
	c := gocql.NewCluster(hosts...)
	c.Consistency = gocql.All
	c.Timeout = 60 * time.Second
	c.NumConns = 4
	s, err := c.CreateSession()
	if err != nil {
		return err
	}
	defer s.Close()
	ctx := context.Background()
	for _, name := range names {
		d, ok := dataset.ByName(name)
		if !ok {
			return fmt.Errorf("unknown dataset %q (known: %s)", name, strings.Join(dataset.Names(), ", "))
		}
		if have[name] == fmt.Sprint(d.Rows) {
			fmt.Fprintf(os.Stderr, "benchload: %s (%s) already holds %d rows\n", name, d.Ref(), d.Rows)
			continue
		}
		for _, stmt := range []string{
			fmt.Sprintf(`CREATE KEYSPACE IF NOT EXISTS %s WITH replication = {'class': 'SimpleStrategy', 'replication_factor': %d}`, d.Keyspace, rf),
			fmt.Sprintf(d.Schema, d.Keyspace),
		} {
			if err := s.Query(stmt).ExecContext(ctx); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		began := time.Now()
		if err := load(ctx, s, d, workers); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		took := time.Since(began)
		fmt.Fprintf(os.Stderr, "benchload: %s: %d rows into %s in %v (%.0f rows/s)\n", name, d.Rows, d.Ref(),
			took.Round(time.Second), float64(d.Rows)/took.Seconds())
	}
	return nil
}

// load writes every row of d, in batches of d.BatchRows consecutive rows, workers batches at a time.
func load(ctx context.Context, s *gocql.Session, d dataset.Dataset, workers int) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	insert := fmt.Sprintf(d.Insert, d.Keyspace)
	starts := make(chan int, workers)
	var (
		wg      sync.WaitGroup
		once    sync.Once
		first   error
		written atomic.Int64
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for start := range starts {
				b := s.Batch(gocql.UnloggedBatch)
				end := min(start+d.BatchRows, d.Rows)
				for i := start; i < end; i++ {
					b.Query(insert, d.Row(i)...)
				}
				if err := execRetrying(ctx, b); err != nil {
					once.Do(func() { first = fmt.Errorf("rows %d-%d: %w", start, end-1, err); cancel() })
					return
				}
				written.Add(int64(end - start))
			}
		}()
	}
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
feed:
	for start := 0; start < d.Rows; start += d.BatchRows {
		select {
		case starts <- start:
		case <-ctx.Done():
			break feed
		case <-tick.C:
			fmt.Fprintf(os.Stderr, "benchload: %s: %d of %d rows\n", d.Name, written.Load(), d.Rows)
			start -= d.BatchRows // not sent: send it again
		}
	}
	close(starts)
	wg.Wait()
	return first
}

// execRetrying runs a batch, retrying timeouts and overloads (a small test node falls behind under
// a bulk load now and then): rows are idempotent, writing one twice changes nothing.
func execRetrying(ctx context.Context, b *gocql.Batch) error {
	var err error
	for attempt := range 8 {
		if err = b.ExecContext(ctx); err == nil || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(100<<attempt) * time.Millisecond)
	}
	return err
}
