// Package agg is cqlscan's one family of aggregates. Every aggregate (count(*), count(col),
// count(DISTINCT col), sum, avg, min, max) is a Func whose partial State is built in three phases,
// named as vitess names them: partial (Add, row by row, on the client; or Partial, from the values
// the replicas computed for one sub-range), merge (Merge, any number of partial states in any
// grouping), and final (Final, the answer). A State has an exact, versioned encoding (Encode,
// Decode), so that the contributions of the sub-ranges read so far can be saved and resumed.
package agg

import (
	"errors"
	"fmt"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/types"
)

// State is the partial state of one aggregate over some rows. States are mutable: Add and Merge
// change the state they are given.
type State interface{ isState() }

// Func is one aggregate. Its methods never panic: a State of another aggregate is an error.
type Func interface {
	// Init returns the state of no rows.
	Init() State
	// Add folds one value into s; count(*) is given a non-nil value for every row.
	Add(s State, v any) error
	// Merge folds from into into; from is not changed and may be used again.
	Merge(into, from State) error
	// Final computes the aggregate's answer from s.
	Final(s State) (any, error)
	// Encode writes s exactly, with its version; Decode reads it back.
	Encode(s State) ([]byte, error)
	// Decode reads what Encode wrote.
	Decode(b []byte) (State, error)
}

// Pushable is an aggregate whose partial the replicas compute themselves (Cassandra's count, sum,
// min and max of one sub-range).
type Pushable interface {
	Func
	// Partial returns the state of the replicas' partial values of one sub-range: value is the pushed
	// count, sum, minimum or maximum; count, for sum and avg, the pushed count(col) beside the sum.
	Partial(value, count any) (State, error)
}

// ErrState is a state given to an aggregate it does not belong to, or an encoding it cannot read.
var ErrState = errors.New("aggregate state")

// ErrSumOverflow is a sum of integers beyond the bigint range, which Cassandra would wrap around.
var ErrSumOverflow = errors.New("sum overflows bigint")

// New returns the aggregate a HashAggregate computes on the client.
func New(a planner.Aggregate) (Func, error) {
	f, err := newFunc(a.Func, a.T)
	if err != nil {
		return nil, err
	}
	if a.Distinct {
		t := a.T
		if a.Arg != nil {
			t = a.Arg.Type()
		}
		return &distinctFunc{inner: f, t: t}, nil
	}
	return f, nil
}

// ForFinal returns the aggregate of one output of a MergeAggregate, which merges the replicas'
// partial values.
func ForFinal(f planner.FinalAgg) (Pushable, error) {
	return newFunc(f.Func, f.T)
}

func newFunc(name string, t types.Type) (Pushable, error) {
	switch name {
	case "count":
		return countFunc{}, nil
	case "sum":
		return sumFunc{t: t}, nil
	case "avg":
		return avgFunc{t: t}, nil
	case "min":
		return extremeFunc{t: t, want: -1}, nil
	case "max":
		return extremeFunc{t: t, want: 1}, nil
	}
	return nil, fmt.Errorf("%w: no aggregate %q", ErrState, name)
}

func wrongState(f string, s State) error {
	return fmt.Errorf("%w: %T is not a state of %s", ErrState, s, f)
}

// countFunc counts the non-NULL values (Empty ones included, as Cassandra does).
type countFunc struct{}

type countState struct{ n int64 }

func (*countState) isState() {}

func (countFunc) Init() State { return &countState{} }

func (countFunc) Add(s State, v any) error {
	c, ok := s.(*countState)
	if !ok {
		return wrongState("count", s)
	}
	if v != nil {
		c.n++
	}
	return nil
}

func (countFunc) Merge(into, from State) error {
	a, ok1 := into.(*countState)
	b, ok2 := from.(*countState)
	if !ok1 || !ok2 {
		return wrongState("count", into)
	}
	a.n += b.n
	return nil
}

func (countFunc) Final(s State) (any, error) {
	c, ok := s.(*countState)
	if !ok {
		return nil, wrongState("count", s)
	}
	return c.n, nil
}

func (countFunc) Partial(value, _ any) (State, error) {
	switch x := value.(type) {
	case nil:
		return &countState{}, nil
	case int64:
		return &countState{n: x}, nil
	}
	return nil, fmt.Errorf("%w: a partial count is %T", ErrState, value)
}

// extremeFunc keeps the minimum (want -1) or maximum (want 1) non-NULL value; Empty is the least.
type extremeFunc struct {
	t    types.Type
	want int
}

type extremeState struct{ best any }

func (*extremeState) isState() {}

func (e extremeFunc) name() string {
	if e.want < 0 {
		return "min"
	}
	return "max"
}

func (extremeFunc) Init() State { return &extremeState{} }

func (e extremeFunc) Add(s State, v any) error {
	x, ok := s.(*extremeState)
	if !ok {
		return wrongState(e.name(), s)
	}
	if v != nil && (x.best == nil || types.Compare(e.t, v, x.best)*e.want > 0) {
		x.best = v
	}
	return nil
}

func (e extremeFunc) Merge(into, from State) error {
	b, ok := from.(*extremeState)
	if !ok {
		return wrongState(e.name(), from)
	}
	return e.Add(into, b.best)
}

func (e extremeFunc) Final(s State) (any, error) {
	x, ok := s.(*extremeState)
	if !ok {
		return nil, wrongState(e.name(), s)
	}
	return x.best, nil
}

func (extremeFunc) Partial(value, _ any) (State, error) { return &extremeState{best: value}, nil }
