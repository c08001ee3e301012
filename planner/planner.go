package planner

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
)

// Catalog is what the planner needs to know about the cluster.
type Catalog interface {
	// Table returns a table's schema, or an error wrapping ErrUnknownKeyspace or ErrUnknownTable.
	Table(ctx context.Context, keyspace, name string) (*schema.Table, error)
	// Ring returns the cluster's token ring.
	Ring(ctx context.Context) (*ring.Ring, error)
}

// Options tune planning.
type Options struct {
	// Keyspace is the keyspace for unqualified table names (USE, -k).
	Keyspace string
	// Splits is the target number of sub-ranges; 0 picks DefaultSplits for the ring.
	Splits int
}

// DefaultSplitsPerHost is the default number of sub-ranges per node: enough that each sub-range of a
// large table stays well under the server's range-read timeout and the work spreads evenly.
const DefaultSplitsPerHost = 256

// Plan builds the plan of a SELECT.
func Plan(ctx context.Context, sel *parser.Select, cat Catalog, opt Options) (Node, error) {
	table, err := resolveTable(ctx, sel.Table, cat, opt.Keyspace)
	if err != nil {
		return nil, err
	}
	r, err := cat.Ring(ctx)
	if err != nil {
		return nil, err
	}
	ranges, err := r.Ranges(table.Replication)
	local := errors.Is(err, ring.ErrLocalStrategy)
	switch {
	case local:
		// Node-local tables (system.local, system_schema.*) are read whole from the node the ring was
		// read from, as cqlsh would read them.
		ranges = []ring.Range{{Start: r.Partitioner.Min, End: r.Partitioner.Max, Replicas: []string{r.Hosts[0].ID}}}
	case err != nil:
		return nil, fmt.Errorf("%s.%s: %w", table.Keyspace, table.Name, err)
	}
	target := opt.Splits
	if target <= 0 {
		target = DefaultSplitsPerHost * len(r.Hosts)
	}
	if local {
		target = 1
	}
	src := ringSource{partitioner: r.Partitioner, ranges: ranges, target: target, fingerprint: r.Fingerprint()}
	replica, err := describeReplicaExprs(ctx, sel, table, r.Partitioner, cat)
	if err != nil {
		return nil, err
	}
	return planScan(sel, table, src, replica)
}

// ringSource is the token ring of a table as planning needs it: its ranges with their replicas and
// the target number of sub-ranges for a whole-ring scan.
type ringSource struct {
	partitioner *ring.Partitioner
	ranges      []ring.Range
	target      int
	fingerprint string // ring.Ring.Fingerprint
}

// split divides ranges (all of the ring, or the part a token() restriction leaves) into sub-ranges
// and counts the replicas they use.
func (s ringSource) split(ranges []ring.Range) ([]ring.Range, int) {
	// The target is for the whole ring: a restricted part gets its share, so sub-ranges keep their width.
	covered := new(big.Int)
	for _, r := range ranges {
		covered.Add(covered, new(big.Int).Sub(r.End, r.Start))
	}
	target := new(big.Int).Mul(covered, big.NewInt(int64(s.target)))
	target.Quo(target, s.partitioner.Size())
	subs := ring.Split(ranges, s.partitioner, int(target.Int64()))
	if s.target == 1 && len(ranges) == 1 {
		subs = ranges
	}
	hosts := map[string]bool{}
	for _, sr := range subs {
		for _, h := range sr.Replicas {
			hosts[h] = true
		}
	}
	return subs, len(hosts)
}

func resolveTable(ctx context.Context, tn parser.TableName, cat Catalog, defaultKS string) (*schema.Table, error) {
	ks := tn.Keyspace
	if ks == "" {
		ks = defaultKS
	}
	if ks == "" {
		return nil, fmt.Errorf("%w for table %s: qualify it as keyspace.table, or USE a keyspace (-k)",
			ErrNoKeyspace, parser.QuoteIdent(tn.Name))
	}
	return cat.Table(ctx, ks, tn.Name)
}
