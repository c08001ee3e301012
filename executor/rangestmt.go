package executor

import (
	"fmt"
	"math/big"
	"net"
	"strings"
	"time"

	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/planner/types"
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

// rangeStatement is the query of one token sub-range, with its bind values: the token bounds', then
// the restrictions'.
func rangeStatement(selectFrom string, t *schema.Table, p *ring.Partitioner, r ring.Range, rs terms, ppl, limit int64) (string, []any) {
	conds, args := tokenConds(t, p, r)
	return statement(selectFrom, conds, rs.cql, ppl, limit), append(args, rs.args...)
}

// terms are conditions as a statement sends them, and the values bound to their ?s, in order.
type terms struct {
	cql  []string
	args []any
}

// add appends the condition column op v: with a bind value where bindValue takes v's type, with its
// literal otherwise.
func (ts *terms) add(column, op string, v *expr.Const) {
	if arg, ok := bindValue(v.T, v.Value); ok {
		ts.cql = append(ts.cql, column+" "+op+" ?")
		ts.args = append(ts.args, arg)
		return
	}
	ts.cql = append(ts.cql, column+" "+op+" "+v.Text)
}

// restrictionTerms are the restrictions of a scan as every one of its queries sends them. They are
// converted once: the values are shared by every sub-range's query and never copied into its text,
// which is the same for every sub-range (so the driver prepares it once).
func restrictionTerms(rs []planner.Restriction) terms {
	var ts terms
	for _, r := range rs {
		ts.add(r.Column, r.Op, r.Value)
	}
	return ts
}

// keyTerms are the conditions that select the partition key of t.
func keyTerms(t *schema.Table, key planner.PartitionKey) terms {
	var ts terms
	for i, c := range t.PartitionKey() {
		ts.add(parser.QuoteIdent(c.Name), "=", key[i])
	}
	return ts
}

// bindValue converts a value of type t, in the canonical form of package types, to the Go value the
// driver binds to a ? of that type; false for the types sent as literals instead (collections,
// tuples, user types, vectors, durations, Empty). Text becomes []byte, which the driver sends as it
// is, so that a long string is converted here once rather than at every query; timestamps and dates
// become milliseconds since the epoch, which the driver takes without the special case it makes of
// time.Time's zero (0001-01-01, which it would send as an empty value).
func bindValue(t types.Type, v any) (any, bool) {
	switch x := v.(type) {
	case string:
		if t.IsText() {
			return []byte(x), true
		}
	case int64:
		if t.IsInteger() {
			return x, true
		}
	case *big.Int:
		if t.Kind == types.Varint {
			return x, true
		}
	case *inf.Dec:
		if t.Kind == types.Decimal {
			return x, true
		}
	case float64:
		switch t.Kind {
		case types.Float:
			return float32(x), true
		case types.Double:
			return x, true
		}
	case bool:
		if t.Kind == types.Boolean {
			return x, true
		}
	case []byte:
		if t.Kind == types.Blob {
			if x == nil {
				x = []byte{} // an empty blob (0x), not NULL
			}
			return x, true
		}
	case types.UUIDValue:
		if t.Kind == types.UUID || t.Kind == types.TimeUUID {
			return [16]byte(x), true
		}
	case time.Time:
		switch t.Kind {
		case types.Timestamp:
			return x.UnixMilli(), true
		case types.Date: // the driver divides by a day, truncating: send the day's midnight
			const day = 24 * 60 * 60 * 1000
			ms := x.UnixMilli()
			return ms - ((ms%day)+day)%day, true
		}
	case time.Duration:
		if t.Kind == types.Time {
			return x, true
		}
	case net.IP:
		if t.Kind == types.Inet {
			return x, true
		}
	}
	return nil, false
}
