package executor

import (
	"fmt"
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

// rangeStatement completes a range query: SELECT … FROM t, then the token bounds of r, the
// restrictions Cassandra applies itself, PER PARTITION LIMIT when ppl > 0, and ALLOW FILTERING when
// anything was restricted, in the order CQL wants them.
func rangeStatement(selectFrom string, t *schema.Table, p *ring.Partitioner, r ring.Range, restrictions []string, ppl int64) (string, []any) {
	where, args := tokenRestriction(t, p, r)
	var b strings.Builder
	b.WriteString(selectFrom + where)
	if len(restrictions) > 0 {
		if where == "" {
			b.WriteString(" WHERE ")
		} else {
			b.WriteString(" AND ")
		}
		b.WriteString(strings.Join(restrictions, " AND "))
	}
	if ppl > 0 {
		fmt.Fprintf(&b, " PER PARTITION LIMIT %d", ppl)
	}
	if len(restrictions) > 0 {
		b.WriteString(" ALLOW FILTERING")
	}
	return b.String(), args
}
