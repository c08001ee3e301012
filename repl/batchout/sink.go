// Package batchout is where the rows of an incremental read (--cursor) go, in batches, so that
// memory is bounded by one batch, not by the run: numbered files in a directory (Dir), each written
// atomically and durably, or one output stream printed as batches fill (Stream).
package batchout

import (
	"fmt"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/repl/render"
)

// DefaultRows is the batch size when none is given (a size below 1).
const DefaultRows = 10000

// Sink takes the rows of a run.
type Sink interface {
	// Add takes one row; it may write a batch.
	Add(row executor.Row) error
	// Close writes what is left. Calling it again does nothing more (it returns the same error).
	Close() error
	// Batches is the base names of the batch files written so far; nil for a Stream.
	Batches() []string
	// Rows is how many rows were added.
	Rows() int64
}

// Columns is what a sink needs of a result besides its rows: its typed columns, and the key columns
// of the table read (as render.Result takes them).
type Columns struct {
	Columns []planner.OutputColumn
	Keys    map[string]schema.ColumnKind
}

// result is a batch of rows as render takes it.
func (c Columns) result(rows []executor.Row) *render.Result {
	return &render.Result{Columns: c.Columns, Rows: rows, Keys: c.Keys}
}

// check refuses a row that does not have one value per column (render would index past them).
func (c Columns) check(row executor.Row) error {
	if len(row) != len(c.Columns) {
		return fmt.Errorf("batch output: a row of %d values for %d columns", len(row), len(c.Columns))
	}
	return nil
}

// batchSize is rows, or DefaultRows when it is below 1.
func batchSize(rows int) int {
	if rows < 1 {
		return DefaultRows
	}
	return rows
}
