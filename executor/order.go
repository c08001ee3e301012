package executor

import (
	"sort"
	"strings"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/planner/types"
)

// Row order. Without ORDER BY, Cassandra returns a range scan's rows in token order of the partition
// key, then clustering order within each partition; a read of partitions named by `pk IN (…)`, in
// the order of the key values (by the key types' order, duplicates dropped), then clustering order;
// cqlsh shows them so. cqlscan returns them in the same order wherever the order shows: the scans
// under such a result run through an orderedPool. Where it cannot show (under a sort, an aggregate
// merged into one row) or is not worth its cost (groups and distinct values, see groupsInOrder), they
// run through the faster readPool, which emits pages as they complete.

// groupsInOrder says whether GROUP BY and DISTINCT read their input in order, so that groups and
// values would come out in the order they were first seen (for `GROUP BY pk` and `SELECT DISTINCT
// pk`, token order, as Cassandra returns them). They do not: on a 200,000-row table of the
// three-node cluster, ordered input made GROUP BY and DISTINCT 2-10% slower at RF 1 (up to 30% while
// the cluster was loaded), where a slow head range holds up the ranges behind it; at RF 3 it made no
// difference. Their rows keep the order of whichever pages came first, except where the statement is
// one Cassandra runs itself (GROUP BY the partition key, SELECT DISTINCT of it: the plan's KeyOrder),
// whose order cqlsh shows and cqlscan keeps.
const groupsInOrder = false

// childOrdered says whether the order of node's input shows in its output, given whether the order
// of its output shows (ordered).
func childOrdered(node planner.Node, ordered bool) bool {
	switch n := node.(type) {
	case *planner.Sort, *planner.MergeAggregate:
		return false // a sort sets its own order; a merge folds its input into one row
	case *planner.HashAggregate:
		return ordered && len(n.Groups) > 0 && (groupsInOrder || n.KeyOrder)
	case *planner.Distinct:
		return ordered && (groupsInOrder || n.KeyOrder)
	}
	return ordered // filters, projections, limits pass rows on in order
}

// partitionOrder returns keys (per partition, the key columns' CQL literals) in the order Cassandra
// reads partitions named by IN lists: by the first key column's value, then the next, each in its
// type's order, and each partition once. Keys whose literals it cannot read back (frozen
// collections, say) are returned as they are.
func partitionOrder(t *schema.Table, keys [][]string) [][]string {
	pk := t.PartitionKey()
	colTypes := make([]types.Type, len(pk))
	for i, c := range pk {
		ct, err := types.ParseWith(c.Type, t.UserTypes)
		if err != nil {
			return keys
		}
		colTypes[i] = ct
	}
	vals := make([][]any, len(keys))
	for i, k := range keys {
		if len(k) != len(pk) {
			return keys
		}
		vals[i] = make([]any, len(k))
		for j, lit := range k {
			v, ok := literalValue(colTypes[j], lit)
			if !ok {
				return keys
			}
			vals[i][j] = v
		}
	}
	compare := func(a, b []any) int {
		for j, ct := range colTypes {
			if c := types.Compare(ct, a[j], b[j]); c != 0 {
				return c
			}
		}
		return 0
	}
	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return compare(vals[idx[a]], vals[idx[b]]) < 0 })
	out := make([][]string, 0, len(keys))
	for n, i := range idx {
		if n > 0 && compare(vals[idx[n-1]], vals[i]) == 0 {
			continue // the same partition written twice (1 and 01, say): Cassandra reads it once
		}
		out = append(out, keys[i])
	}
	return out
}

// literalValue reads back one scalar CQL literal as the planner wrote it (parser.Literal.String,
// with a leading minus for negative numbers) as a value of type t.
func literalValue(t types.Type, text string) (any, bool) {
	toks, err := parser.Lex(text)
	if err != nil {
		return nil, false
	}
	if len(toks) > 0 && toks[len(toks)-1].Kind == parser.EOF {
		toks = toks[:len(toks)-1]
	}
	neg := ""
	if len(toks) == 2 && toks[0].Kind == parser.Punct && toks[0].Value == "-" {
		neg, toks = "-", toks[1:]
	}
	if len(toks) != 1 {
		return nil, false
	}
	tok := toks[0]
	lit := &parser.Literal{Text: neg + tok.Value}
	switch {
	case tok.Kind == parser.String && neg == "":
		lit.Kind = parser.LitString
	case tok.Kind == parser.Number && strings.ContainsAny(tok.Value, ".eE"):
		lit.Kind = parser.LitFloat
	case tok.Kind == parser.Number:
		lit.Kind = parser.LitInt
	case tok.Kind == parser.Blob && neg == "":
		lit.Kind = parser.LitBlob
	case tok.Kind == parser.UUID && neg == "":
		lit.Kind = parser.LitUUID
	case tok.Kind == parser.Duration:
		lit.Kind = parser.LitDuration
	case tok.Kind == parser.Ident && (tok.Value == "true" || tok.Value == "false") && neg == "":
		lit.Kind = parser.LitBool
	case tok.Kind == parser.Ident && (tok.Value == "nan" || tok.Value == "infinity"):
		lit.Kind, lit.Text = parser.LitFloat, neg+map[string]string{"nan": "NaN", "infinity": "Infinity"}[tok.Value]
	default:
		return nil, false
	}
	v, err := types.FromLiteral(t, lit)
	return v, err == nil && v != nil
}
