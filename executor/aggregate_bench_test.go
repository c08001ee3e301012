package executor

import (
	"context"
	"fmt"
	"io"
	"math"
	"testing"

	"github.com/cqlscan/cqlscan/internal/plantest"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
)

// benchEvents is the table the benchmarks plan their queries on.
var benchEvents = &schema.Table{Keyspace: "bam", Name: "events",
	Replication: ring.Replication{Strategy: ring.SimpleStrategy, Factor: 2},
	Columns: []schema.Column{
		{Name: "server", Type: "text", Kind: schema.PartitionKey},
		{Name: "hour", Type: "text", Kind: schema.PartitionKey, Position: 1},
		{Name: "ts", Type: "timestamp", Kind: schema.Clustering},
		{Name: "bytes", Type: "bigint"}, {Name: "latency", Type: "double"}, {Name: "status", Type: "int"},
		{Name: "user_id", Type: "int"}, {Name: "id", Type: "uuid"}, {Name: "digest", Type: "blob"},
		{Name: "tags", Type: "list<text>"}, {Name: "counters", Type: "map<text, int>"},
	}}

// benchPlan plans a SELECT on bam.events as the shell would.
func benchPlan(tb testing.TB, q string) planner.Node {
	tb.Helper()
	return plantest.Plan(tb, benchEvents, q)
}

// rowsIter is an in-memory input: it returns rows, then io.EOF.
type rowsIter struct {
	rows []Row
	pos  int
}

func (it *rowsIter) Next(context.Context) (Row, error) {
	if it.pos == len(it.rows) {
		return nil, io.EOF
	}
	it.pos++
	return it.rows[it.pos-1], nil
}

func (it *rowsIter) Close() error { return nil }

// aggInput makes rows of the scan under a GROUP BY plan, in its selector order: the group column
// (named key) cycles through groups values, so that every group gets rows/groups rows in an order
// that jumps around; bytes is i%1000 and latency (i%100)/40.
func aggInput(tb testing.TB, sels []planner.ScanColumn, key string, rows, groups int) []Row {
	tb.Helper()
	keys := make([]any, groups) // boxed once, as a page's repeated values would not be shared
	for g := range keys {
		switch key {
		case "server":
			keys[g] = fmt.Sprintf("esb%06d", g)
		case "user_id":
			keys[g] = int64(g)
		}
	}
	flat := make([]any, rows*len(sels))
	out := make([]Row, rows)
	for i := range out {
		row := Row(flat[i*len(sels) : (i+1)*len(sels) : (i+1)*len(sels)])
		for j, s := range sels {
			switch s.Column {
			case key:
				row[j] = keys[(i*7919)%groups] // 7919 is prime: coprime to every group count used
			case "bytes":
				row[j] = int64(i % 1000)
			case "latency":
				row[j] = float64(i%100) / 40
			default:
				tb.Fatalf("no benchmark values for column %s", s.Column)
			}
		}
		out[i] = row
	}
	return out
}

// BenchmarkHashAggregate measures GROUP BY with count(*), sum and avg through the hash aggregate
// iterator, over 1,000,000 in-memory rows and 10 to 100,000 groups of text (and one of int) keys.
func BenchmarkHashAggregate(b *testing.B) {
	const rows = 1_000_000
	for _, bc := range []struct {
		key    string
		groups int
	}{
		{"server", 10}, {"server", 1_000}, {"server", 100_000}, {"user_id", 1_000},
	} {
		b.Run(fmt.Sprintf("groups=%d/key=%s", bc.groups, bc.key), func(b *testing.B) {
			q := fmt.Sprintf("SELECT %s, count(*), sum(bytes), avg(latency) FROM events GROUP BY %s", bc.key, bc.key)
			plan := benchPlan(b, q)
			agg, ok := plantest.Find[*planner.HashAggregate](plan)
			if !ok {
				b.Fatalf("%s: no HashAggregate in\n%s", q, planner.Format(plan))
			}
			scan, ok := agg.Child.(*planner.RangeScan)
			if !ok {
				b.Fatalf("%s: the HashAggregate reads a %T, want a RangeScan", q, agg.Child)
			}
			input := &rowsIter{rows: aggInput(b, scan.Selectors, bc.key, rows, bc.groups)}
			run := func() Iter {
				input.pos = 0
				// As Executor.buildOperator builds a HashAggregate, on the in-memory input.
				return &bufferedIter{child: input, fill: (&aggIter{child: input, node: agg}).fill}
			}

			out, err := Drain(context.Background(), run())
			if err != nil {
				b.Fatal(err)
			}
			if len(out) != bc.groups {
				b.Fatalf("%d groups, want %d", len(out), bc.groups)
			}
			var count, sum int64
			var latency float64 // the sum of avg(latency) × count(*) over the groups
			for _, r := range out {
				n, s, avg := r[1].(int64), r[2].(int64), r[3].(float64)
				if n != rows/int64(bc.groups) {
					b.Fatalf("group %v counted %d rows, want %d", r[0], n, rows/bc.groups)
				}
				count, sum, latency = count+n, sum+s, latency+avg*float64(n)
			}
			const wantSum, wantLatency = rows / 1000 * (999 * 1000 / 2), rows / 100 * (99 * 100 / 2) / 40.0
			if count != rows || sum != wantSum || math.Abs(latency-wantLatency) > 1e-6*wantLatency {
				b.Fatalf("the groups count %d rows, sum(bytes) %d, avg(latency) weighing %v; want %d, %d, %v",
					count, sum, latency, rows, wantSum, wantLatency)
			}

			b.ReportAllocs()
			for b.Loop() {
				it := run()
				n := 0
				for {
					_, err := it.Next(context.Background())
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				it.Close()
				if n != bc.groups {
					b.Fatalf("%d groups, want %d", n, bc.groups)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rows*b.N), "ns/row")
		})
	}
}
