package planner

import (
	"context"
	"fmt"

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
	funcs, outputs, err := countOnly(sel)
	if err != nil {
		return nil, err
	}
	table, err := resolveTable(ctx, sel.Table, cat, opt.Keyspace)
	if err != nil {
		return nil, err
	}
	r, err := cat.Ring(ctx)
	if err != nil {
		return nil, err
	}
	ranges, err := r.Ranges(table.Replication)
	if err != nil {
		return nil, fmt.Errorf("%s.%s: %w", table.Keyspace, table.Name, err)
	}
	target := opt.Splits
	if target <= 0 {
		target = DefaultSplitsPerHost * len(r.Hosts)
	}
	subs := ring.Split(ranges, r.Partitioner, target)
	hosts := map[string]bool{}
	for _, s := range subs {
		for _, h := range s.Replicas {
			hosts[h] = true
		}
	}
	scan := &RangeAggregate{Table: table, Partitioner: r.Partitioner, Aggregates: funcs, Ranges: subs,
		RingRanges: len(ranges), Hosts: len(hosts)}
	return &MergeAggregate{Child: scan, Outputs: outputs, Funcs: funcs}, nil
}

// countOnly accepts the statements this version runs: a select list of count(*) / count(1), without
// WHERE, GROUP BY, ORDER BY or DISTINCT.
func countOnly(sel *parser.Select) ([]AggFunc, []OutputColumn, error) {
	switch {
	case sel.Where != nil:
		return nil, nil, fmt.Errorf("WHERE is %w yet: cqlscan counts whole tables for now", ErrUnsupported)
	case len(sel.GroupBy) > 0 || sel.Having != nil:
		return nil, nil, fmt.Errorf("GROUP BY and HAVING are %w yet", ErrUnsupported)
	case len(sel.OrderBy) > 0:
		return nil, nil, fmt.Errorf("ORDER BY is %w yet", ErrUnsupported)
	case sel.Distinct:
		return nil, nil, fmt.Errorf("SELECT DISTINCT is %w yet", ErrUnsupported)
	}
	var funcs []AggFunc
	var outs []OutputColumn
	for _, e := range sel.Exprs {
		if !isCountAll(e.Expr) {
			return nil, nil, fmt.Errorf("selecting %s is %w yet: only COUNT(*) and COUNT(1) run in this version",
				e.Expr, ErrUnsupported)
		}
		name := e.Alias
		if name == "" {
			name = "count"
		}
		funcs = append(funcs, AggCount)
		outs = append(outs, OutputColumn{Name: name, Type: "bigint"})
	}
	return funcs, outs, nil
}

func isCountAll(e parser.Expr) bool {
	f, ok := e.(*parser.FuncCall)
	if !ok || f.Name != "count" || f.Distinct || len(f.Args) != 1 {
		return false
	}
	switch a := f.Args[0].(type) {
	case *parser.Star:
		return true
	case *parser.Literal:
		return a.Kind == parser.LitInt && a.Text == "1"
	}
	return false
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
