package planner

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
)

// SelectorCatalog is a Catalog that can ask Cassandra what selectors of a table return. CQL's native
// functions and casts, user-defined functions and user-type fields of the scanned row are computed
// by the replicas, as selectors of every range query; their names and types come from Cassandra's
// own result metadata, not from a table kept here.
type SelectorCatalog interface {
	// SelectorTypes returns, for each selector (CQL text), the column name and type Cassandra gives
	// it in a result, or Cassandra's error when it cannot compute one of them.
	SelectorTypes(ctx context.Context, t *schema.Table, p *ring.Partitioner, selectors []string) ([]OutputColumn, error)
}

// ErrNotOnReplicas marks a statement that needs Cassandra to compute a function of something only the
// client has (an aggregate cqlscan computes, say): cqlscan cannot run it, though Cassandra might.
var ErrNotOnReplicas = errors.New("cannot be computed by the replicas")

// ErrCassandra wraps Cassandra's refusal of a replica-side selector.
var ErrCassandra = errors.New("Cassandra refused")

// isClientFunc reports whether cqlscan evaluates or plans a function itself: the aggregates, and
// writetime, ttl and token, which it types and routes itself. Every other call is the replicas' to
// compute.
func isClientFunc(name string) bool {
	return aggregateFuncs[name] || name == "writetime" || name == "ttl" || name == "token"
}

// isReplicaExpr reports whether e is computed by the replicas: a function cqlscan does not know
// itself, a CAST, or a user type's field.
func isReplicaExpr(e parser.Expr) bool {
	switch x := e.(type) {
	case *parser.FuncCall:
		return x.Keyspace != "" || !isClientFunc(x.Name)
	case *parser.Cast, *parser.Field:
		return true
	}
	return false
}

// replicaExprs returns the replica-computed expressions of a statement, outermost first and each
// once, by their CQL text; a replica expression inside another is computed with it.
func replicaExprs(sel *parser.Select) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	var visit func(e parser.Expr) error
	visit = func(e parser.Expr) error {
		if e == nil {
			return nil
		}
		if isReplicaExpr(e) {
			if containsAggregate(e) {
				return fmt.Errorf("%s: %w, since it takes an aggregate cqlscan computes itself", e, ErrNotOnReplicas)
			}
			if k := e.String(); !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
			return nil
		}
		for _, k := range parser.Children(e) {
			if err := visit(k); err != nil {
				return err
			}
		}
		return nil
	}
	exprs := []parser.Expr{sel.Where, sel.Having}
	for _, it := range sel.Exprs {
		exprs = append(exprs, it.Expr)
	}
	exprs = append(exprs, sel.GroupBy...)
	for _, o := range sel.OrderBy {
		exprs = append(exprs, o.Expr)
	}
	for _, e := range exprs {
		if err := visit(e); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// describeReplicaExprs asks the catalog for the names and types of the statement's replica-computed
// expressions. A catalog that cannot say leaves them unknown, and binding them fails.
func describeReplicaExprs(ctx context.Context, sel *parser.Select, table *schema.Table, p *ring.Partitioner, cat Catalog) (map[string]OutputColumn, error) {
	texts, err := replicaExprs(sel)
	if err != nil || len(texts) == 0 {
		return nil, err
	}
	sc, ok := cat.(SelectorCatalog)
	if !ok {
		return nil, nil
	}
	cols, err := sc.SelectorTypes(ctx, table, p, texts)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrCassandra, strings.Join(texts, ", "), err)
	}
	out := make(map[string]OutputColumn, len(texts))
	for i, t := range texts {
		out[t] = cols[i]
	}
	return out, nil
}

// cassandraName is the column name Cassandra gives an unaliased select item that cqlscan computes
// itself, so that headers read as cqlsh's do: count for count(*), system.sum(x) for an aggregate of
// the system keyspace, system.token(id).
func cassandraName(f *parser.FuncCall) string {
	if f.Name == "count" && len(f.Args) == 1 && !f.Distinct {
		switch a := f.Args[0].(type) {
		case *parser.Star:
			return "count"
		case *parser.Literal:
			if a.Kind != parser.LitNull {
				return "count"
			}
		}
	}
	switch {
	case f.Distinct, f.Name == "writetime", f.Name == "ttl":
		return f.String()
	case isClientFunc(f.Name):
		return "system." + f.String()
	}
	return f.String()
}
