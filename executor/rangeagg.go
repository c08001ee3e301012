package executor

import (
	"context"
	"fmt"
	"io"
	"math/big"

	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/executor/agg"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/types"
)

// RangeError reports a sub-range (or, for partition reads, a partition) that could not be read.
type RangeError struct {
	Range     ring.Range
	Partition string // the partition's key restriction, for partition reads
	Host      string
	Err       error
}

func (e *RangeError) Error() string {
	what := fmt.Sprintf("token range %v", e.Range)
	if e.Partition != "" {
		what = "partition " + e.Partition
	}
	if e.Host == "" { // the driver chose the coordinator (partition reads)
		return fmt.Sprintf("%s: %v", what, e.Err)
	}
	return fmt.Sprintf("%s on %s: %v", what, e.Host, e.Err)
}

// Unwrap returns the cause.
func (e *RangeError) Unwrap() error { return e.Err }

// mergeValue folds a value into a partial column as Cassandra computes it on one sub-range: counts
// and sums add up (a missing count is 0), minima and maxima compare (an Empty value is the least);
// NULL means "no value yet", and so does an Empty sum. The rows fallback (rangescan.go) builds with it
// the partial row a replica would have answered; partial rows are merged by package agg.
func mergeValue(a planner.PushedAgg, acc, v any) any {
	switch {
	case a.Func == planner.AggCount:
		x, _ := acc.(int64)
		y, _ := v.(int64)
		return x + y
	case v == nil, a.Func == planner.AggSum && types.IsEmpty(v):
		return acc
	case acc == nil, a.Func == planner.AggSum && types.IsEmpty(acc):
		return v
	case a.Func == planner.AggSum:
		switch x := acc.(type) {
		case *big.Int:
			return new(big.Int).Add(x, v.(*big.Int))
		case float64:
			return x + v.(float64)
		case *inf.Dec:
			return new(inf.Dec).Add(x, v.(*inf.Dec))
		}
		return acc
	}
	c := types.Compare(a.T, v, acc)
	if (a.Func == planner.AggMin && c < 0) || (a.Func == planner.AggMax && c > 0) {
		return v
	}
	return acc
}

// mergeAggIter is the merge and final phases of an aggregate the replicas computed: each partial row
// (one sub-range's) becomes one partial state per output (package agg), merged into the states of the
// rows before, and the final row is computed from them.
type mergeAggIter struct {
	child  Iter
	aggs   []planner.PushedAgg
	finals []planner.FinalAgg
	done   bool
}

func (it *mergeAggIter) Next(ctx context.Context) (Row, error) {
	if it.done {
		return nil, io.EOF
	}
	funcs := make([]agg.Pushable, len(it.finals))
	states := make([]agg.State, len(it.finals))
	for i, f := range it.finals {
		fn, err := agg.ForFinal(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		funcs[i], states[i] = fn, fn.Init()
	}
	for {
		row, err := it.child.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		for i, f := range it.finals {
			if err := mergePartial(funcs[i], states[i], f, row); err != nil {
				return nil, fmt.Errorf("%s: %w", f.Name, err)
			}
		}
	}
	it.done = true
	out := make(Row, len(it.finals))
	for i, f := range it.finals {
		v, err := funcs[i].Final(states[i])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		out[i] = v
	}
	return out, nil
}

// mergePartial merges the partial values of output f in one partial row into state s.
func mergePartial(fn agg.Pushable, s agg.State, f planner.FinalAgg, row Row) error {
	var count any
	if f.Count >= 0 {
		count = row[f.Count]
	}
	p, err := fn.Partial(row[f.Value], count)
	if err != nil {
		return err
	}
	return fn.Merge(s, p)
}

// finalValue computes one output from the merged partial columns.
func finalValue(f planner.FinalAgg, merged Row) (any, error) {
	fn, err := agg.ForFinal(f)
	if err != nil {
		return nil, err
	}
	s := fn.Init()
	if err := mergePartial(fn, s, f, merged); err != nil {
		return nil, err
	}
	return fn.Final(s)
}

func (it *mergeAggIter) Close() error { return it.child.Close() }
