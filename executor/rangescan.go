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

// scanIter runs a RangeScan: workers take sub-ranges in random order, page through each on a replica
// and send every completed page, its rows normalised to the selectors' types, into a bounded
// channel. Closing it (a LIMIT reached, an error, Ctrl-C) cancels every worker.
type scanIter struct {
	node *planner.RangeScan
	ex   *Executor

	once   sync.Once
	pages  chan []Row
	done   chan struct{}
	cancel context.CancelFunc
	errMu  sync.Mutex
	err    error
	buf    []Row
}

func (it *scanIter) start(ctx context.Context) {
	ctx, it.cancel = context.WithCancel(ctx)
	it.pages = make(chan []Row, it.ex.opt.Concurrency)
	it.done = make(chan struct{})
	tasks := make(chan ring.Range, len(it.node.Ranges))
	for _, i := range rand.Perm(len(it.node.Ranges)) {
		tasks <- it.node.Ranges[i]
	}
	close(tasks)
	sels := make([]string, len(it.node.Selectors))
	for i, c := range it.node.Selectors {
		sels[i] = c.CQL
	}
	stmt := "SELECT " + strings.Join(sels, ", ") + " FROM " + tableRef(it.node.Table)

	var wg sync.WaitGroup
	for w := 0; w < it.ex.opt.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range tasks {
				if ctx.Err() != nil {
					return
				}
				if err := it.scanRange(ctx, stmt, r); err != nil {
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

// scanRange reads every page of one sub-range from one replica.
func (it *scanIter) scanRange(ctx context.Context, selectFrom string, r ring.Range) error {
	n := it.node
	host, err := it.ex.picker.Acquire(ctx, r.Replicas)
	if err != nil {
		return err
	}
	defer it.ex.picker.Release(host)
	stmt, args := rangeStatement(selectFrom, n.Table, n.Partitioner, r, n.Restrictions, n.PerPartitionLimit)
	req := PageRequest{HostID: host, Stmt: stmt, Args: args, PageSize: it.ex.opt.FetchSize}
	began := time.Now()
	var rows int64
	for {
		page, err := it.ex.q.QueryPage(ctx, req)
		if err != nil {
			return &RangeError{Range: r, Host: it.ex.hostName(host), Err: err}
		}
		for _, row := range page.Rows {
			if err := normalizeRow(n.Selectors, row); err != nil {
				return &RangeError{Range: r, Host: it.ex.hostName(host), Err: err}
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
