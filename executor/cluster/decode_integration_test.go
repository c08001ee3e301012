package cluster

import (
	"context"
	"sort"
	"testing"

	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// TestDecodeFromCassandra reads values of every shape back from the one-node test cluster through a
// Conn, as cqlscan reads them: NULL kept at every depth, a NULL tuple apart from a tuple of NULLs,
// durations, and vectors of frozen collections, tuples and user types, whose types the driver's own
// registry cannot read (and which cqlsh 6.2 cannot read either, so the differential test against it
// cannot cover them).
func TestDecodeFromCassandra(t *testing.T) {
	s, hosts := testcluster.Session(t, testcluster.One)
	ctx := context.Background()
	testcluster.Keyspace(t, s, "dec_cluster", 1)
	for _, stmt := range []string{
		`CREATE TYPE dec_cluster.pt (x int, y text)`,
		`CREATE TABLE dec_cluster.t (k int PRIMARY KEY, du duration, tup tuple<int, text, int>,
			lp list<frozen<pt>>, mp map<text, frozen<pt>>, st set<frozen<tuple<int, text>>>, pu pt,
			vf vector<float, 3>, vt vector<text, 2>, vl vector<frozen<list<int>>, 2>, vp vector<frozen<pt>, 2>,
			vtu vector<frozen<tuple<int, text>>, 1>, vv vector<vector<smallint, 1>, 2>)`,
		`INSERT INTO dec_cluster.t (k, du, tup, lp, mp, st, pu, vf, vt, vl, vp, vtu, vv) VALUES (1, -1y2mo3d4h5m6s7ms8us9ns,
			(1, null, 3), [{x: 1, y: null}, {x: null, y: ''}], {'a': {x: null}}, {(null, 'z'), (1, null)}, {y: 'only y'},
			[1.5, -0.25, 3], ['', 'bé'], [[1], []], [{x: 1, y: null}, {x: null, y: 'b'}], [(null, 'z')], [[1], [-1]])`,
		`INSERT INTO dec_cluster.t (k) VALUES (2)`,
		`INSERT INTO dec_cluster.t (k, du, tup) VALUES (3, 0s, (null, null, null))`,
	} {
		if err := s.Query(stmt).ExecContext(ctx); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	conn, err := Connect(Config{Hosts: hosts})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	res, err := conn.Exec(ctx, `SELECT k, du, tup, lp, mp, st, pu, vf, vt, vl, vp, vtu, vv FROM dec_cluster.t WHERE k IN (1, 2, 3)`, "")
	if err != nil {
		t.Fatal(err)
	}
	cols, rows := res.Columns, res.Rows
	want := [][]string{
		{"int64(1)", "-14mo-3d-14706007008009ns", `[int64(1) NULL int64(3)]`, `[[int64(1) NULL] [NULL ""]]`,
			`{"a": [NULL NULL]}`, `[[NULL "z"] [int64(1) NULL]]`, `[NULL "only y"]`, "[1.5 -0.25 3]", `["" "bé"]`,
			"[[int64(1)] []]", `[[int64(1) NULL] [NULL "b"]]`, `[[NULL "z"]]`, "[[int64(1)] [int64(-1)]]"},
		{"int64(2)", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
		{"int64(3)", "0mo0d0ns", "[NULL NULL NULL]", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i][0].(int64) < rows[j][0].(int64) })
	for i, row := range rows {
		for j, v := range row {
			if got := describe(v); got != want[i][j] {
				t.Errorf("row %d, column %s (%s): %s, want %s", i+1, cols[j].Name, cols[j].Type, got, want[i][j])
			}
		}
	}
}
