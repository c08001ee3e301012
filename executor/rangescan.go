package executor

import (
	"context"
	"fmt"
	"strings"
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

// scanIter runs a RangeScan or a PartitionRead: a readPool over its reads, each paged through on a
// replica, every completed page normalised to the selectors' types and emitted.
type scanIter struct {
	reads []read
	sels  []planner.ScanColumn
	ex    *Executor
}

// pool returns the iterator that runs the reads.
func (it *scanIter) pool() Iter {
	return &readPool{concurrency: it.ex.opt.Concurrency, n: len(it.reads),
		run: func(ctx context.Context, i int, emit func([]Row) error) error {
			return it.runRead(ctx, it.reads[i], emit)
		}}
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
		rows += int64(len(page.Rows))
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
