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
// aggregates. Each group holds one partial state per aggregate (package agg) that every row is added
// to, and the final phase computes the answers from them. Memory grows with the number of groups (and
// distinct values under COUNT(DISTINCT)), not with the rows read.
type aggIter struct {
	child Iter
	node  *planner.HashAggregate
}

type group struct {
	vals   []any
	states []agg.State
}

func newStates(funcs []agg.Func) []agg.State {
	out := make([]agg.State, len(funcs))
	for i, f := range funcs {
		out[i] = f.Init()
	}
	return out
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
	groups := map[string]*group{}
	var order []*group
	keyVals := make([]any, len(it.node.Groups))
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
		k := types.Key(keyVals...)
		gr := groups[k]
		if gr == nil {
			gr = &group{vals: append([]any(nil), keyVals...), states: newStates(funcs)}
			groups[k] = gr
			order = append(order, gr)
		}
		for i, a := range it.node.Aggs {
			var v any = true // count(*) counts every row
			if !a.Star {
				if v, err = a.Arg.Eval(row); err != nil {
					return nil, err
				}
			}
			if err := funcs[i].Add(gr.states[i], v); err != nil {
				return nil, fmt.Errorf("%s: %w", a, err)
			}
		}
	}
	if len(it.node.Groups) == 0 && len(order) == 0 {
		order = append(order, &group{states: newStates(funcs)})
	}
	out := make([]Row, 0, len(order))
	for _, gr := range order {
		row := make(Row, 0, len(gr.vals)+len(gr.states))
		row = append(row, gr.vals...)
		for i, st := range gr.states {
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
