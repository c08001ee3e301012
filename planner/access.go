package planner

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
)

// MaxPartitionReads caps the partitions a WHERE on the partition key may fix (the product of its
// IN lists); past it the ring is scanned instead.
const MaxPartitionReads = 1000

// PartitionRead reads whole partitions whose keys the WHERE fixes with = or IN: one query per
// partition, no ring scan.
type PartitionRead struct {
	Table             *schema.Table
	Selectors         []ScanColumn
	Keys              [][]string // per partition, the key columns' values as CQL literals, in key order
	Restrictions      []string
	PerPartitionLimit int64
}

var _ Node = (*PartitionRead)(nil)

// Children implements Node.
func (*PartitionRead) Children() []Node { return nil }

// Describe implements Node.
func (n *PartitionRead) Describe() string {
	var keys []string
	for i, k := range n.Keys {
		if i == 3 {
			keys = append(keys, "…")
			break
		}
		keys = append(keys, "("+strings.Join(k, ", ")+")")
	}
	extra := ""
	if len(n.Restrictions) > 0 {
		extra = " WHERE " + strings.Join(n.Restrictions, " AND ") + " ALLOW FILTERING"
	}
	return fmt.Sprintf("PartitionRead %s.%s %s%s: %d partitions %s", n.Table.Keyspace, n.Table.Name,
		selectorList(n.Selectors), extra, len(n.Keys), strings.Join(keys, ", "))
}

// Columns implements Node.
func (n *PartitionRead) Columns() []OutputColumn {
	out := make([]OutputColumn, len(n.Selectors))
	for i, c := range n.Selectors {
		out[i] = OutputColumn{Name: c.Name, Type: c.Type}
	}
	return out
}

// TokenCall is token(partition key columns) for t, as CQL takes it.
func TokenCall(t *schema.Table) string {
	pk := t.PartitionKey()
	names := make([]string, len(pk))
	for i, c := range pk {
		names[i] = parser.QuoteIdent(c.Name)
	}
	return "token(" + strings.Join(names, ", ") + ")"
}

// PartitionWhere is the CQL restriction selecting one partition of t by its key literals.
func PartitionWhere(t *schema.Table, key []string) string {
	pk := t.PartitionKey()
	terms := make([]string, len(pk))
	for i, c := range pk {
		terms[i] = parser.QuoteIdent(c.Name) + " = " + key[i]
	}
	return strings.Join(terms, " AND ")
}

// fixedPartitions returns the partition keys that the WHERE fixes, when every partition key column is
// restricted by = or IN with constants in a top-level AND term; nil otherwise.
func fixedPartitions(cond expr.Expr, sc *scanScope) [][]string {
	if cond == nil {
		return nil
	}
	pk := sc.table.PartitionKey()
	values := make([][]string, len(pk))
	for _, c := range conjuncts(cond) {
		var col *expr.Col
		var list []expr.Expr
		switch x := c.(type) {
		case *expr.Compare:
			if x.Op != "=" {
				continue
			}
			col, _ = x.L.(*expr.Col)
			list = []expr.Expr{x.R}
		case *expr.In:
			col, _ = x.X.(*expr.Col)
			list = x.List
		}
		if col == nil {
			continue
		}
		for i, p := range pk {
			if sc.sel[col.Index].Column != p.Name || values[i] != nil {
				continue
			}
			var lits []string
			for _, e := range list {
				k, ok := e.(*expr.Const)
				if !ok || k.Value == nil {
					lits = nil
					break
				}
				lits = append(lits, k.Text)
			}
			values[i] = lits
		}
	}
	keys := [][]string{{}}
	for _, vs := range values {
		if len(vs) == 0 {
			return nil
		}
		var next [][]string
		for _, k := range keys {
			for _, v := range vs {
				next = append(next, append(append([]string(nil), k...), v))
			}
		}
		if len(next) > MaxPartitionReads {
			return nil
		}
		keys = dedupe(next)
	}
	return keys
}

func dedupe(keys [][]string) [][]string {
	seen := map[string]bool{}
	var out [][]string
	for _, k := range keys {
		s := strings.Join(k, "\x00")
		if !seen[s] {
			seen[s] = true
			out = append(out, k)
		}
	}
	return out
}

// tokenBounds narrows (Min, Max] by the WHERE's top-level token() comparisons with constants.
func tokenBounds(cond expr.Expr, sc *scanScope, p *ring.Partitioner) (lo, hi *big.Int) {
	lo, hi = new(big.Int).Set(p.Min), new(big.Int).Set(p.Max)
	if cond == nil {
		return lo, hi
	}
	one := big.NewInt(1)
	for _, c := range conjuncts(cond) {
		cmp, ok := c.(*expr.Compare)
		if !ok {
			continue
		}
		col, isCol := cmp.L.(*expr.Col)
		k, isConst := cmp.R.(*expr.Const)
		if !isCol || !isConst || k.Value == nil || !sc.sel[col.Index].Token {
			continue
		}
		var v *big.Int
		switch x := k.Value.(type) {
		case int64:
			v = big.NewInt(x)
		case *big.Int:
			v = new(big.Int).Set(x)
		default:
			continue
		}
		raise := func(x *big.Int) { // lo = max(lo, x)
			if x.Cmp(lo) > 0 {
				lo.Set(x)
			}
		}
		lower := func(x *big.Int) { // hi = min(hi, x)
			if x.Cmp(hi) < 0 {
				hi.Set(x)
			}
		}
		switch cmp.Op {
		case ">":
			raise(v)
		case ">=":
			raise(new(big.Int).Sub(v, one))
		case "<":
			lower(new(big.Int).Sub(v, one))
		case "<=":
			lower(v)
		case "=":
			raise(new(big.Int).Sub(v, one))
			lower(v)
		}
	}
	return lo, hi
}

// clipRanges keeps the parts of ranges inside (lo, hi].
func clipRanges(ranges []ring.Range, lo, hi *big.Int) []ring.Range {
	var out []ring.Range
	for _, r := range ranges {
		start, end := r.Start, r.End
		if lo.Cmp(start) > 0 {
			start = lo
		}
		if hi.Cmp(end) < 0 {
			end = hi
		}
		if start.Cmp(end) < 0 {
			out = append(out, ring.Range{Start: start, End: end, Replicas: r.Replicas})
		}
	}
	return out
}
