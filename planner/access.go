package planner

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/planner/types"
)

// MaxPartitionReads caps the partitions a WHERE on the partition key may fix (the product of its
// IN lists); past it the ring is scanned instead.
const MaxPartitionReads = 100_000

// PartitionRead reads whole partitions whose keys the WHERE fixes with = or IN: one query per
// partition, no ring scan.
type PartitionRead struct {
	Table     *schema.Table
	Selectors []ScanColumn
	// Keys are the partitions to read, each once, in the order Cassandra reads the partitions that
	// IN lists name: by the first key column's value, then the next, each in its type's order.
	Keys []PartitionKey
	// Replicas are, for each key, the hosts that hold its partition (none: unknown, the driver picks
	// a coordinator). Nil when no key's replicas are known.
	Replicas          [][]string
	Restrictions      []Restriction
	PerPartitionLimit int64
}

// PartitionKey is the key of one partition: a value for each partition key column, in key order,
// typed as its column.
type PartitionKey []*expr.Const

// String prints the key as EXPLAIN shows it: (1, 'a').
func (k PartitionKey) String() string {
	parts := make([]string, len(k))
	for i, v := range k {
		parts[i] = v.Text
	}
	return "(" + strings.Join(parts, ", ") + ")"
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
		keys = append(keys, k.String())
	}
	extra := ""
	if len(n.Restrictions) > 0 {
		extra = " WHERE " + restrictionList(n.Restrictions)
	}
	if n.PerPartitionLimit > 0 {
		extra += fmt.Sprintf(" PER PARTITION LIMIT %d", n.PerPartitionLimit)
	}
	if len(n.Restrictions) > 0 {
		extra += " ALLOW FILTERING"
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

// PartitionWhere is the CQL restriction selecting one partition of t, with its key's literals:
// k = 1 AND b = 'x'.
func PartitionWhere(t *schema.Table, key PartitionKey) string {
	pk := t.PartitionKey()
	terms := make([]string, len(pk))
	for i, c := range pk {
		terms[i] = parser.QuoteIdent(c.Name) + " = " + key[i].Text
	}
	return strings.Join(terms, " AND ")
}

// fixedPartitions returns the partitions that the WHERE fixes, when every partition key column is
// restricted by = or IN with constants in a top-level AND term, and those terms, which every row of
// those partitions satisfies; nil when it fixes none, or more than MaxPartitionReads. Each partition
// comes once, in Cassandra's order (PartitionRead.Keys). Its time is linear in the partitions, but for
// sorting each column's values.
func fixedPartitions(cond expr.Expr, sc *scanScope) ([]PartitionKey, []expr.Expr) {
	if cond == nil {
		return nil, nil
	}
	pk := sc.table.PartitionKey()
	values := make([][]*expr.Const, len(pk))
	used := make([]expr.Expr, len(pk))
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
			t := sc.colTypes[p.Name]
			if vs, ok := keyValues(list, t); ok {
				values[i], used[i] = vs, c
			}
		}
	}
	n := 1
	for _, vs := range values {
		if len(vs) == 0 {
			return nil, nil
		}
		if n *= len(vs); n > MaxPartitionReads {
			return nil, nil
		}
	}
	// Every column's values are in order and distinct, so their product, taken with the first
	// column outermost, is in order and distinct too.
	flat := make([]*expr.Const, n*len(pk)) // one allocation for every key's values
	keys := make([]PartitionKey, n)
	for j := range keys {
		keys[j] = flat[j*len(pk) : (j+1)*len(pk) : (j+1)*len(pk)]
	}
	repeat := n // how many consecutive keys share column i's value
	for i, vs := range values {
		repeat /= len(vs)
		for j, k := range keys {
			k[i] = vs[(j/repeat)%len(vs)]
		}
	}
	return keys, used
}

// keyValues returns the constants of list, typed t, in t's order with each value once (1 and 01 are
// one partition, as Cassandra reads it); false if any item is not a non-NULL constant of type t.
// Cassandra orders the values of every type a key may have so: frozen collections, tuples, user
// types and vectors element by element, then shorter first (checked against Cassandra 5.0.9).
func keyValues(list []expr.Expr, t types.Type) ([]*expr.Const, bool) {
	type item struct {
		k   *expr.Const
		pos int
	}
	items := make([]item, len(list))
	for i, e := range list {
		k, ok := e.(*expr.Const)
		if !ok || k.Value == nil || k.T.Kind != t.Kind {
			return nil, false
		}
		items[i] = item{k, i}
	}
	slices.SortFunc(items, func(a, b item) int { // of equal values, the first written comes first
		if c := compareKeys(t, a.k.Value, b.k.Value); c != 0 {
			return c
		}
		return cmp.Compare(a.pos, b.pos)
	})
	vs := make([]*expr.Const, 0, len(items))
	for i, it := range items {
		if i == 0 || compareKeys(t, items[i-1].k.Value, it.k.Value) != 0 {
			vs = append(vs, it.k)
		}
	}
	return vs, true
}

// compareKeys is types.Compare, with a shortcut for the most common keys, integers and text
// (types.Compare compares numbers of any two types, exactly, through big.Rat).
func compareKeys(t types.Type, a, b any) int {
	switch x := a.(type) {
	case int64:
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y)
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	}
	return types.Compare(t, a, b)
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
