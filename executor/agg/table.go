package agg

import (
	"encoding/json"
	"fmt"

	"github.com/cqlscan/cqlscan/planner/types"
)

// Table is the group table of a HashAggregate: per group, its values and one partial state per
// aggregate, groups in the order first seen. Two tables merge group by group, and a table has an
// exact, versioned encoding, so that the groups of the sub-ranges read so far can be saved. Its size
// grows with the groups, not with the rows.
type Table struct {
	funcs  []Func
	types  []types.Type // the group values' types
	index  map[string]int
	groups []*Group
}

// Group is one group of a Table.
type Group struct {
	Vals   []any
	States []State
}

// NewTable returns an empty table of the aggregates funcs, grouped by values of the types given.
func NewTable(funcs []Func, groupTypes []types.Type) *Table {
	return &Table{funcs: funcs, types: groupTypes, index: map[string]int{}}
}

// Funcs returns the table's aggregates.
func (t *Table) Funcs() []Func { return t.funcs }

// Group returns the group whose key is k (types.AppendKeys of vals), adding it, with a copy
// of vals and the states of no rows, if it is new. k is not kept: a caller keying every row may
// reuse one buffer.
func (t *Table) Group(k []byte, vals []any) *Group {
	if i, ok := t.index[string(k)]; ok { // no copy of k: Go looks a map up by string(k) in place
		return t.groups[i]
	}
	g := &Group{Vals: append([]any(nil), vals...), States: make([]State, len(t.funcs))}
	for i, f := range t.funcs {
		g.States[i] = f.Init()
	}
	t.index[string(k)] = len(t.groups)
	t.groups = append(t.groups, g)
	return g
}

// Groups returns the groups in the order first seen.
func (t *Table) Groups() []*Group { return t.groups }

// Merge folds the groups of o into t (o is left as it was), new groups after t's own.
func (t *Table) Merge(o *Table) error {
	if len(o.funcs) != len(t.funcs) {
		return fmt.Errorf("%w: a table of %d aggregates merged into one of %d", ErrState, len(o.funcs), len(t.funcs))
	}
	var k []byte
	for _, og := range o.groups {
		k = types.AppendKeys(k[:0], og.Vals...)
		g := t.Group(k, og.Vals)
		for i, f := range t.funcs {
			if err := f.Merge(g.States[i], og.States[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

type wireTable struct {
	V      int         `json:"v"`
	Groups []wireGroup `json:"groups"`
}

type wireGroup struct {
	Vals   []*string         `json:"vals"`
	States []json.RawMessage `json:"states"`
}

// Encode writes the table exactly: each group's values as EncodeValue writes them and its states
// as their Func encodes them.
func (t *Table) Encode() ([]byte, error) {
	w := wireTable{V: stateVersion, Groups: make([]wireGroup, len(t.groups))}
	for gi, g := range t.groups {
		wg := wireGroup{Vals: make([]*string, len(g.Vals)), States: make([]json.RawMessage, len(g.States))}
		for i, v := range g.Vals {
			var err error
			if wg.Vals[i], err = EncodeValue(t.types[i], v); err != nil {
				return nil, err
			}
		}
		for i, s := range g.States {
			b, err := t.funcs[i].Encode(s)
			if err != nil {
				return nil, err
			}
			wg.States[i] = b
		}
		w.Groups[gi] = wg
	}
	return json.Marshal(w)
}

// Decode reads what Encode wrote into an empty table of the same aggregates and group types.
func (t *Table) Decode(b []byte) error {
	if len(t.groups) != 0 {
		return fmt.Errorf("%w: a table decoded into one that has groups", ErrState)
	}
	var w wireTable
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("%w: unreadable group table: %v", ErrState, err)
	}
	if w.V != stateVersion {
		return fmt.Errorf("%w: group table of version %d, this cqlscan reads version %d", ErrState, w.V, stateVersion)
	}
	for _, wg := range w.Groups {
		if len(wg.Vals) != len(t.types) || len(wg.States) != len(t.funcs) {
			return fmt.Errorf("%w: a group of %d values and %d states where %d and %d were expected",
				ErrState, len(wg.Vals), len(wg.States), len(t.types), len(t.funcs))
		}
		vals := make([]any, len(wg.Vals))
		for i, s := range wg.Vals {
			var err error
			if vals[i], err = DecodeValue(t.types[i], s); err != nil {
				return fmt.Errorf("%w: %v", ErrState, err)
			}
		}
		k := types.Key(vals...)
		if _, dup := t.index[k]; dup {
			return fmt.Errorf("%w: a group twice in one table", ErrState)
		}
		g := &Group{Vals: vals, States: make([]State, len(t.funcs))}
		for i, raw := range wg.States {
			s, err := t.funcs[i].Decode(raw)
			if err != nil {
				return err
			}
			g.States[i] = s
		}
		t.index[k] = len(t.groups)
		t.groups = append(t.groups, g)
	}
	return nil
}
