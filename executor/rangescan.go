package executor

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
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

// scanIter runs a RangeScan, a PartitionRead or a RangeAggregate: a readPool over its reads, each
// paged through on a replica, every completed page normalised to the selectors' types and emitted.
type scanIter struct {
	reads []read
	sels  []planner.ScanColumn
	ex    *Executor
	// rowsIn says how many table rows a page stands for, in the stats (default: its length).
	rowsIn func(page []Row) int64
}

// pool returns the iterator that runs the reads.
func (it *scanIter) pool() Iter {
	return &readPool{concurrency: it.ex.opt.Concurrency, n: len(it.reads),
		run: func(ctx context.Context, i int, emit func([]Row) error) error {
			return it.runRead(ctx, it.reads[i], emit)
		}}
}

// newRangeReads plans one read per sub-range.
func newRangeReads(sels []planner.ScanColumn, t *schema.Table, p *ring.Partitioner, ranges []ring.Range,
	restrictions []string, ppl int64, ex *Executor) *scanIter {
	from := "SELECT " + selectorList(sels) + " FROM " + tableRef(t)
	it := &scanIter{sels: sels, ex: ex}
	for _, r := range ranges {
		stmt, args := rangeStatement(from, t, p, r, restrictions, ppl)
		it.reads = append(it.reads, read{rng: r, stmt: stmt, args: args, replicas: r.Replicas})
	}
	return it
}

// newRangeScanIter reads the rows of every sub-range.
func newRangeScanIter(n *planner.RangeScan, ex *Executor) *scanIter {
	return newRangeReads(n.Selectors, n.Table, n.Partitioner, n.Ranges, n.Restrictions, n.PerPartitionLimit, ex)
}

// newRangeAggregateIter reads each sub-range's partial aggregates, one row per sub-range, for the
// MergeAggregate above it to fold.
func newRangeAggregateIter(n *planner.RangeAggregate, ex *Executor) *scanIter {
	sels := make([]planner.ScanColumn, len(n.Aggregates))
	for i, a := range n.Aggregates {
		sels[i] = planner.ScanColumn{CQL: a.String(), Name: a.String(), Type: a.T}
	}
	it := newRangeReads(sels, n.Table, n.Partitioner, n.Ranges, n.Restrictions, 0, ex)
	if n.Aggregates[0].Func == planner.AggCount {
		it.rowsIn = func(page []Row) int64 { // the rows counted, not the one row that says so
			var rows int64
			for _, r := range page {
				c, _ := r[0].(int64)
				rows += c
			}
			return rows
		}
	}
	return it
}

// newPartitionReadIter plans one read per partition.
func newPartitionReadIter(n *planner.PartitionRead, ex *Executor) *scanIter {
	from := "SELECT " + selectorList(n.Selectors) + " FROM " + tableRef(n.Table)
	it := &scanIter{sels: n.Selectors, ex: ex}
	for _, k := range n.Keys {
		where := planner.PartitionWhere(n.Table, k)
		stmt := statement(from, []string{where}, n.Restrictions, n.PerPartitionLimit)
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

// runRead reads every page of one read from one replica.
func (it *scanIter) runRead(ctx context.Context, rd read, emit func([]Row) error) error {
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
		if it.rowsIn != nil {
			rows += it.rowsIn(page.Rows)
		} else {
			rows += int64(len(page.Rows))
		}
		if len(page.Rows) > 0 {
			if err := emit(page.Rows); err != nil {
				return err
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
