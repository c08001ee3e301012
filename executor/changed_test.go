package executor

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/cqlscan/cqlscan/planner"
)

// sliceIter returns rows from memory.
type sliceIter struct {
	rows   []Row
	closed bool
}

func (it *sliceIter) Next(ctx context.Context) (Row, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(it.rows) == 0 {
		return nil, io.EOF
	}
	r := it.rows[0]
	it.rows = it.rows[1:]
	return r, nil
}

func (it *sliceIter) Close() error { it.closed = true; return nil }

// offer is one call to Changes.Offer.
type offer struct {
	key            string
	latest, oldest int64
	stamped        bool
}

// recordingChanges delivers rows whose latest write is after mark, and records every offer.
type recordingChanges struct {
	mark   int64
	offers []offer
}

func (c *recordingChanges) Offer(key []any, latest, oldest int64, stamped bool) bool {
	c.offers = append(c.offers, offer{fmt.Sprint(key), latest, oldest, stamped})
	return stamped && latest > c.mark
}

func TestChangedRows(t *testing.T) {
	// Rows: k, c, v, writetime(v), writetime(l) — a simple column and a multi-cell list.
	rows := []Row{
		{int64(1), "a", "x", int64(100), nil},                           // old: not delivered
		{int64(2), "b", "y", int64(100), []any{int64(150), int64(300)}}, // a list element is new
		{int64(3), "c", "z", nil, nil},                                  // no regular cell set
		{int64(4), "d", "w", int64(500), []any{int64(50)}},              // updated: oldest is old
		{int64(5), "e", nil, nil, []any{}},                              // an empty list: no cell
	}
	node := &planner.ChangedRows{Keys: []int{0, 1}, Stamps: []int{3, 4}}
	changes := &recordingChanges{mark: 200}
	child := &sliceIter{rows: rows}
	it := &changedIter{child: child, node: node, changes: changes}
	got, err := Drain(context.Background(), it)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0][0] != int64(2) || got[1][0] != int64(4) {
		t.Errorf("delivered %v, want the rows with keys 2 and 4", got)
	}
	want := []offer{{"[1 a]", 100, 100, true}, {"[2 b]", 300, 100, true}, {"[3 c]", 0, 0, false}, {"[4 d]", 500, 50, true}, {"[5 e]", 0, 0, false}}
	if fmt.Sprint(changes.offers) != fmt.Sprint(want) {
		t.Errorf("offers %v, want %v", changes.offers, want)
	}
	if !child.closed {
		t.Error("child not closed")
	}
}

func TestChangedRowsBadStamp(t *testing.T) {
	for _, v := range []any{"100", []any{"x"}, 1.5} {
		it := &changedIter{child: &sliceIter{rows: []Row{{int64(1), v}}}, node: &planner.ChangedRows{Keys: []int{0}, Stamps: []int{1}},
			changes: &recordingChanges{}}
		if _, err := it.Next(context.Background()); err == nil {
			t.Errorf("write time %#v: no error", v)
		}
	}
}

func TestChangedRowsNeedsCursor(t *testing.T) {
	node := &planner.ChangedRows{Child: &planner.RangeScan{}}
	if _, err := New(nil, Options{}).Build(node); err != ErrNoCursor {
		t.Errorf("Build without Changes: %v, want ErrNoCursor", err)
	}
}
