package planner

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
)

// oneTable is a catalog holding one table, ks.t, on the test ring.
type oneTable struct {
	t *schema.Table
	r *ring.Ring
}

func (c oneTable) Table(_ context.Context, ks, name string) (*schema.Table, error) {
	if ks != c.t.Keyspace || name != c.t.Name {
		return nil, fmt.Errorf("%w %s.%s", ErrUnknownTable, ks, name)
	}
	return c.t, nil
}

func (c oneTable) Ring(context.Context) (*ring.Ring, error) { return c.r, nil }

// keyTable is ks.t with one partition key column k of type typ and a regular column v.
func keyTable(typ string) *schema.Table {
	return &schema.Table{Keyspace: "ks", Name: "t", Replication: ring.Replication{Strategy: ring.SimpleStrategy, Factor: 1},
		Columns: []schema.Column{{Name: "k", Type: typ, Kind: schema.PartitionKey}, {Name: "v", Type: "int"}}}
}

// planOn plans q against table.
func planOn(t *testing.T, table *schema.Table, q string) Node {
	t.Helper()
	st, err := parser.Parse(q)
	if err != nil {
		t.Fatalf("%.80s: %v", q, err)
	}
	n, err := Plan(context.Background(), st.(*parser.Select), oneTable{table, catalog(t).r}, Options{Splits: 20})
	if err != nil {
		t.Fatalf("%.80s: %v", q, err)
	}
	return n
}

// source returns the node at the bottom of a plan.
func source(n Node) Node {
	for len(n.Children()) > 0 {
		n = n.Children()[0]
	}
	return n
}

// TestPartitionOrder: the partitions an IN list names are read in the order Cassandra reads them,
// by the key type's order, each once (not in token order). The orders of frozen collections
// are those Cassandra 5.0.9 returned for the same IN lists (via cqlsh).
func TestPartitionOrder(t *testing.T) {
	cases := []struct {
		typ       string
		keys, out []string
	}{
		{"int", []string{"1", "-1", "0", "-100"}, []string{"-100", "-1", "0", "1"}},
		{"int", []string{"30", "3", "20", "1", "7", "01"}, []string{"1", "3", "7", "20", "30"}}, // not token order
		{"bigint", []string{"9223372036854775807", "-9223372036854775808", "7"}, []string{"-9223372036854775808", "7", "9223372036854775807"}},
		{"varint", []string{"128", "-1", "100000000000000000000", "-129"}, []string{"-129", "-1", "128", "100000000000000000000"}},
		{"double", []string{"2.5", "-1.5", "NaN", "-Infinity", "0.5", "-3.5"}, []string{"-Infinity", "-3.5", "-1.5", "0.5", "2.5", "NaN"}},
		{"text", []string{"'k3'", "'k1'", "'k20'", "'k2'", "'é'", "'z'"}, []string{"'k1'", "'k2'", "'k20'", "'k3'", "'z'", "'é'"}},
		{"blob", []string{"0xff", "0x00", "0x", "0x7f80"}, []string{"0x", "0x00", "0x7f80", "0xff"}},
		{"boolean", []string{"true", "false"}, []string{"false", "true"}},
		{"timeuuid", []string{"d2177dd0-eaa2-11de-a572-001b779c76e3", "00000001-0000-1000-8000-000000000000",
			"ffffffff-0000-1000-8000-000000000000", "00000000-ffff-1000-8000-000000000000"},
			[]string{"00000001-0000-1000-8000-000000000000", "ffffffff-0000-1000-8000-000000000000",
				"00000000-ffff-1000-8000-000000000000", "d2177dd0-eaa2-11de-a572-001b779c76e3"}},
		{"int", []string{"1", "01", "2"}, []string{"1", "2"}},
		{"frozen<list<int>>", []string{"[2]", "[1]", "[1, 0]", "[]", "[-1, 5]", "[0, 1, 2]"},
			[]string{"[]", "[-1, 5]", "[0, 1, 2]", "[1]", "[1, 0]", "[2]"}},
		{"frozen<set<text>>", []string{"{'b'}", "{'a', 'c'}", "{'a'}", "{'é'}", "{'z', 'a'}"},
			[]string{"{'a'}", "{'a', 'c'}", "{'z', 'a'}", "{'b'}", "{'é'}"}},
		{"frozen<map<int, int>>", []string{"{1: 2}", "{1: 1}", "{0: 5, 1: 1}", "{2: 0}", "{-1: 0}"},
			[]string{"{-1: 0}", "{0: 5, 1: 1}", "{1: 1}", "{1: 2}", "{2: 0}"}},
	}
	for _, c := range cases {
		q := "SELECT * FROM ks.t WHERE k IN (" + strings.Join(c.keys, ", ") + ")"
		pr, ok := source(planOn(t, keyTable(c.typ), q)).(*PartitionRead)
		if !ok {
			t.Errorf("%s: no PartitionRead", q)
			continue
		}
		var got []string
		for _, k := range pr.Keys {
			got = append(got, k[0].Text)
		}
		if !slices.Equal(got, c.out) {
			t.Errorf("%s keys %v ordered %v, want %v", c.typ, c.keys, got, c.out)
		}
	}
}

// TestPartitionOrderCompound: a key of several columns is ordered by the first, then the next.
func TestPartitionOrderCompound(t *testing.T) {
	table := &schema.Table{Keyspace: "ks", Name: "t", Replication: ring.Replication{Strategy: ring.SimpleStrategy, Factor: 1},
		Columns: []schema.Column{{Name: "a", Type: "int", Kind: schema.PartitionKey},
			{Name: "b", Type: "text", Kind: schema.PartitionKey, Position: 1}, {Name: "c", Type: "int", Kind: schema.Clustering}}}
	pr := source(planOn(t, table, "SELECT * FROM ks.t WHERE b IN ('z', 'a', 'it''s') AND a IN (3, -1, 20, 03)")).(*PartitionRead)
	var got []string
	for _, k := range pr.Keys {
		got = append(got, k.String())
	}
	var want []string
	for _, a := range []string{"-1", "3", "20"} {
		for _, b := range []string{"'a'", "'it''s'", "'z'"} {
			want = append(want, "("+a+", "+b+")")
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
}

// TestPartitionReadLimits: up to MaxPartitionReads partitions are read one by one; past it the ring
// is scanned. Terms that name the partitions are not checked again on the client; the rest are.
func TestPartitionReadLimits(t *testing.T) {
	in := func(n int) string {
		vals := make([]string, n)
		for i := range vals {
			vals[i] = fmt.Sprint(i)
		}
		return "SELECT * FROM ks.t WHERE k IN (" + strings.Join(vals, ", ") + ")"
	}
	table := keyTable("int")
	if pr, ok := source(planOn(t, table, in(MaxPartitionReads))).(*PartitionRead); !ok || len(pr.Keys) != MaxPartitionReads {
		t.Errorf("an IN list of %d keys is not read partition by partition", MaxPartitionReads)
	}
	if _, ok := source(planOn(t, table, in(MaxPartitionReads+1))).(*RangeScan); !ok {
		t.Errorf("an IN list of %d keys does not scan the ring", MaxPartitionReads+1)
	}
	cases := []struct{ q, filter string }{
		{"SELECT * FROM ks.t WHERE k IN (1, 2)", ""},
		{"SELECT * FROM ks.t WHERE k = 1 AND v > 2", "Filter (WHERE) v > 2"},
		{"SELECT * FROM ks.t WHERE v > 2 AND k IN (1, 2) AND k = 2", "Filter (WHERE) (v > 2) AND (k = 2)"},
	}
	for _, c := range cases {
		plan := Format(planOn(t, table, c.q))
		var filter string
		for _, line := range strings.Split(plan, "\n") {
			if i := strings.Index(line, "Filter"); i >= 0 {
				filter = line[i:]
			}
		}
		if filter != c.filter || !strings.Contains(plan, "PartitionRead") {
			t.Errorf("%s:\n%s\nwant the filter %q above a PartitionRead", c.q, plan, c.filter)
		}
	}
}
