package expr_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/internal/plantest"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
)

// events is the table the benchmark's WHERE clauses are planned on.
var events = &schema.Table{Keyspace: "bam", Name: "events",
	Replication: ring.Replication{Strategy: ring.SimpleStrategy, Factor: 2},
	Columns: []schema.Column{
		{Name: "server", Type: "text", Kind: schema.PartitionKey},
		{Name: "hour", Type: "text", Kind: schema.PartitionKey, Position: 1},
		{Name: "ts", Type: "timestamp", Kind: schema.Clustering},
		{Name: "bytes", Type: "bigint"}, {Name: "latency", Type: "double"}, {Name: "status", Type: "int"},
	}}

// whereFilter plans a SELECT on events and returns its WHERE condition as the planner bound it, and
// the selectors of the scan under it, which give the condition's row positions.
func whereFilter(tb testing.TB, q string) (expr.Expr, []planner.ScanColumn) {
	tb.Helper()
	plan := plantest.Plan(tb, events, q)
	for n := plan; ; n = n.Children()[0] {
		if f, ok := n.(*planner.Filter); ok && f.What == "WHERE" {
			scan, ok := f.Child.(*planner.RangeScan)
			if !ok {
				tb.Fatalf("%s: the filter reads a %T, want a RangeScan", q, f.Child)
			}
			return f.Cond, scan.Selectors
		}
		if len(n.Children()) == 0 {
			tb.Fatalf("%s: no WHERE filter in\n%s", q, planner.Format(plan))
		}
	}
}

// event is one generated row, by column.
type event struct {
	server, hour string
	bytes        int64
	latency      float64
	status       int64
}

// eventRows makes n events and their rows in the order of sels, values in their canonical forms.
func eventRows(tb testing.TB, sels []planner.ScanColumn, n int) ([]event, [][]any) {
	tb.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	evs, rows := make([]event, n), make([][]any, n)
	for i := range evs {
		e := event{
			server:  fmt.Sprintf("esb%02d", r.IntN(40)),
			hour:    fmt.Sprintf("%02d:00", r.IntN(24)),
			bytes:   r.Int64N(5000),
			latency: r.Float64() * 5,
			status:  []int64{200, 200, 200, 404, 500, 503}[r.IntN(6)],
		}
		row := make([]any, len(sels))
		for j, s := range sels {
			switch s.Column {
			case "server":
				row[j] = e.server
			case "hour":
				row[j] = e.hour
			case "bytes":
				row[j] = e.bytes
			case "latency":
				row[j] = e.latency
			case "status":
				row[j] = e.status
			default:
				tb.Fatalf("no benchmark values for column %s", s.Column)
			}
		}
		evs[i], rows[i] = e, row
	}
	return evs, rows
}

// selected counts the rows for which cond is true, as a filter keeps them.
func selected(cond expr.Expr, rows [][]any) (int, error) {
	n := 0
	for _, row := range rows {
		v, err := cond.Eval(row)
		if err != nil {
			return 0, err
		}
		if v == true {
			n++
		}
	}
	return n, nil
}

// BenchmarkFilter measures evaluating planned WHERE conditions (text ranges, numeric comparisons,
// IN and LIKE) over 5,000 rows.
func BenchmarkFilter(b *testing.B) {
	const rows = 5000
	for _, bc := range []struct {
		name  string
		where string
		want  func(e event) bool // the same condition, in Go
	}{
		{"text-ranges", "server >= 'esb12' AND server <= 'esb15' AND hour BETWEEN '08:00' AND '09:00'", func(e event) bool {
			return e.server >= "esb12" && e.server <= "esb15" && e.hour >= "08:00" && e.hour <= "09:00"
		}},
		{"numeric", "bytes > 1000 AND latency < 2.5", func(e event) bool {
			return e.bytes > 1000 && e.latency < 2.5
		}},
		{"in", "status IN (400, 404, 500, 503)", func(e event) bool {
			return e.status == 400 || e.status == 404 || e.status == 500 || e.status == 503
		}},
		{"like", "server LIKE 'esb1%'", func(e event) bool {
			return strings.HasPrefix(e.server, "esb1")
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cond, sels := whereFilter(b, "SELECT server FROM events WHERE "+bc.where)
			evs, data := eventRows(b, sels, rows)
			want := 0
			for _, e := range evs {
				if bc.want(e) {
					want++
				}
			}
			got, err := selected(cond, data)
			if err != nil {
				b.Fatal(err)
			}
			if got != want || want == 0 || want == rows {
				b.Fatalf("%s selects %d of %d rows, want %d (and neither none nor all)", cond, got, rows, want)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := selected(cond, data); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
		})
	}
}
