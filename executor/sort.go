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
// descending. With a limit it keeps only the best limit rows in a heap, so memory is bounded by it.
type sortIter struct {
	child Iter
	keys  []planner.SortKey
	limit int64
}

// less orders rows by the sort keys.
func (it *sortIter) less(a, b Row) bool {
	for _, k := range it.keys {
		c := types.CompareNullable(k.T, a[k.Index], b[k.Index])
		if k.Desc {
			c = -c
		}
		if c != 0 {
			return c < 0
		}
	}
	return false
}

// rowHeap is a max-heap by the sort order: its top is the worst row kept.
type rowHeap struct {
	rows []Row
	less func(a, b Row) bool
}

func (h *rowHeap) Len() int           { return len(h.rows) }
func (h *rowHeap) Less(i, j int) bool { return h.less(h.rows[j], h.rows[i]) }
func (h *rowHeap) Swap(i, j int)      { h.rows[i], h.rows[j] = h.rows[j], h.rows[i] }
func (h *rowHeap) Push(x any)         { h.rows = append(h.rows, x.(Row)) }
func (h *rowHeap) Pop() any {
	r := h.rows[len(h.rows)-1]
	h.rows = h.rows[:len(h.rows)-1]
	return r
}

// fill reads all the input and returns it in order.
func (it *sortIter) fill(ctx context.Context) ([]Row, error) {
	h := &rowHeap{less: it.less}
	for {
		row, err := it.child.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch {
		case it.limit <= 0 || int64(h.Len()) < it.limit:
			heap.Push(h, row)
		case it.less(row, h.rows[0]):
			h.rows[0] = row
			heap.Fix(h, 0)
		}
	}
	rows := h.rows
	sort.SliceStable(rows, func(i, j int) bool { return it.less(rows[i], rows[j]) })
	return rows, nil
}
