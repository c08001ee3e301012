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
)

// RangeError reports a sub-range that could not be read.
type RangeError struct {
	Range ring.Range
	Host  string
	Err   error
}

func (e *RangeError) Error() string {
	return fmt.Sprintf("token range %v on %s: %v", e.Range, e.Host, e.Err)
}

// Unwrap returns the cause.
func (e *RangeError) Unwrap() error { return e.Err }

// rangeAggIter runs a RangeAggregate: workers take sub-ranges in random order, query a replica of each
// and send one partial row per sub-range into a bounded channel that Next reads.
type rangeAggIter struct {
	node *planner.RangeAggregate
	ex   *Executor

	once   sync.Once
	out    chan Row
	done   chan struct{} // closed when every worker has stopped
	cancel context.CancelFunc
	errMu  sync.Mutex
	err    error
}

func (it *rangeAggIter) start(ctx context.Context) {
	ctx, it.cancel = context.WithCancel(ctx)
	it.out = make(chan Row, it.ex.opt.Concurrency)
	it.done = make(chan struct{})
	tasks := make(chan ring.Range, len(it.node.Ranges))
	for _, i := range rand.Perm(len(it.node.Ranges)) {
		tasks <- it.node.Ranges[i]
	}
	close(tasks)
	var wg sync.WaitGroup
	for w := 0; w < it.ex.opt.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range tasks {
				if ctx.Err() != nil {
					return
				}
				row, err := it.runRange(ctx, r)
				if err != nil {
					it.fail(err)
					return
				}
				select {
				case it.out <- row:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(it.out)
		close(it.done)
	}()
}

func (it *rangeAggIter) fail(err error) {
	it.errMu.Lock()
	if it.err == nil {
		it.err = err
	}
	it.errMu.Unlock()
	it.cancel()
}

// runRange reads one sub-range on one replica, all pages, and returns its partial row.
func (it *rangeAggIter) runRange(ctx context.Context, r ring.Range) (Row, error) {
	n := it.node
	host, err := it.ex.picker.Acquire(ctx, r.Replicas)
	if err != nil {
		return nil, err
	}
	defer it.ex.picker.Release(host)
	where, args := tokenRestriction(n.Table, n.Partitioner, r)
	cols := make([]string, len(n.Aggregates))
	for i, a := range n.Aggregates {
		cols[i] = string(a) + "(*)"
	}
	stmt := "SELECT " + strings.Join(cols, ", ") + " FROM " + tableRef(n.Table) + where
	began := time.Now()
	req := PageRequest{HostID: host, Stmt: stmt, Args: args, PageSize: it.ex.opt.FetchSize}
	partial := make(Row, len(n.Aggregates))
	for i := range partial {
		partial[i] = int64(0)
	}
	for {
		page, err := it.ex.q.QueryPage(ctx, req)
		if err != nil {
			return nil, &RangeError{Range: r, Host: it.ex.hostName(host), Err: err}
		}
		for _, row := range page.Rows {
			for i := range partial {
				v, ok := row[i].(int64)
				if !ok {
					return nil, &RangeError{Range: r, Host: it.ex.hostName(host),
						Err: fmt.Errorf("%s returned %T, want bigint", cols[i], row[i])}
				}
				partial[i] = partial[i].(int64) + v
			}
		}
		if page.Next == nil {
			break
		}
		req.PageState = page.Next
	}
	it.ex.opt.Stats.record(it.ex.hostName(host), partial[0].(int64), time.Since(began))
	return partial, nil
}

func (it *rangeAggIter) Next(ctx context.Context) (Row, error) {
	it.once.Do(func() { it.start(ctx) })
	select {
	case row, ok := <-it.out:
		if ok {
			return row, nil
		}
		it.errMu.Lock()
		defer it.errMu.Unlock()
		if it.err != nil {
			return nil, it.err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (it *rangeAggIter) Close() error {
	it.once.Do(func() {}) // a never-started iterator has nothing to stop
	if it.cancel != nil {
		it.cancel()
		<-it.done
	}
	return nil
}

// mergeAggIter sums the partial rows of its child into a single row.
type mergeAggIter struct {
	child Iter
	n     int
	done  bool
}

func (it *mergeAggIter) Next(ctx context.Context) (Row, error) {
	if it.done {
		return nil, io.EOF
	}
	sums := make([]int64, it.n)
	for {
		row, err := it.child.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		for i := range sums {
			sums[i] += row[i].(int64)
		}
	}
	it.done = true
	out := make(Row, it.n)
	for i, s := range sums {
		out[i] = s
	}
	return out, nil
}

func (it *mergeAggIter) Close() error { return it.child.Close() }
