// Package plantest plans statements against a catalog of one table on a fixed ring, for tests and
// benchmarks outside the planner that need real plans (bound expressions, aggregates, selectors)
// without a cluster.
package plantest

import (
	"context"
	"fmt"
	"math/big"
	"testing"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
)

// catalog serves one table on a ring.
type catalog struct {
	t *schema.Table
	r *ring.Ring
}

func (c catalog) Table(_ context.Context, ks, name string) (*schema.Table, error) {
	if ks != c.t.Keyspace || name != c.t.Name {
		return nil, fmt.Errorf("%w %s.%s", planner.ErrUnknownTable, ks, name)
	}
	return c.t, nil
}

func (c catalog) Ring(context.Context) (*ring.Ring, error) { return c.r, nil }

// Plan plans the SELECT q with t's keyspace in use, on a ring of three hosts with four tokens each,
// and fails tb when it does not parse or plan.
func Plan(tb testing.TB, t *schema.Table, q string) planner.Node {
	tb.Helper()
	var hosts []ring.Host
	for i := range 3 {
		h := ring.Host{ID: fmt.Sprintf("h%d", i)}
		for k := range 4 {
			h.Tokens = append(h.Tokens, big.NewInt(int64(k*3+i)*1_000_000_000_000_000-5_000_000_000_000_000))
		}
		hosts = append(hosts, h)
	}
	r, err := ring.New(ring.Murmur3, hosts)
	if err != nil {
		tb.Fatal(err)
	}
	st, err := parser.Parse(q)
	if err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	sel, ok := st.(*parser.Select)
	if !ok {
		tb.Fatalf("%s: not a SELECT", q)
	}
	n, err := planner.Plan(context.Background(), sel, catalog{t, r}, planner.Options{Keyspace: t.Keyspace})
	if err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	return n
}

// Find returns the first node of type T in the plan tree, depth first.
func Find[T planner.Node](n planner.Node) (T, bool) {
	if t, ok := n.(T); ok {
		return t, true
	}
	for _, c := range n.Children() {
		if t, ok := Find[T](c); ok {
			return t, true
		}
	}
	var zero T
	return zero, false
}
