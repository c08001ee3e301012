// Package schema describes Cassandra tables as the planner needs them: columns, their CQL types and
// roles in the primary key, and the keyspace's replication.
package schema

import (
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/types"
)

// ColumnKind is a column's role in the table.
type ColumnKind int

// Column kinds, as system_schema.columns names them.
const (
	Regular ColumnKind = iota
	PartitionKey
	Clustering
	Static
)

// KindFromSchema maps system_schema.columns.kind to a ColumnKind.
func KindFromSchema(s string) ColumnKind {
	switch s {
	case "partition_key":
		return PartitionKey
	case "clustering":
		return Clustering
	case "static":
		return Static
	}
	return Regular
}

// Column is one column of a table.
type Column struct {
	Name     string
	Type     string // CQL type as the schema prints it, e.g. "int", "map<text, int>"
	Kind     ColumnKind
	Position int  // position within the partition key or clustering key
	Desc     bool // a clustering column stored in descending order (CLUSTERING ORDER BY … DESC)
}

// Table is a table with its keyspace's replication.
type Table struct {
	Keyspace    string
	Name        string
	Columns     []Column // in schema order: partition key, clustering, then the rest by name
	Replication ring.Replication
	// UserTypes holds the keyspace's user-defined types by name, so that UDT columns know their
	// fields in declaration order.
	UserTypes map[string]types.UserType
}

// PartitionKey returns the partition key columns in key order.
func (t *Table) PartitionKey() []Column { return t.keyColumns(PartitionKey) }

// ClusteringKey returns the clustering columns in key order.
func (t *Table) ClusteringKey() []Column { return t.keyColumns(Clustering) }

// Column returns the named column, or nil.
func (t *Table) Column(name string) *Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

func (t *Table) keyColumns(k ColumnKind) []Column {
	var out []Column
	for _, c := range t.Columns {
		if c.Kind == k {
			out = append(out, c)
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Position < out[j-1].Position; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
