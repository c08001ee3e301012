package executor

import (
	"context"
	"errors"
	"fmt"

	"github.com/cqlscan/cqlscan/planner"
)

// Changes decides, for an incremental read, which rows are delivered (package executor/cursor
// implements it). It is told of every row a ChangedRows node reads, one row at a time.
type Changes interface {
	// Offer is given a row's primary key values and the newest and oldest write time (µs) among its
	// regular cells — stamped is false when the row has no regular cell set — and reports whether
	// the row is to be delivered.
	Offer(key []any, latest, oldest int64, stamped bool) bool
}

// ErrNoCursor is a ChangedRows plan run without a cursor to decide what changed.
var ErrNoCursor = errors.New("executor: an incremental read (ChangedRows) needs a cursor")

// changedIter passes on the rows its Changes accepts.
type changedIter struct {
	child   Iter
	node    *planner.ChangedRows
	changes Changes
}

func (it *changedIter) Next(ctx context.Context) (Row, error) {
	for {
		row, err := it.child.Next(ctx)
		if err != nil {
			return nil, err
		}
		latest, oldest, stamped, err := stamps(row, it.node.Stamps)
		if err != nil {
			return nil, err
		}
		key := make([]any, len(it.node.Keys))
		for i, k := range it.node.Keys {
			key[i] = row[k]
		}
		if it.changes.Offer(key, latest, oldest, stamped) {
			return row, nil
		}
	}
}

func (it *changedIter) Close() error { return it.child.Close() }

// stamps returns the newest and oldest of a row's write times: writetime() of a simple or frozen
// column is one bigint, of a multi-cell collection or user type a list of one per cell (Cassandra
// 5.0), and NULL for a column not set.
func stamps(row Row, at []int) (latest, oldest int64, stamped bool, err error) {
	add := func(w int64) {
		if !stamped || w > latest {
			latest = w
		}
		if !stamped || w < oldest {
			oldest = w
		}
		stamped = true
	}
	for _, i := range at {
		switch v := row[i].(type) {
		case nil:
		case int64:
			add(v)
		case []any:
			for _, e := range v {
				w, ok := e.(int64)
				if !ok {
					return 0, 0, false, fmt.Errorf("executor: a write time list holds %T, not a bigint", e)
				}
				add(w)
			}
		default:
			return 0, 0, false, fmt.Errorf("executor: writetime() gave %T, not a bigint", v)
		}
	}
	return latest, oldest, stamped, nil
}
