package executor

import (
	"fmt"
	"strings"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
)

// tokenConds returns the conditions restricting token(partition key) to r, and their bind values. A
// bound at the ring's edge (Min or Max) is left out: (Min, x] is "token <= x", (x, Max] is
// "token > x", and the whole ring needs no condition at all.
func tokenConds(t *schema.Table, p *ring.Partitioner, r ring.Range) ([]string, []any) {
	tok := planner.TokenCall(t)
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
	return conds, args
}

func tableRef(t *schema.Table) string {
	return parser.QuoteIdent(t.Keyspace) + "." + parser.QuoteIdent(t.Name)
}

// statement completes a query: SELECT … FROM t, then WHERE with the conditions that choose the data
// (token bounds, a partition key) and the restrictions Cassandra applies itself, PER PARTITION LIMIT
// when ppl > 0, LIMIT when limit > 0, and ALLOW FILTERING when anything was restricted, in the order
// CQL wants them.
func statement(selectFrom string, conds, restrictions []string, ppl, limit int64) string {
	var b strings.Builder
	b.WriteString(selectFrom)
	if all := append(append([]string(nil), conds...), restrictions...); len(all) > 0 {
		b.WriteString(" WHERE " + strings.Join(all, " AND "))
	}
	if ppl > 0 {
		fmt.Fprintf(&b, " PER PARTITION LIMIT %d", ppl)
	}
	if limit > 0 {
		fmt.Fprintf(&b, " LIMIT %d", limit)
	}
	if len(restrictions) > 0 {
		b.WriteString(" ALLOW FILTERING")
	}
	return b.String()
}

// rangeStatement is the query of one token sub-range, with its bind values.
func rangeStatement(selectFrom string, t *schema.Table, p *ring.Partitioner, r ring.Range, restrictions []string, ppl, limit int64) (string, []any) {
	conds, args := tokenConds(t, p, r)
	return statement(selectFrom, conds, restrictions, ppl, limit), args
}
