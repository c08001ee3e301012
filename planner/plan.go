package planner

import (
	"fmt"
	"strings"

	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/planner/types"
)

// Node is a plan node. It describes work and holds no running state.
type Node interface {
	// Children returns the inputs of the node.
	Children() []Node
	// Describe is the node's one-line description in EXPLAIN output.
	Describe() string
	// Columns names the node's output columns.
	Columns() []OutputColumn
}

// OutputColumn is a named, typed output column.
type OutputColumn struct {
	Name string
	Type types.Type // CQL type of the values
}

// AggFunc is an aggregate function that can be computed per range and merged.
type AggFunc string

// Aggregates cqlscan pushes down to replicas.
const (
	AggCount AggFunc = "count"
	AggMin   AggFunc = "min"
	AggMax   AggFunc = "max"
	AggSum   AggFunc = "sum"
)

// PushedAgg is an aggregate computed by Cassandra on each sub-range: a partial column.
type PushedAgg struct {
	Func AggFunc
	Arg  string     // "*", a column, or CAST(column AS type), as CQL takes it
	T    types.Type // the type Cassandra returns
}

// FinalAgg computes one output of a MergeAggregate from the merged partial columns.
type FinalAgg struct {
	Func  string     // count, min, max, sum or avg
	Value int        // the partial column with the count, minimum, maximum or sum
	Count int        // for sum and avg, the partial count(column) (none of it: NULL); else -1
	T     types.Type // the result type
	Name  string     // as the statement wrote it
}

// String prints the aggregate as sent.
func (a PushedAgg) String() string { return string(a.Func) + "(" + a.Arg + ")" }

// RangeAggregate runs a native aggregate query on a replica of every sub-range and emits one
// partial row per sub-range: SELECT count(*) FROM t WHERE token(pk) > ? AND token(pk) <= ?
// [AND restrictions ALLOW FILTERING].
type RangeAggregate struct {
	Table        *schema.Table
	Partitioner  *ring.Partitioner
	Aggregates   []PushedAgg
	Restrictions []Restriction // conditions applied by Cassandra, with ALLOW FILTERING
	Ranges       []ring.Range  // sub-ranges, in token order
	RingRanges   int           // ranges of the ring before splitting
	Hosts        int           // distinct replicas among the ranges
	// Ring is the fingerprint of the token ring the plan was made on (ring.Ring.Fingerprint), so that
	// a checkpoint of this scan is only ever resumed on the same ring.
	Ring string
	// Sizing says how the number of sub-ranges was chosen, for EXPLAIN and --verbose.
	Sizing string
}

// MergeAggregate folds the partial rows of its child into one final row: counts and sums add up,
// minima and maxima compare; then each output is computed from them (avg = sum / count).
type MergeAggregate struct {
	Child   Node
	Outputs []OutputColumn
	Aggs    []PushedAgg // the child's partial columns
	Finals  []FinalAgg  // one per output
}

var (
	_ Node = (*RangeAggregate)(nil)
	_ Node = (*MergeAggregate)(nil)
)

// Children implements Node.
func (*RangeAggregate) Children() []Node { return nil }

// Describe implements Node.
func (n *RangeAggregate) Describe() string {
	aggs := make([]string, len(n.Aggregates))
	for i, a := range n.Aggregates {
		aggs[i] = a.String()
	}
	where := ""
	if len(n.Restrictions) > 0 {
		where = " WHERE " + restrictionList(n.Restrictions) + " ALLOW FILTERING"
	}
	return fmt.Sprintf("RangeAggregate %s on %s.%s%s: %d sub-ranges of %d ring ranges, %d replicas, %s, %s — partial phase on the replicas",
		strings.Join(aggs, ", "), n.Table.Keyspace, n.Table.Name, where, len(n.Ranges), n.RingRanges, n.Hosts,
		n.Partitioner.Name, replicationString(n.Table.Replication))
}

// Columns implements Node.
func (n *RangeAggregate) Columns() []OutputColumn {
	out := make([]OutputColumn, len(n.Aggregates))
	for i, a := range n.Aggregates {
		out[i] = OutputColumn{Name: a.String(), Type: a.T}
	}
	return out
}

// Children implements Node.
func (n *MergeAggregate) Children() []Node { return []Node{n.Child} }

// Describe implements Node.
func (n *MergeAggregate) Describe() string {
	parts := make([]string, len(n.Finals))
	for i, f := range n.Finals {
		v := n.Aggs[f.Value].String()
		switch f.Func {
		case "count", "sum":
			parts[i] = fmt.Sprintf("%s = sum of %s", f.Name, v)
		case "avg":
			parts[i] = fmt.Sprintf("%s = sum of %s / sum of %s", f.Name, v, n.Aggs[f.Count])
		default:
			parts[i] = fmt.Sprintf("%s = %s of %s", f.Name, f.Func, v)
		}
	}
	return "MergeAggregate " + strings.Join(parts, ", ") + " — merge and final phases on the client"
}

// Columns implements Node.
func (n *MergeAggregate) Columns() []OutputColumn { return n.Outputs }

func replicationString(r ring.Replication) string {
	switch r.Strategy {
	case ring.SimpleStrategy:
		return fmt.Sprintf("SimpleStrategy RF %d", r.Factor)
	case ring.NetworkTopologyStrategy:
		return fmt.Sprintf("NetworkTopologyStrategy %v", r.DCFactors)
	}
	return r.Class
}

// Format prints a plan tree, one node per line, children under their parent with ├─ and └─.
func Format(n Node) string {
	var b strings.Builder
	format(&b, n, "", "")
	for _, why := range sizings(n) {
		b.WriteString("sizing: " + why + "\n")
	}
	return b.String()
}

// sizings lists how the range reads of a plan were sized, in plan order.
func sizings(n Node) []string {
	var out []string
	switch x := n.(type) {
	case *RangeScan:
		if x.Sizing != "" {
			out = append(out, x.Sizing)
		}
	case *RangeAggregate:
		if x.Sizing != "" {
			out = append(out, x.Sizing)
		}
	}
	for _, k := range n.Children() {
		out = append(out, sizings(k)...)
	}
	return out
}

func format(b *strings.Builder, n Node, first, rest string) {
	b.WriteString(first + n.Describe() + "\n")
	kids := n.Children()
	for i, k := range kids {
		if i == len(kids)-1 {
			format(b, k, rest+"└─ ", rest+"   ")
		} else {
			format(b, k, rest+"├─ ", rest+"│  ")
		}
	}
}
