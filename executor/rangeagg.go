package executor

import (
	"context"
	"fmt"
	"io"
	"math/big"

	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/expr"
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

// mergeValue folds a partial aggregate value into an accumulated one: counts and sums add up (a
// missing count is 0), minima and maxima compare (an Empty value is the least); NULL means "no value
// yet", and so does an Empty sum.
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

// mergeAggIter folds the partial rows of its child and computes the final row from them.
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
	merged := make(Row, len(it.aggs))
	for i, a := range it.aggs {
		merged[i] = mergeValue(a, nil, nil) // 0 for counts, NULL otherwise
	}
	for {
		row, err := it.child.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		for i, a := range it.aggs {
			merged[i] = mergeValue(a, merged[i], row[i])
		}
	}
	it.done = true
	out := make(Row, len(it.finals))
	for i, f := range it.finals {
		v, err := finalValue(f, merged)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		out[i] = v
	}
	return out, nil
}

// finalValue computes one output from the merged partial columns.
func finalValue(f planner.FinalAgg, merged Row) (any, error) {
	v := merged[f.Value]
	if f.Func != "sum" && f.Func != "avg" {
		return v, nil
	}
	n := merged[f.Count].(int64)
	if n == 0 || v == nil {
		return nil, nil // no value was summed: NULL, as in SQL
	}
	if f.Func == "avg" {
		var err error
		if v, err = expr.Apply("/", sumType(f.T), v, countIn(sumType(f.T), n)); err != nil {
			return nil, err
		}
	}
	if b, ok := v.(*big.Int); ok && f.T.IsInteger() {
		if !b.IsInt64() {
			return nil, fmt.Errorf("%s overflows bigint", f.Func)
		}
		return b.Int64(), nil
	}
	return v, nil
}

// sumType is the type partial sums of a result of type t arrive in: integers as varint.
func sumType(t types.Type) types.Type {
	if t.IsInteger() {
		return types.Of(types.Varint)
	}
	return t
}

func (it *mergeAggIter) Close() error { return it.child.Close() }
