package executor

import (
	"container/heap"
	"context"
	"io"
	"sort"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/types"
)

// sortIter reads all its input and returns it ordered by the keys, NULL first ascending and last
// descending; rows equal on every key keep the order they came in. With a limit it keeps only the
// best limit rows in a heap, so memory is bounded by it, and returns exactly the first limit rows of
// that same order: of rows tied at the cut, those that came first.
type sortIter struct {
	child Iter
	keys  []planner.SortKey
	limit int64
}

// compare orders rows by the sort keys.
func (it *sortIter) compare(a, b Row) int {
	for _, k := range it.keys {
		c := types.CompareNullable(k.T, a[k.Index], b[k.Index])
		if k.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// keptRow is a row in the top-K heap with the number of its arrival, which orders rows equal on
// every key as they came, so that the heap keeps and returns what a stable sort would put first.
type keptRow struct {
	row Row
	seq int64
}

func (it *sortIter) before(a, b keptRow) bool {
	if c := it.compare(a.row, b.row); c != 0 {
		return c < 0
	}
	return a.seq < b.seq
}

// rowHeap is a max-heap by the sort order: its top is the worst row kept.
type rowHeap struct {
	rows   []keptRow
	before func(a, b keptRow) bool
}

func (h *rowHeap) Len() int           { return len(h.rows) }
func (h *rowHeap) Less(i, j int) bool { return h.before(h.rows[j], h.rows[i]) }
func (h *rowHeap) Swap(i, j int)      { h.rows[i], h.rows[j] = h.rows[j], h.rows[i] }
func (h *rowHeap) Push(x any)         { h.rows = append(h.rows, x.(keptRow)) }
func (h *rowHeap) Pop() any {
	r := h.rows[len(h.rows)-1]
	h.rows = h.rows[:len(h.rows)-1]
	return r
}

// fill reads all the input and returns it in order.
func (it *sortIter) fill(ctx context.Context) ([]Row, error) {
	if it.limit <= 0 {
		var rows []Row
		for {
			row, err := it.child.Next(ctx)
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			rows = append(rows, row)
		}
		sort.SliceStable(rows, func(i, j int) bool { return it.compare(rows[i], rows[j]) < 0 })
		return rows, nil
	}
	h := &rowHeap{before: it.before}
	for seq := int64(0); ; seq++ {
		row, err := it.child.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch {
		case int64(h.Len()) < it.limit:
			heap.Push(h, keptRow{row, seq})
		case it.compare(row, h.rows[0].row) < 0: // a row tied with the worst kept came after it
			h.rows[0] = keptRow{row, seq}
			heap.Fix(h, 0)
		}
	}
	sort.Slice(h.rows, func(i, j int) bool { return it.before(h.rows[i], h.rows[j]) })
	rows := make([]Row, len(h.rows))
	for i, k := range h.rows {
		rows[i] = k.row
	}
	return rows, nil
}
