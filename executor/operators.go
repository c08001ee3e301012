package executor

import (
	"context"
	"io"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/types"
)

// filterIter passes on the rows for which the condition is true.
type filterIter struct {
	child Iter
	cond  expr.Expr
}

func (it *filterIter) Next(ctx context.Context) (Row, error) {
	for {
		row, err := it.child.Next(ctx)
		if err != nil {
			return nil, err
		}
		v, err := it.cond.Eval(row)
		if err != nil {
			return nil, err
		}
		if v == true {
			return row, nil
		}
	}
}

func (it *filterIter) Close() error { return it.child.Close() }

// projectIter computes output expressions.
type projectIter struct {
	child Iter
	exprs []expr.Expr
}

func (it *projectIter) Next(ctx context.Context) (Row, error) {
	row, err := it.child.Next(ctx)
	if err != nil {
		return nil, err
	}
	out := make(Row, len(it.exprs))
	for i, e := range it.exprs {
		if out[i], err = e.Eval(row); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (it *projectIter) Close() error { return it.child.Close() }

// distinctIter drops rows it has already passed on. Its memory grows with the distinct rows.
type distinctIter struct {
	child Iter
	seen  map[string]bool
	key   []byte // scratch: the key of the row being read
}

func (it *distinctIter) Next(ctx context.Context) (Row, error) {
	for {
		row, err := it.child.Next(ctx)
		if err != nil {
			return nil, err
		}
		it.key = types.AppendKeys(it.key[:0], row...)
		if !it.seen[string(it.key)] { // looked up in place; copied only when kept
			it.seen[string(it.key)] = true
			return row, nil
		}
	}
}

func (it *distinctIter) Close() error { return it.child.Close() }

// limitIter passes on n rows, then closes its input so that the scans under it stop at once.
type limitIter struct {
	child Iter
	left  int64
}

func (it *limitIter) Next(ctx context.Context) (Row, error) {
	if it.left <= 0 {
		it.child.Close()
		return nil, io.EOF
	}
	row, err := it.child.Next(ctx)
	if err != nil {
		return nil, err
	}
	it.left--
	if it.left == 0 {
		it.child.Close()
	}
	return row, nil
}

func (it *limitIter) Close() error { return it.child.Close() }

// partitionLimitIter passes on at most n rows of each partition.
type partitionLimitIter struct {
	child Iter
	n     int64
	keys  []int
	seen  map[string]int64
	key   []byte // scratch: the partition key of the row being read
}

func (it *partitionLimitIter) Next(ctx context.Context) (Row, error) {
	for {
		row, err := it.child.Next(ctx)
		if err != nil {
			return nil, err
		}
		it.key = it.key[:0]
		for _, k := range it.keys {
			it.key = types.AppendKey(it.key, row[k])
		}
		if it.seen[string(it.key)] < it.n {
			it.seen[string(it.key)]++
			return row, nil
		}
	}
}

func (it *partitionLimitIter) Close() error { return it.child.Close() }

// buildOperator returns the iterator of a client-side operator node, or nil; ordered says whether
// the order of node's rows shows.
func (e *Executor) buildOperator(node planner.Node, ordered bool) (Iter, error) {
	below := childOrdered(node, ordered)
	switch n := node.(type) {
	case *planner.RangeScan:
		if len(e.opt.Skip) > 0 { // a resumed incremental read: only what is left
			ranges, err := ring.Subtract(n.Ranges, e.opt.Skip)
			if err != nil {
				return nil, err
			}
			left := *n
			left.Ranges = ranges
			n = &left
		}
		return newRangeScanIter(n, e).pool(ordered), nil
	case *planner.PartitionRead:
		return newPartitionReadIter(n, e).pool(ordered), nil
	case *planner.Filter:
		child, err := e.build(n.Child, below)
		return &filterIter{child: child, cond: n.Cond}, err
	case *planner.Project:
		child, err := e.build(n.Child, below)
		return &projectIter{child: child, exprs: n.Exprs}, err
	case *planner.Distinct:
		child, err := e.build(n.Child, below)
		return &distinctIter{child: child, seen: map[string]bool{}}, err
	case *planner.Limit:
		child, err := e.build(n.Child, below)
		return &limitIter{child: child, left: n.N}, err
	case *planner.Sort:
		child, err := e.build(n.Child, below)
		return &bufferedIter{child: child, fill: (&sortIter{child: child, keys: n.Keys, limit: n.Limit}).fill}, err
	case *planner.PartitionLimit:
		child, err := e.build(n.Child, below)
		return &partitionLimitIter{child: child, n: n.N, keys: n.Keys, seen: map[string]int64{}}, err
	case *planner.HashAggregate:
		if e.opt.Groups != nil {
			below = true // in token order: each range's rows wholly in the table before the next's
		}
		child, err := e.build(n.Child, below)
		return &bufferedIter{child: child, fill: (&aggIter{child: child, node: n, table: e.opt.Groups}).fill}, err
	case *planner.ChangedRows:
		if e.opt.Changes == nil {
			return nil, ErrNoCursor
		}
		child, err := e.build(n.Child, below)
		return &changedIter{child: child, node: n, changes: e.opt.Changes}, err
	}
	return nil, nil
}
