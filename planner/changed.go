package planner

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/planner/types"
)

// Cursor is the condition of an incremental read (--cursor): of the rows the statement selects, only
// those written or updated since the cursor's mark, and not delivered already, are returned. The
// marks are write times in microseconds since the epoch, as writetime() gives them.
type Cursor struct {
	File       string // the cursor file, for EXPLAIN
	Since      string // the old mark, as shown ("the beginning" for a new cursor)
	Until      string // the mark the run moves the cursor to when it succeeds
	Remembered int    // versions delivered in the overlap, not delivered again
}

// ErrCursor marks a statement a cursor cannot follow: one whose answer is not a set of table rows,
// or a table whose rows carry no write times.
var ErrCursor = errors.New("a cursor cannot follow this statement")

// ChangedRows passes on the rows of its child that changed since a cursor's mark: it reads the write
// time of every regular cell of each row (Stamps), takes the newest and the oldest, and asks the
// executor's cursor whether the row's version, told apart by its primary key (Keys), is to be
// delivered. The rows pass unchanged: the key and stamp columns are extra selectors of the scan,
// which the Project above drops.
type ChangedRows struct {
	Child   Node
	Keys    []int    // the primary key's columns in the child's rows: partition key, then clustering
	Stamps  []int    // writetime() of each regular column, in the child's rows
	Stamped []string // the regular columns stamped, for EXPLAIN
	Cursor  Cursor
}

var _ Node = (*ChangedRows)(nil)

// Children implements Node.
func (n *ChangedRows) Children() []Node { return []Node{n.Child} }

// Describe implements Node.
func (n *ChangedRows) Describe() string {
	return fmt.Sprintf("ChangedRows latest writetime of [%s] > %s (cursor %s), not delivered already (%d versions remembered); on success the mark moves to %s",
		strings.Join(n.Stamped, ", "), n.Cursor.Since, n.Cursor.File, n.Cursor.Remembered, n.Cursor.Until)
}

// Columns implements Node.
func (n *ChangedRows) Columns() []OutputColumn { return n.Child.Columns() }

// cursorRefusal says why a cursor cannot follow a bound statement, or returns nil.
func cursorRefusal(b *boundSelect) error {
	why := ""
	switch {
	case b.isAgg:
		why = "it aggregates; a cursor delivers changed rows (aggregate them downstream)"
	case b.distinct:
		why = "SELECT DISTINCT returns partition keys, not rows"
	case b.limit != nil:
		why = "LIMIT would leave changed rows behind while the mark moves past them; use --batch-rows to bound batches"
	case b.ppl != nil:
		why = "PER PARTITION LIMIT would leave changed rows behind while the mark moves past them"
	}
	if why != "" {
		return fmt.Errorf("%w: %s", ErrCursor, why)
	}
	return nil
}

// addChangedRows puts a ChangedRows above node, adding to the scan the primary key's columns and the
// write time of every regular column. Static columns do not count (their write belongs to the
// partition, not the row), and counters have no write time: a table with no other column is refused.
func addChangedRows(node Node, b *boundSelect, table *schema.Table, cur *Cursor) (Node, error) {
	cr := &ChangedRows{Child: node, Cursor: *cur}
	for _, c := range append(table.PartitionKey(), table.ClusteringKey()...) {
		col, err := b.sc.column(c.Name)
		if err != nil {
			return nil, err
		}
		cr.Keys = append(cr.Keys, col.Index)
	}
	for _, c := range table.Columns {
		if c.Kind == schema.Regular && b.sc.colTypes[c.Name].Kind != types.Counter {
			q := parser.QuoteIdent(c.Name)
			col := b.sc.selector(ScanColumn{CQL: "writetime(" + q + ")", Name: "writetime(" + q + ")", Type: types.Of(types.BigInt)})
			cr.Stamps = append(cr.Stamps, col.Index)
			cr.Stamped = append(cr.Stamped, q)
		}
	}
	if len(cr.Stamps) == 0 {
		return nil, fmt.Errorf("%w: %s.%s has no regular column with write times (counters and static columns have none per row), so its changes cannot be told apart",
			ErrCursor, parser.QuoteIdent(table.Keyspace), parser.QuoteIdent(table.Name))
	}
	return cr, nil
}
