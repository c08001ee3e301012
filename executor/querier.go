package executor

import (
	"context"

	"github.com/cqlscan/cqlscan/planner"
)

// PageRequest asks one host for one page of a statement's result.
type PageRequest struct {
	HostID    string // the replica to run on
	Stmt      string
	Args      []any
	PageSize  int
	PageState []byte // nil for the first page
}

// Page is one page of rows; Next is the paging state of the following page, nil after the last.
type Page struct {
	Rows []Row
	Next []byte
}

// Result is the whole answer to a statement cqlscan passes through to Cassandra: its columns, its
// rows, and the warnings Cassandra sent with it (a replication factor above the number of nodes,
// too many tombstones read, …), which cqlsh prints after the result.
type Result struct {
	Columns  []planner.OutputColumn
	Rows     []Row
	Warnings []string
}

// Querier runs statements on chosen hosts. The cluster package implements it with gocql; tests can
// implement it without a cluster.
type Querier interface {
	QueryPage(ctx context.Context, req PageRequest) (Page, error)
}
