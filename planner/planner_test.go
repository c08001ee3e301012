package planner

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/planner/types"
)

var update = flag.Bool("update", false, "rewrite testdata/plans.golden from the current planner")

type fakeCatalog struct{ r *ring.Ring }

var events = &schema.Table{Keyspace: "bam", Name: "events",
	Replication: ring.Replication{Strategy: ring.SimpleStrategy, Factor: 2},
	Columns: []schema.Column{
		{Name: "server", Type: "text", Kind: schema.PartitionKey},
		{Name: "hour", Type: "text", Kind: schema.PartitionKey, Position: 1},
		{Name: "ts", Type: "timestamp", Kind: schema.Clustering},
		{Name: "bytes", Type: "bigint"}, {Name: "latency", Type: "double"}, {Name: "status", Type: "text"},
		{Name: "tags", Type: "set<text>"}, {Name: "user_id", Type: "int"}, {Name: "span", Type: "duration"},
		{Name: "table", Type: "text"}, // a name Cassandra reserves: sent quoted
	}}

func (f fakeCatalog) Table(_ context.Context, ks, name string) (*schema.Table, error) {
	if ks != "bam" {
		return nil, fmt.Errorf("%w %q", ErrUnknownKeyspace, ks)
	}
	if name != "events" {
		return nil, fmt.Errorf("%w %s.%s", ErrUnknownTable, ks, name)
	}
	return events, nil
}

func (f fakeCatalog) Ring(context.Context) (*ring.Ring, error) { return f.r, nil }

// fakeSelectors stands in for Cassandra's result metadata of a few replica-computed selectors; the
// real catalog's answers are checked against Cassandra in the integration tests.
var fakeSelectors = map[string]OutputColumn{
	"todate(ts)":                     {Name: "system.todate(ts)", Type: types.Of(types.Date)},
	"CAST(bytes AS text)":            {Name: "cast(bytes as text)", Type: types.Of(types.Text)},
	"CAST(user_id AS bigint)":        {Name: "cast(user_id as bigint)", Type: types.Of(types.BigInt)},
	"floor(ts, 1h)":                  {Name: "system.floor(ts, 1h)", Type: types.Of(types.Timestamp)},
	"blobastext(textasblob(status))": {Name: "system.blobastext(system.textasblob(status))", Type: types.Of(types.Text)},
}

func (f fakeCatalog) SelectorTypes(_ context.Context, _ *schema.Table, _ *ring.Partitioner, sels []string) ([]OutputColumn, error) {
	out := make([]OutputColumn, len(sels))
	for i, s := range sels {
		oc, ok := fakeSelectors[s]
		if !ok {
			return nil, fmt.Errorf("Unknown function or bad selector %s", s)
		}
		out[i] = oc
	}
	return out, nil
}

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
		t.Fatalf("%s: %v", q, err)
	}
	return Plan(context.Background(), st.(*parser.Select), catalog(t), opt)
}

// planQueries are planned with --splits 20 and keyspace bam in use; their plans or errors are pinned
// in testdata/plans.golden.
var planQueries = []string{
	"SELECT COUNT(*) FROM bam.events",
	"select count(1) as n from events",
	"SELECT COUNT(*) FROM events WHERE status = 'ok'",
	"SELECT server, count(*), avg(latency) FROM bam.events WHERE server BETWEEN 'esb12' AND 'esb15' AND hour BETWEEN '08:00' AND '09:00' GROUP BY server ORDER BY count(*) DESC LIMIT 10",
	"SELECT COUNT(DISTINCT user_id), min(ts), max(ts), sum(bytes) FROM events WHERE NOT (latency = 1 OR status IS NULL)",
	"SELECT * FROM events LIMIT 10",
	"SELECT DISTINCT server FROM events",
	"SELECT status, count(*) AS n FROM events GROUP BY status HAVING n > 5",
	"SELECT user_id, -latency * 1.2 + 3 AS p FROM events WHERE latency / 2 >= 10 ORDER BY p, user_id DESC",
	"SELECT server FROM events ORDER BY bytes DESC LIMIT 3",
	"SELECT writetime(status), ttl(status), token(server, hour) FROM events WHERE writetime(status) > 1700000000000000",
	"SELECT status FROM events WHERE status LIKE 'o%' AND user_id IN (1, 2, 3)",
	"SELECT count(*) FROM events GROUP BY status",
	"SELECT * FROM events WHERE tags CONTAINS 'x' AND user_id IN (1, 2) ALLOW FILTERING",
	"SELECT server, ts FROM events PER PARTITION LIMIT 2",
	"SELECT server, ts FROM events PER PARTITION LIMIT 2 LIMIT 7",
	"SELECT DISTINCT server FROM events LIMIT 3",
	"SELECT server, ts FROM events WHERE status = 'ok' PER PARTITION LIMIT 1 LIMIT 5",
	"SELECT count(*) FROM events WHERE tags = {'a', 'b'}",
	"SELECT * FROM events WHERE tags CONTAINS 3",
	"SELECT * FROM events WHERE status CONTAINS 'x'",
	"SELECT * FROM events WHERE tags = ['a']",
	"SELECT * FROM events WHERE server = 'esb01' AND hour = '08:00'",
	"SELECT count(*) FROM events WHERE server IN ('a', 'b') AND hour IN ('x', 'y', 'z') AND status = 'ok'",
	"SELECT ts FROM events WHERE server = 'a' AND hour IN ('x', 'x') PER PARTITION LIMIT 1",
	"SELECT * FROM events WHERE server = 'a'",
	"SELECT count(*) FROM events WHERE token(server, hour) > 0 AND token(server, hour) <= 1000000000000000000",
	"SELECT server FROM events WHERE token(server, hour) = 42",
	"SELECT sum(bytes), avg(latency), avg(user_id), count(status), min(ts) FROM events WHERE ts > '2026-01-01' AND latency < 5",
	"SELECT nope FROM events",
	"SELECT * FROM events WHERE user_id = 'abc'",
	"SELECT * FROM events WHERE ts > '2026-13-45'",
	"SELECT status, count(*) FROM events",
	"SELECT sum(status) FROM events",
	"SELECT * FROM events ORDER BY tags",
	"SELECT * FROM events ORDER BY span",
	"SELECT DISTINCT status FROM events ORDER BY bytes",
	"SELECT * FROM events WHERE latency LIKE 'x%'",
	"SELECT ttl(server) FROM events",
	"SELECT token(hour, server) FROM events",
	"SELECT * FROM events WHERE count(*) > 1",
	"SELECT frobnicate(bytes) FROM events",
	"SELECT * FROM events WHERE status",
	"SELECT COUNT(*) FROM nope.events",
	"SELECT COUNT(*) FROM bam.nope",
	"SELECT status, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC",
	"SELECT server, bytes FROM events ORDER BY 2, 1 DESC LIMIT 4",
	"SELECT server FROM events ORDER BY 2",
	"SELECT status, count(*) FROM events GROUP BY 2",
	"SELECT server FROM events GROUP BY 0",
	`SELECT "table", count(*) FROM events WHERE "table" = 'x' GROUP BY "table"`,
	`SELECT count(*) FROM events WHERE "table" > 'x'`,
	// Functions, casts and fields the replicas compute, as selectors of every range query.
	"SELECT toDate(ts) AS day, count(*) FROM events GROUP BY toDate(ts) ORDER BY day",
	"SELECT CAST(bytes AS text) FROM events WHERE CAST(bytes AS text) LIKE '1%'",
	"SELECT sum(CAST(user_id AS bigint)), max(floor(ts, 1h)) FROM events",
	"SELECT blobAsText(textAsBlob(status)), token(server, hour), sum(bytes) FROM events GROUP BY blobAsText(textAsBlob(status))",
	"SELECT server, hour, toDate(ts) FROM events WHERE server = 'a' AND hour = 'b' AND toDate(ts) > '2026-01-01'",
	"SELECT abs(sum(bytes)) FROM events",
	"SELECT frobnicate(bytes) FROM events",
	// Statements Cassandra runs itself come out in its order: token order.
	"SELECT DISTINCT server, hour FROM events",
	"SELECT server, hour, count(*) FROM events GROUP BY server, hour, ts",
}

func TestPlansGolden(t *testing.T) {
	var b strings.Builder
	for _, q := range planQueries {
		n, err := plan(t, q, Options{Keyspace: "bam", Splits: 20})
		b.WriteString(q + "\n")
		if err != nil {
			b.WriteString("ERROR: " + err.Error() + "\n\n")
			continue
		}
		b.WriteString(Format(n) + "\n")
	}
	checkGolden(t, "testdata/plans.golden", b.String())
}

// checkGolden compares got with the golden file at path, which -update rewrites.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./planner -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("plans differ from %s (go test ./planner -update rewrites it); got:\n%s", path, got)
	}
}

func TestPlanErrorKinds(t *testing.T) {
	cases := []struct {
		q    string
		kind error
	}{
		{"SELECT COUNT(*) FROM nope.events", ErrUnknownKeyspace},
		{"SELECT COUNT(*) FROM bam.nope", ErrUnknownTable},
		{"SELECT COUNT(*) FROM events", ErrNoKeyspace},
		{"SELECT nope FROM bam.events", ErrUnknownColumn},
		{"SELECT * FROM bam.events WHERE user_id = 'abc'", ErrType},
		{"SELECT status, count(*) FROM bam.events", ErrGrouping},
	}
	for _, c := range cases {
		if _, err := plan(t, c.q, Options{}); !errors.Is(err, c.kind) {
			t.Errorf("%s: error %v, want %v", c.q, err, c.kind)
		}
	}
}

// TestDefaultSplits: without --splits, 256 sub-ranges per node.
func TestDefaultSplits(t *testing.T) {
	n, err := plan(t, "SELECT COUNT(*) FROM bam.events", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var agg *RangeAggregate
	for agg == nil {
		if agg, _ = n.(*RangeAggregate); agg == nil {
			if len(n.Children()) == 0 {
				t.Fatal("no RangeAggregate in the plan")
			}
			n = n.Children()[0]
		}
	}
	if got := len(agg.Ranges); got != 3*DefaultSplitsPerHost {
		t.Fatalf("%d sub-ranges, want %d", got, 3*DefaultSplitsPerHost)
	}
}

func TestTokenClipping(t *testing.T) {
	p := ring.Murmur3
	ranges := []ring.Range{{Start: p.Min, End: big.NewInt(-10)}, {Start: big.NewInt(-10), End: big.NewInt(50)},
		{Start: big.NewInt(50), End: p.Max}}
	cases := []struct {
		lo, hi int64
		want   string
	}{
		{-20, 60, "[(-20, -10] (-10, 50] (50, 60]]"},
		{0, 10, "[(0, 10]]"},
		{-10, 50, "[(-10, 50]]"},
		{41, 42, "[(41, 42]]"},
		{70, 60, "[]"},
	}
	for _, c := range cases {
		got := clipRanges(ranges, big.NewInt(c.lo), big.NewInt(c.hi))
		if rangesString(got) != c.want {
			t.Errorf("clip to (%d, %d] = %s, want %s", c.lo, c.hi, rangesString(got), c.want)
		}
	}
}

func rangesString(rs []ring.Range) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return "[" + strings.Join(parts, " ") + "]"
}
