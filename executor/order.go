package executor

import (
	"github.com/cqlscan/cqlscan/planner"
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
