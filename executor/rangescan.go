package executor

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"sync"
	"time"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/types"
)

// read is one query of a scan: a token sub-range, or one partition, and the replicas that hold it
// (none: let the driver pick a coordinator).
type read struct {
	rng       ring.Range
	partition string // set for partition reads, for messages
	stmt      string
	args      []any
	replicas  []string
}

// scanIter runs a RangeScan or a PartitionRead: workers take the reads in random order, page through
// each on a replica and send every completed page, its rows normalised to the selectors' types, into
// a bounded channel. Closing it (a LIMIT reached, an error, Ctrl-C) cancels every worker.
type scanIter struct {
	reads []read
	sels  []planner.ScanColumn
	ex    *Executor

	once   sync.Once
	pages  chan []Row
	done   chan struct{}
	cancel context.CancelFunc
	errMu  sync.Mutex
	err    error
	buf    []Row
}

// newRangeScanIter plans one read per sub-range.
func newRangeScanIter(n *planner.RangeScan, ex *Executor) *scanIter {
	from := "SELECT " + selectorList(n.Selectors) + " FROM " + tableRef(n.Table)
	it := &scanIter{sels: n.Selectors, ex: ex}
	for _, r := range n.Ranges {
		stmt, args := rangeStatement(from, n.Table, n.Partitioner, r, n.Restrictions, n.PerPartitionLimit)
		it.reads = append(it.reads, read{rng: r, stmt: stmt, args: args, replicas: r.Replicas})
	}
	return it
}

// newPartitionReadIter plans one read per partition.
func newPartitionReadIter(n *planner.PartitionRead, ex *Executor) *scanIter {
	from := "SELECT " + selectorList(n.Selectors) + " FROM " + tableRef(n.Table) + " WHERE "
	it := &scanIter{sels: n.Selectors, ex: ex}
	for _, k := range n.Keys {
		where := planner.PartitionWhere(n.Table, k)
		stmt := from + where
		if len(n.Restrictions) > 0 {
			stmt += " AND " + strings.Join(n.Restrictions, " AND ")
		}
		if n.PerPartitionLimit > 0 {
			stmt += fmt.Sprintf(" PER PARTITION LIMIT %d", n.PerPartitionLimit)
		}
		if len(n.Restrictions) > 0 {
			stmt += " ALLOW FILTERING"
		}
		it.reads = append(it.reads, read{partition: where, stmt: stmt})
	}
	return it
}

func selectorList(sels []planner.ScanColumn) string {
	parts := make([]string, len(sels))
	for i, c := range sels {
		parts[i] = c.CQL
	}
	return strings.Join(parts, ", ")
}

func (it *scanIter) start(ctx context.Context) {
	ctx, it.cancel = context.WithCancel(ctx)
	it.pages = make(chan []Row, it.ex.opt.Concurrency)
	it.done = make(chan struct{})
	tasks := make(chan read, len(it.reads))
	for _, i := range rand.Perm(len(it.reads)) {
		tasks <- it.reads[i]
	}
	close(tasks)
	var wg sync.WaitGroup
	for w := 0; w < it.ex.opt.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rd := range tasks {
				if ctx.Err() != nil {
					return
				}
				if err := it.runRead(ctx, rd); err != nil {
					if ctx.Err() == nil {
						it.fail(err)
					}
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(it.pages)
		close(it.done)
	}()
}

func (it *scanIter) fail(err error) {
	it.errMu.Lock()
	if it.err == nil {
		it.err = err
	}
	it.errMu.Unlock()
	it.cancel()
}

// runRead reads every page of one read from one replica.
func (it *scanIter) runRead(ctx context.Context, rd read) error {
	host, err := it.ex.picker.Acquire(ctx, rd.replicas)
	if err != nil {
		return err
	}
	defer it.ex.picker.Release(host)
	req := PageRequest{HostID: host, Stmt: rd.stmt, Args: rd.args, PageSize: it.ex.opt.FetchSize}
	began := time.Now()
	var rows int64
	for {
		page, err := it.ex.q.QueryPage(ctx, req)
		if err != nil {
			return &RangeError{Range: rd.rng, Partition: rd.partition, Host: it.ex.hostName(host), Err: err}
		}
		for _, row := range page.Rows {
			if err := normalizeRow(it.sels, row); err != nil {
				return &RangeError{Range: rd.rng, Partition: rd.partition, Host: it.ex.hostName(host), Err: err}
			}
		}
		rows += int64(len(page.Rows))
		if len(page.Rows) > 0 {
			select {
			case it.pages <- page.Rows:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if page.Next == nil {
			break
		}
		req.PageState = page.Next
	}
	it.ex.opt.Stats.record(it.ex.hostName(host), rows, time.Since(began))
	return nil
}

func normalizeRow(sels []planner.ScanColumn, row Row) error {
	if len(row) != len(sels) {
		return fmt.Errorf("got %d columns, selected %d", len(row), len(sels))
	}
	for i, v := range row {
		nv, err := types.Normalize(sels[i].Type, v)
		if err != nil {
			return fmt.Errorf("column %s: %w", sels[i].Name, err)
		}
		row[i] = nv
	}
	return nil
}

func (it *scanIter) Next(ctx context.Context) (Row, error) {
	it.once.Do(func() { it.start(ctx) })
	for len(it.buf) == 0 {
		select {
		case page, ok := <-it.pages:
			if !ok {
				it.errMu.Lock()
				defer it.errMu.Unlock()
				if it.err != nil {
					return nil, it.err
				}
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				return nil, io.EOF
			}
			it.buf = page
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	row := it.buf[0]
	it.buf = it.buf[1:]
	return row, nil
}

func (it *scanIter) Close() error {
	it.once.Do(func() {})
	if it.cancel != nil {
		it.cancel()
		<-it.done
	}
	return nil
}
