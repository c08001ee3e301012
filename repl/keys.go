package repl

import (
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/schema"
)

// keyColumns names the key and static columns of the table a plan reads, for the header's colours.
func keyColumns(plan planner.Node) map[string]schema.ColumnKind {
	var t *schema.Table
	switch n := leaf(plan).(type) {
	case *planner.RangeScan:
		t = n.Table
	case *planner.RangeAggregate:
		t = n.Table
	case *planner.PartitionRead:
		t = n.Table
	}
	if t == nil {
		return nil
	}
	keys := map[string]schema.ColumnKind{}
	for _, c := range t.Columns {
		if c.Kind != schema.Regular {
			keys[c.Name] = c.Kind
		}
	}
	return keys
}
