package planner

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"testing"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
)

type fakeCatalog struct{ r *ring.Ring }

func (f fakeCatalog) Table(_ context.Context, ks, name string) (*schema.Table, error) {
	if ks != "ks" {
		return nil, fmt.Errorf("%w %q", ErrUnknownKeyspace, ks)
	}
	if name != "t" {
		return nil, fmt.Errorf("%w %s.%s", ErrUnknownTable, ks, name)
	}
	return &schema.Table{Keyspace: "ks", Name: "t", Columns: []schema.Column{{Name: "id", Kind: schema.PartitionKey}},
		Replication: ring.Replication{Strategy: ring.SimpleStrategy, Factor: 2}}, nil
}

func (f fakeCatalog) Ring(context.Context) (*ring.Ring, error) { return f.r, nil }

func catalog(t *testing.T) fakeCatalog {
	var hosts []ring.Host
	for i := 0; i < 3; i++ {
		h := ring.Host{ID: fmt.Sprintf("h%d", i)}
		for k := 0; k < 4; k++ {
			h.Tokens = append(h.Tokens, big.NewInt(int64(k*3+i)*1_000_000_000_000_000-5_000_000_000_000_000))
		}
		hosts = append(hosts, h)
	}
	r, err := ring.New(ring.Murmur3, hosts)
	if err != nil {
		t.Fatal(err)
	}
	return fakeCatalog{r}
}

func plan(t *testing.T, q string, opt Options) (Node, error) {
	t.Helper()
	st, err := parser.Parse(q)
	if err != nil {
		t.Fatal(err)
	}
	return Plan(context.Background(), st.(*parser.Select), catalog(t), opt)
}

func TestPlanCount(t *testing.T) {
	cases := []struct {
		q, want string
		opt     Options
	}{
		{"SELECT COUNT(*) FROM ks.t", "MergeAggregate sum(partial count) AS count\n" +
			"└─ RangeAggregate count(*) on ks.t: 768 sub-ranges of 13 ring ranges, 3 replicas, Murmur3Partitioner, SimpleStrategy RF 2\n", Options{}},
		{"select count(1) as n from t", "MergeAggregate sum(partial count) AS n\n" +
			"└─ RangeAggregate count(*) on ks.t: 20 sub-ranges of 13 ring ranges, 3 replicas, Murmur3Partitioner, SimpleStrategy RF 2\n",
			Options{Keyspace: "ks", Splits: 20}},
		// Fewer splits than replica sets: one sub-range per run of ranges with the same replicas.
		{"SELECT count(*) FROM ks.t", "MergeAggregate sum(partial count) AS count\n" +
			"└─ RangeAggregate count(*) on ks.t: 13 sub-ranges of 13 ring ranges, 3 replicas, Murmur3Partitioner, SimpleStrategy RF 2\n",
			Options{Splits: 1}},
	}
	for _, c := range cases {
		n, err := plan(t, c.q, c.opt)
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		if got := Format(n); got != c.want {
			t.Errorf("%s:\n%s\nwant\n%s", c.q, got, c.want)
		}
	}
}

func TestPlanErrors(t *testing.T) {
	cases := []struct {
		q    string
		opt  Options
		kind error
	}{
		{"SELECT COUNT(*) FROM nope.t", Options{}, ErrUnknownKeyspace},
		{"SELECT COUNT(*) FROM ks.nope", Options{}, ErrUnknownTable},
		{"SELECT COUNT(*) FROM t", Options{}, ErrNoKeyspace},
		{"SELECT id FROM ks.t", Options{}, ErrUnsupported},
		{"SELECT COUNT(*) FROM ks.t WHERE id = 1", Options{}, ErrUnsupported},
		{"SELECT COUNT(DISTINCT id) FROM ks.t", Options{}, ErrUnsupported},
		{"SELECT COUNT(2) FROM ks.t", Options{}, ErrUnsupported},
	}
	for _, c := range cases {
		if _, err := plan(t, c.q, c.opt); !errors.Is(err, c.kind) {
			t.Errorf("%s: error %v, want %v", c.q, err, c.kind)
		}
	}
}
