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
	// Splits is the target number of sub-ranges; 0 sizes the scan from the table's size estimates
	// (see sizeScan), or, when the Catalog is no Sizer, DefaultSplitsPerHost for each node.
	Splits int
	// Concurrency is the number of sub-ranges the executor reads at once, which sizing keeps busy;
	// 0 means DefaultConcurrency.
	Concurrency int
	// Cursor, when set, makes the plan an incremental read: only rows changed since its mark pass
	// (see ChangedRows).
	Cursor *Cursor
}

// DefaultSplitsPerHost is the default number of sub-ranges per node: enough that each sub-range of a
// large table stays well under the server's range-read timeout and the work spreads evenly.
const DefaultSplitsPerHost = 256

// Plan builds the plan of a SELECT.
func Plan(ctx context.Context, sel *parser.Select, cat Catalog, opt Options) (Node, error) {
	// The schema and the ring are read at once: they are independent round trips.
	type ringRead struct {
		r   *ring.Ring
		err error
	}
	ringc := make(chan ringRead, 1)
	go func() {
		r, err := cat.Ring(ctx)
		ringc <- ringRead{r, err}
	}()
	table, err := resolveTable(ctx, sel.Table, cat, opt.Keyspace)
	rr := <-ringc
	if err != nil {
		return nil, err
	}
	r, err := rr.r, rr.err
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
	src := ringSource{partitioner: r.Partitioner, ranges: ranges, splits: opt.Splits, workers: opt.Concurrency,
		hosts: len(r.Hosts), fingerprint: r.Fingerprint(), local: local}
	if sz, ok := cat.(Sizer); ok && !local && opt.Splits <= 0 {
		// Read only when the plan scans ranges (partition reads need no sizing). Unreadable estimates
		// are no reason to fail the statement: the scan starts coarse instead.
		src.estimates = func() *ring.Estimates {
			e, _ := sz.Estimates(ctx, r.Partitioner, table.Keyspace, table.Name)
			return e
		}
	}
	replica, err := describeReplicaExprs(ctx, sel, table, r.Partitioner, cat)
	if err != nil {
		return nil, err
	}
	return planScan(sel, table, src, replica, opt.Cursor)
}

// ringSource is the token ring of a table as planning needs it: its ranges with their replicas and
// what decides how many sub-ranges a scan of them gets.
type ringSource struct {
	partitioner *ring.Partitioner
	ranges      []ring.Range
	splits      int  // --splits, for the whole ring; 0: sized
	workers     int  // the executor's concurrency
	hosts       int  // nodes in the ring
	local       bool // a node-local table: one read
	// estimates reads the table's size estimates (nil or unknown when none could be read); nil when
	// the catalog cannot estimate sizes, and DefaultSplitsPerHost per node is then the target.
	estimates   func() *ring.Estimates
	fingerprint string // ring.Ring.Fingerprint
}

// sized divides ranges (all of the ring, or the part a token() restriction leaves) into sub-ranges,
// counts the replicas they use, and says how the number of sub-ranges was chosen.
func (s ringSource) sized(ranges []ring.Range) ([]ring.Range, int, string) {
	var (
		subs []ring.Range
		why  string
	)
	switch {
	case s.local:
		subs, why = ranges, "a node-local table, read whole"
	case s.estimates != nil:
		est := s.estimates()
		var bytes float64
		for _, r := range ranges {
			bytes += est.Weight(r)
		}
		z := sizeScan(bytes, est.Known(), ring.Runs(ranges), s.workers, 0)
		subs, why = ring.SplitWeighted(ranges, s.partitioner, z.target, est.Weight), z.why
	default:
		// A target for the whole ring: a restricted part gets its share, so sub-ranges keep their width.
		target := s.splits
		why = fmt.Sprintf("%d sub-ranges asked for (--splits)", target)
		if target <= 0 {
			target = DefaultSplitsPerHost * s.hosts
			why = fmt.Sprintf("%d sub-ranges for each of %d nodes", DefaultSplitsPerHost, s.hosts)
		}
		covered := new(big.Int)
		for _, r := range ranges {
			covered.Add(covered, new(big.Int).Sub(r.End, r.Start))
		}
		share := new(big.Int).Mul(covered, big.NewInt(int64(target)))
		share.Quo(share, s.partitioner.Size())
		subs = ring.Split(ranges, s.partitioner, int(share.Int64()))
	}
	hosts := map[string]bool{}
	for _, sr := range subs {
		for _, h := range sr.Replicas {
			hosts[h] = true
		}
	}
	return subs, len(hosts), why
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
