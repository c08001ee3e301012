package agg

import (
	"github.com/cqlscan/cqlscan/planner/types"
)

// distinctFunc is an aggregate of the distinct non-NULL values (count(DISTINCT col), and so on).
// Its state is the set of values, in the order first seen; the inner aggregate runs over them
// only at Final, so that two sets merge into their union.
type distinctFunc struct {
	inner Func
	t     types.Type // the values' type
}

type distinctState struct {
	seen map[string]struct{}
	vals []any
	key  []byte // scratch: the key of the value being added
}

func (*distinctState) isState() {}

func (d *distinctFunc) Init() State { return &distinctState{seen: map[string]struct{}{}} }

func (d *distinctFunc) Add(s State, v any) error {
	x, ok := s.(*distinctState)
	if !ok {
		return wrongState("DISTINCT", s)
	}
	x.add(v)
	return nil
}

func (x *distinctState) add(v any) {
	if v == nil {
		return
	}
	x.key = types.AppendKey(x.key[:0], v)
	if _, dup := x.seen[string(x.key)]; dup { // looked up in place, not copied
		return
	}
	x.seen[string(x.key)] = struct{}{}
	x.vals = append(x.vals, v)
}

func (d *distinctFunc) Merge(into, from State) error {
	a, ok1 := into.(*distinctState)
	b, ok2 := from.(*distinctState)
	if !ok1 || !ok2 {
		return wrongState("DISTINCT", into)
	}
	for _, v := range b.vals {
		a.add(v)
	}
	return nil
}

func (d *distinctFunc) Final(s State) (any, error) {
	x, ok := s.(*distinctState)
	if !ok {
		return nil, wrongState("DISTINCT", s)
	}
	in := d.inner.Init()
	for _, v := range x.vals {
		if err := d.inner.Add(in, v); err != nil {
			return nil, err
		}
	}
	return d.inner.Final(in)
}
