package planner

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner/schema"
)

// cursorCatalog adds tables a cursor must refuse to the fake catalog.
type cursorCatalog struct {
	fakeCatalog
	extra map[string]*schema.Table
}

func (c cursorCatalog) Table(ctx context.Context, ks, name string) (*schema.Table, error) {
	if t, ok := c.extra[name]; ok && ks == "bam" {
		return t, nil
	}
	return c.fakeCatalog.Table(ctx, ks, name)
}

var (
	keysOnly = &schema.Table{Keyspace: "bam", Name: "keys_only", Replication: events.Replication,
		Columns: []schema.Column{{Name: "k", Type: "int", Kind: schema.PartitionKey}, {Name: "c", Type: "int", Kind: schema.Clustering},
			{Name: "s", Type: "int", Kind: schema.Static}}}
	counts = &schema.Table{Keyspace: "bam", Name: "counts", Replication: events.Replication,
		Columns: []schema.Column{{Name: "k", Type: "int", Kind: schema.PartitionKey}, {Name: "n", Type: "counter"}}}
)

var testCursor = &Cursor{File: "ev.cursor", Since: "2026-12-02 04:00:00.000000+0000", Until: "2026-12-02 04:09:50.000000+0000", Remembered: 3}

func planCursor(t *testing.T, q string) (Node, error) {
	t.Helper()
	st, err := parser.Parse(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	cat := cursorCatalog{catalog(t), map[string]*schema.Table{"keys_only": keysOnly, "counts": counts}}
	return Plan(context.Background(), st.(*parser.Select), cat, Options{Keyspace: "bam", Splits: 20, Cursor: testCursor})
}

// cursorQueries are planned with a cursor; their plans or errors are pinned in
// testdata/cursor_plans.golden.
var cursorQueries = []string{
	"SELECT * FROM events WHERE server BETWEEN 'esb12' AND 'esb15' AND hour BETWEEN '08:00' AND '09:00'",
	"SELECT status, bytes FROM events WHERE status = 'ok' ORDER BY bytes DESC",
	"SELECT server, writetime(status) FROM events WHERE server = 'a' AND hour = 'b'",
	`SELECT "table" FROM events WHERE "table" > 'x'`,
}

func TestCursorPlansGolden(t *testing.T) {
	var b strings.Builder
	for _, q := range cursorQueries {
		n, err := planCursor(t, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		b.WriteString(q + "\n" + Format(n) + "\n")
	}
	checkGolden(t, "testdata/cursor_plans.golden", b.String())
}

// TestChangedRowsReadsEveryStamp: the scan under a ChangedRows reads the whole primary key and the
// write time of every regular column, whatever the statement selects, and the output keeps only
// what it selects.
func TestChangedRowsReadsEveryStamp(t *testing.T) {
	n, err := planCursor(t, "SELECT status FROM events WHERE bytes > 10")
	if err != nil {
		t.Fatal(err)
	}
	var cr *ChangedRows
	var scan *RangeScan
	for x := n; x != nil; {
		switch v := x.(type) {
		case *ChangedRows:
			cr = v
		case *RangeScan:
			scan = v
		}
		if len(x.Children()) == 0 {
			break
		}
		x = x.Children()[0]
	}
	if cr == nil || scan == nil {
		t.Fatalf("no ChangedRows over a RangeScan in\n%s", Format(n))
	}
	sel := func(is []int) []string {
		var out []string
		for _, i := range is {
			out = append(out, scan.Selectors[i].CQL)
		}
		return out
	}
	if got, want := fmt.Sprint(sel(cr.Keys)), "[server hour ts]"; got != want {
		t.Errorf("keys %s, want %s", got, want)
	}
	want := `[writetime(bytes) writetime(latency) writetime(status) writetime(tags) writetime(user_id) writetime(span) writetime("table")]`
	if got := fmt.Sprint(sel(cr.Stamps)); got != want {
		t.Errorf("stamps %s, want %s", got, want)
	}
	if cols := n.Columns(); len(cols) != 1 || cols[0].Name != "status" {
		t.Errorf("output columns %v, want [status]", cols)
	}
	if _, ok := n.Children()[0].(*ChangedRows); !ok {
		if f, isFilter := n.Children()[0].(*Filter); !isFilter || f.What != "WHERE" {
			t.Errorf("ChangedRows is not right under the projection (after the WHERE):\n%s", Format(n))
		}
	}
}

func TestCursorRefusals(t *testing.T) {
	cases := []struct{ q, why string }{
		{"SELECT count(*) FROM events", "aggregates"},
		{"SELECT status, count(*) FROM events GROUP BY status", "aggregates"},
		{"SELECT DISTINCT server, hour FROM events", "DISTINCT"},
		{"SELECT * FROM events LIMIT 10", "LIMIT"},
		{"SELECT * FROM events PER PARTITION LIMIT 1", "PER PARTITION LIMIT"},
		{"SELECT * FROM keys_only", "no regular column"},
		{"SELECT * FROM counts", "no regular column"},
	}
	for _, c := range cases {
		_, err := planCursor(t, c.q)
		if !errors.Is(err, ErrCursor) || !strings.Contains(err.Error(), c.why) {
			t.Errorf("%s: got %v, want an ErrCursor saying %q", c.q, err, c.why)
		}
	}
	// Without a cursor the same statements plan, and none gets a ChangedRows.
	if n, err := plan(t, "SELECT * FROM events", Options{Keyspace: "bam"}); err != nil || strings.Contains(Format(n), "ChangedRows") {
		t.Errorf("plain SELECT: %v\n%v", err, n)
	}
}
