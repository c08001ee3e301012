package executor

import (
	"context"
	"fmt"
	"io"

	"github.com/cqlscan/cqlscan/executor/agg"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/types"
)

// aggIter groups its input in a hash table and emits one row per group: the group values, then the
// aggregates. Its group table (an agg.Table) holds one partial state per aggregate per group, which
// every row is added to, and the final phase computes the answers from them. Memory grows with the
// number of groups (and distinct values under COUNT(DISTINCT)), not with the rows read.
type aggIter struct {
	child Iter
	node  *planner.HashAggregate
	table *agg.Table // given by the caller (Options.Groups), or nil for a table of its own
}

// NewGroupTable returns an empty group table for a HashAggregate, to pass as Options.Groups: to be
// saved while the scan goes on, or loaded from a checkpoint before it resumes.
func NewGroupTable(n *planner.HashAggregate) (*agg.Table, error) {
	funcs, err := aggFuncs(n.Aggs)
	if err != nil {
		return nil, err
	}
	return agg.NewTable(funcs, groupTypes(n)), nil
}

// groupTypes are the types of a HashAggregate's group values.
func groupTypes(n *planner.HashAggregate) []types.Type {
	ts := make([]types.Type, len(n.Groups))
	for i, g := range n.Groups {
		ts[i] = g.Type()
	}
	return ts
}

// aggFuncs returns the aggregates of a HashAggregate.
func aggFuncs(aggs []planner.Aggregate) ([]agg.Func, error) {
	funcs := make([]agg.Func, len(aggs))
	for i, a := range aggs {
		f, err := agg.New(a)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a, err)
		}
		funcs[i] = f
	}
	return funcs, nil
}

// fill reads all the input and returns one row per group.
func (it *aggIter) fill(ctx context.Context) ([]Row, error) {
	funcs, err := aggFuncs(it.node.Aggs)
	if err != nil {
		return nil, err
	}
	table := it.table
	if table == nil {
		table = agg.NewTable(funcs, groupTypes(it.node))
	} else {
		funcs = table.Funcs()
	}
	keyVals := make([]any, len(it.node.Groups))
	var key []byte // the group's key, built in one buffer for every row
	for {
		row, err := it.child.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		for i, g := range it.node.Groups {
			if keyVals[i], err = g.Eval(row); err != nil {
				return nil, err
			}
		}
		key = types.AppendKeys(key[:0], keyVals...)
		gr := table.Group(key, keyVals)
		for i, a := range it.node.Aggs {
			var v any = true // count(*) counts every row
			if !a.Star {
				if v, err = a.Arg.Eval(row); err != nil {
					return nil, err
				}
			}
			if err := funcs[i].Add(gr.States[i], v); err != nil {
				return nil, fmt.Errorf("%s: %w", a, err)
			}
		}
	}
	if len(it.node.Groups) == 0 && len(table.Groups()) == 0 {
		table.Group(nil, nil) // no groups: one row, of no rows
	}
	out := make([]Row, 0, len(table.Groups()))
	for _, gr := range table.Groups() {
		row := make(Row, 0, len(gr.Vals)+len(gr.States))
		row = append(row, gr.Vals...)
		for i, st := range gr.States {
			v, err := funcs[i].Final(st)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", it.node.Aggs[i], err)
			}
			row = append(row, v)
		}
		out = append(out, row)
	}
	return out, nil
}
