package executor

import (
	"encoding/binary"
	"sort"
	"testing"

	"github.com/cqlscan/cqlscan/internal/plantest"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
)

// evTable is the table of the statement tests: ops.ev (p int, c int, g text, n int, f double,
// PRIMARY KEY (p, c)).
var evTable = &schema.Table{Keyspace: "ops", Name: "ev", Replication: ring.Replication{Strategy: ring.SimpleStrategy, Factor: 1},
	Columns: []schema.Column{
		{Name: "p", Type: "int", Kind: schema.PartitionKey},
		{Name: "c", Type: "int", Kind: schema.Clustering},
		{Name: "g", Type: "text"}, {Name: "n", Type: "int"}, {Name: "f", Type: "double"}}}

// evRows are its rows, by column name; a missing name is NULL.
var evRows = []map[string]any{
	{"p": 1, "c": 1, "g": "a", "n": 5, "f": 1.5},
	{"p": 1, "c": 2, "g": "b", "f": 2.0},
	{"p": 2, "c": 1, "g": "a", "n": -3},
	{"p": 2, "c": 2, "n": 7, "f": 0.5},
	{"p": 3, "c": 1, "g": "b", "n": 2, "f": 2.5},
	{"p": 3, "c": 2, "g": "a", "n": 5, "f": -1.0},
	{"p": 4, "c": 1},
	{"p": 4, "c": 2, "g": "c", "n": 10, "f": 3.0},
}

// evSource holds evRows as a scan with the given selectors reads them: each at its partition's
// Murmur3 token, in token then clustering order, as Cassandra returns them.
func evSource(t *testing.T, sels []planner.ScanColumn) *memSource {
	t.Helper()
	src := &memSource{}
	for _, r := range evRows {
		row := make(Row, len(sels))
		for i, s := range sels {
			if s.Column == "" {
				t.Fatalf("selector %s is not a column", s.CQL)
			}
			if v, ok := r[s.Column]; ok {
				if n, isInt := v.(int); isInt {
					v = int64(n)
				}
				row[i] = v
			}
		}
		tok := ring.Murmur3Token(binary.BigEndian.AppendUint32(nil, uint32(r["p"].(int))))
		src.rows = append(src.rows, memRow{token: tok, vals: row})
	}
	sort.SliceStable(src.rows, func(i, j int) bool { return src.rows[i].token < src.rows[j].token })
	return src
}

// TestStatementsOnTheClient runs statements the planner sends to the client operators (GROUP BY a
// regular column, HAVING, ORDER BY any column with LIMIT, DISTINCT of a regular column,
// COUNT(DISTINCT), a WHERE Cassandra cannot apply) over evRows, planned as the shell plans them.
// The answers are SQLite's (3.40.1) for the same rows and statements, with two differences that are
// Cassandra's: avg of an int column is an int (truncated; SQLite's sum(n)/count(n)), and the plans
// here hold no Cassandra-only syntax beyond ALLOW FILTERING.
func TestStatementsOnTheClient(t *testing.T) {
	cases := []struct {
		query     string
		want      []Row
		unordered bool
	}{
		{"SELECT g, count(*), count(n), sum(n), min(n), max(n) FROM ev GROUP BY g", []Row{
			{nil, int64(2), int64(1), int64(7), int64(7), int64(7)},
			{"a", int64(3), int64(3), int64(7), int64(-3), int64(5)},
			{"b", int64(2), int64(1), int64(2), int64(2), int64(2)},
			{"c", int64(1), int64(1), int64(10), int64(10), int64(10)},
		}, true},
		{"SELECT g, sum(n) FROM ev GROUP BY g HAVING sum(n) > 4", []Row{
			{nil, int64(7)}, {"a", int64(7)}, {"c", int64(10)},
		}, true},
		{"SELECT p, c, n FROM ev WHERE n + 1 > 3 ORDER BY n DESC, p LIMIT 3 ALLOW FILTERING", []Row{
			{int64(4), int64(2), int64(10)}, {int64(2), int64(2), int64(7)}, {int64(1), int64(1), int64(5)},
		}, false},
		{"SELECT DISTINCT g FROM ev", []Row{{nil}, {"a"}, {"b"}, {"c"}}, true},
		{"SELECT count(DISTINCT g) FROM ev", []Row{{int64(3)}}, false},
		{"SELECT p, n * 2 AS dbl FROM ev WHERE g = 'a' ORDER BY p DESC, c ALLOW FILTERING", []Row{
			{int64(3), int64(10)}, {int64(2), int64(-6)}, {int64(1), int64(10)},
		}, false},
		{"SELECT avg(n), avg(f), count(*) FROM ev WHERE n + 0 > 0 ALLOW FILTERING", []Row{{int64(5), 1.3, int64(5)}}, false},
		{"SELECT p, c, f FROM ev ORDER BY f, p DESC", []Row{
			{int64(4), int64(1), nil}, {int64(2), int64(1), nil}, {int64(3), int64(2), -1.0}, {int64(2), int64(2), 0.5},
			{int64(1), int64(1), 1.5}, {int64(1), int64(2), 2.0}, {int64(3), int64(1), 2.5}, {int64(4), int64(2), 3.0},
		}, false},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			plan := plantest.Plan(t, evTable, c.query)
			if _, pushed := plantest.Find[*planner.RangeAggregate](plan); pushed {
				t.Fatalf("the plan runs on the replicas, not on the client operators:\n%s", planner.Format(plan))
			}
			scan, ok := plantest.Find[*planner.RangeScan](plan)
			if !ok {
				t.Fatalf("no range scan in\n%s", planner.Format(plan))
			}
			got := mustRun(t, evSource(t, scan.Selectors), plan)
			g, w := showRows(got), showRows(c.want)
			if c.unordered {
				g, w = showSorted(got), showSorted(c.want)
			}
			if g != w {
				t.Errorf("%s\ngave\n%s\nwant\n%s", planner.Format(plan), g, w)
			}
		})
	}
}
