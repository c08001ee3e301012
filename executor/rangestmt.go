package executor

import (
	"strings"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
)

// tokenRestriction returns the WHERE clause restricting token(partition key) to r, and its bind
// values. A bound at the ring's edge (Min or Max) is left out: (Min, x] is "token <= x", (x, Max] is
// "token > x", and the whole ring is no restriction at all.
func tokenRestriction(t *schema.Table, p *ring.Partitioner, r ring.Range) (string, []any) {
	pk := t.PartitionKey()
	names := make([]string, len(pk))
	for i, c := range pk {
		names[i] = parser.QuoteIdent(c.Name)
	}
	tok := "token(" + strings.Join(names, ", ") + ")"
	var conds []string
	var args []any
	if r.Start.Cmp(p.Min) != 0 {
		conds = append(conds, tok+" > ?")
		args = append(args, p.BindValue(r.Start))
	}
	if r.End.Cmp(p.Max) != 0 {
		conds = append(conds, tok+" <= ?")
		args = append(args, p.BindValue(r.End))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func tableRef(t *schema.Table) string {
	return parser.QuoteIdent(t.Keyspace) + "." + parser.QuoteIdent(t.Name)
}
