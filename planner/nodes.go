package planner

import (
	"fmt"
	"strings"

	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/planner/types"
)

// ScanColumn is one selector of a range scan: a column, or a server-side function of one
// (writetime, ttl, token).
type ScanColumn struct {
	CQL    string // the selector as sent, e.g. "v" or writetime("v")
	Name   string // as shown, e.g. v or writetime(v)
	Type   types.Type
	Column string // the table column it reads as is; "" for writetime(), ttl() and token()
	Token  bool   // it is token(partition key)
	// Replica marks a function, cast or user-type field that the replicas compute for each row.
	Replica bool
}

// selectorList prints the selectors of a scan as EXPLAIN shows them: [a, b, todate(ts)], then which
// of them the replicas compute.
func selectorList(sels []ScanColumn) string {
	cols := make([]string, len(sels))
	var computed []string
	for i, c := range sels {
		cols[i] = c.CQL
		if c.Replica {
			computed = append(computed, c.CQL)
		}
	}
	s := "[" + strings.Join(cols, ", ") + "]"
	if len(computed) > 0 {
		s += " (computed by the replicas: " + strings.Join(computed, ", ") + ")"
	}
	return s
}

// RangeScan reads the selected columns of every row of a table, sub-range by sub-range, each on one
// of its replicas, paging with the fetch size.
type RangeScan struct {
	Table       *schema.Table
	Partitioner *ring.Partitioner
	Selectors   []ScanColumn
	Ranges      []ring.Range
	RingRanges  int
	Hosts       int
	// PerPartitionLimit, when > 0, is sent to Cassandra: at most this many rows of each partition.
	PerPartitionLimit int64
	// Limit, when > 0, is sent to Cassandra with each sub-range's query (and caps its page size): a
	// LIMIT with nothing but a projection between it and the scan needs no more rows from any range.
	Limit int64
	// Restrictions are conditions Cassandra applies itself, with ALLOW FILTERING.
	Restrictions []Restriction
	// Sizing says how the number of sub-ranges was chosen, for EXPLAIN and --verbose.
	Sizing string
	// Ring is the fingerprint of the token ring the plan was made on, so that a checkpoint of an
	// aggregate over this scan is only ever resumed on the same ring.
	Ring string
}

// PartitionLimit keeps at most N rows of each partition, told apart by the values at Keys (the
// partition key). It runs on the client when a WHERE filters first; memory grows with partitions.
type PartitionLimit struct {
	Child Node
	N     int64
	Keys  []int
}

var _ Node = (*PartitionLimit)(nil)

// Children implements Node.
func (n *PartitionLimit) Children() []Node { return []Node{n.Child} }

// Describe implements Node.
func (n *PartitionLimit) Describe() string { return fmt.Sprintf("PartitionLimit %d", n.N) }

// Columns implements Node.
func (n *PartitionLimit) Columns() []OutputColumn { return n.Child.Columns() }

// Filter keeps the rows for which Cond is true (not false, not unknown).
type Filter struct {
	Child Node
	Cond  expr.Expr
	What  string // "WHERE" or "HAVING", for EXPLAIN
}

// Aggregate is one aggregate function of a HashAggregate.
type Aggregate struct {
	Func     string // count, sum, avg, min, max
	Arg      expr.Expr
	Star     bool // count(*)
	Distinct bool
	T        types.Type
}

// String prints the aggregate as written.
func (a Aggregate) String() string {
	switch {
	case a.Star:
		return a.Func + "(*)"
	case a.Distinct:
		return a.Func + "(DISTINCT " + a.Arg.String() + ")"
	}
	return a.Func + "(" + a.Arg.String() + ")"
}

// HashAggregate groups its input by Groups and computes Aggs per group. Its output rows are the group
// values followed by the aggregate values. With no groups it emits exactly one row.
type HashAggregate struct {
	Child  Node
	Groups []expr.Expr
	Aggs   []Aggregate
	// KeyOrder says the groups start with the partition key, as in a GROUP BY Cassandra runs itself:
	// they are to come out in its order (token order), so the input is read in order and groups are
	// emitted as first seen.
	KeyOrder bool
}

// Project computes output expressions. Hidden trailing columns (ORDER BY keys not selected) are
// carried for a Sort and dropped by a later Project.
type Project struct {
	Child Node
	Exprs []expr.Expr
	Names []string
}

// Distinct drops repeated rows.
type Distinct struct {
	Child Node
	// KeyOrder says the values hold the whole partition key, as in a SELECT DISTINCT Cassandra runs
	// itself: they are to come out in token order, as first seen from an input read in order.
	KeyOrder bool
}

// SortKey is one ORDER BY key, a position in the child's rows.
type SortKey struct {
	Index int
	Desc  bool
	T     types.Type
	Name  string
}

// Sort orders rows; NULL sorts first ascending and last descending. With Limit > 0 it keeps only the
// first Limit rows in a heap (top-K), so memory stays bounded by the limit.
type Sort struct {
	Child Node
	Keys  []SortKey
	Limit int64
}

// Limit passes on the first N rows and then stops its input, which cancels the range scans under it.
type Limit struct {
	Child Node
	N     int64
}

var (
	_ Node = (*RangeScan)(nil)
	_ Node = (*Filter)(nil)
	_ Node = (*HashAggregate)(nil)
	_ Node = (*Project)(nil)
	_ Node = (*Distinct)(nil)
	_ Node = (*Sort)(nil)
	_ Node = (*Limit)(nil)
)

// Children implements Node.
func (*RangeScan) Children() []Node { return nil }

// Describe implements Node.
func (n *RangeScan) Describe() string {
	ppl := ""
	if len(n.Restrictions) > 0 {
		ppl = " WHERE " + restrictionList(n.Restrictions)
	}
	if n.PerPartitionLimit > 0 {
		ppl += fmt.Sprintf(" PER PARTITION LIMIT %d", n.PerPartitionLimit)
	}
	if n.Limit > 0 {
		ppl += fmt.Sprintf(" LIMIT %d per sub-range", n.Limit)
	}
	if len(n.Restrictions) > 0 {
		ppl += " ALLOW FILTERING"
	}
	return fmt.Sprintf("RangeScan %s.%s %s%s: %d sub-ranges of %d ring ranges, %d replicas, %s",
		n.Table.Keyspace, n.Table.Name, selectorList(n.Selectors), ppl, len(n.Ranges), n.RingRanges, n.Hosts,
		replicationString(n.Table.Replication))
}

// Columns implements Node.
func (n *RangeScan) Columns() []OutputColumn {
	out := make([]OutputColumn, len(n.Selectors))
	for i, c := range n.Selectors {
		out[i] = OutputColumn{Name: c.Name, Type: c.Type}
	}
	return out
}

// Children implements Node.
func (n *Filter) Children() []Node { return []Node{n.Child} }

// Describe implements Node.
func (n *Filter) Describe() string { return fmt.Sprintf("Filter (%s) %s", n.What, n.Cond) }

// Columns implements Node.
func (n *Filter) Columns() []OutputColumn { return n.Child.Columns() }

// Children implements Node.
func (n *HashAggregate) Children() []Node { return []Node{n.Child} }

// Describe implements Node.
func (n *HashAggregate) Describe() string {
	aggs := make([]string, len(n.Aggs))
	for i, a := range n.Aggs {
		aggs[i] = a.String()
	}
	const phases = " — partial and final phases on the client"
	if len(n.Groups) == 0 {
		return "HashAggregate " + strings.Join(aggs, ", ") + phases
	}
	order := ""
	if n.KeyOrder {
		order = ", groups in token order"
	}
	return fmt.Sprintf("HashAggregate %s GROUP BY %s%s%s", strings.Join(aggs, ", "), joinExprs(n.Groups), order, phases)
}

// Columns implements Node.
func (n *HashAggregate) Columns() []OutputColumn {
	var out []OutputColumn
	for _, g := range n.Groups {
		out = append(out, OutputColumn{Name: g.String(), Type: g.Type()})
	}
	for _, a := range n.Aggs {
		out = append(out, OutputColumn{Name: a.String(), Type: a.T})
	}
	return out
}

// Children implements Node.
func (n *Project) Children() []Node { return []Node{n.Child} }

// Describe implements Node.
func (n *Project) Describe() string {
	parts := make([]string, len(n.Exprs))
	for i, e := range n.Exprs {
		parts[i] = e.String()
		if i < len(n.Names) && n.Names[i] != e.String() {
			parts[i] += " AS " + n.Names[i]
		}
	}
	return "Project " + strings.Join(parts, ", ")
}

// Columns implements Node.
func (n *Project) Columns() []OutputColumn {
	out := make([]OutputColumn, len(n.Exprs))
	for i, e := range n.Exprs {
		out[i] = OutputColumn{Name: n.Names[i], Type: e.Type()}
	}
	return out
}

// Children implements Node.
func (n *Distinct) Children() []Node { return []Node{n.Child} }

// Describe implements Node.
func (n *Distinct) Describe() string {
	if n.KeyOrder {
		return "Distinct, in token order"
	}
	return "Distinct"
}

// Columns implements Node.
func (n *Distinct) Columns() []OutputColumn { return n.Child.Columns() }

// Children implements Node.
func (n *Sort) Children() []Node { return []Node{n.Child} }

// Describe implements Node.
func (n *Sort) Describe() string {
	keys := make([]string, len(n.Keys))
	for i, k := range n.Keys {
		keys[i] = k.Name
		if k.Desc {
			keys[i] += " DESC"
		}
	}
	if n.Limit > 0 {
		return fmt.Sprintf("TopK %d by %s", n.Limit, strings.Join(keys, ", "))
	}
	return "Sort by " + strings.Join(keys, ", ")
}

// Columns implements Node.
func (n *Sort) Columns() []OutputColumn { return n.Child.Columns() }

// Children implements Node.
func (n *Limit) Children() []Node { return []Node{n.Child} }

// Describe implements Node.
func (n *Limit) Describe() string { return fmt.Sprintf("Limit %d", n.N) }

// Columns implements Node.
func (n *Limit) Columns() []OutputColumn { return n.Child.Columns() }

func joinExprs(es []expr.Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}
