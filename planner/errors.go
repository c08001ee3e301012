// Package planner turns a parsed statement, the table's schema and the cluster's token ring into a
// tree of plan nodes. Nodes describe work; the executor runs them. The planner reaches the cluster
// only through Catalog, so tests can plan without one.
package planner

import "errors"

// Error kinds the planner and its Catalog return; test them with errors.Is.
var (
	// ErrUnknownKeyspace: the keyspace does not exist.
	ErrUnknownKeyspace = errors.New("unknown keyspace")
	// ErrUnknownTable: the keyspace has no such table.
	ErrUnknownTable = errors.New("unknown table")
	// ErrNoKeyspace: the table is not qualified and no keyspace is in use.
	ErrNoKeyspace = errors.New("no keyspace specified")
	// ErrUnsupported: the statement is valid but cqlscan cannot run it (yet).
	ErrUnsupported = errors.New("not supported")
	// ErrVirtualKeyspace: the keyspace is virtual (system_views, system_virtual_schema): its tables
	// live in each node's memory, have no token ring to scan, and are answered by the node asked.
	ErrVirtualKeyspace = errors.New("virtual keyspace")
)
