package executor

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/internal/plantest"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/planner/types"
)

// driverUUID stands for gocql.UUID, the form the driver decodes uuids to: a 16-byte array.
type driverUUID [16]byte

// driverPage makes a page of n rows for sels in the Go forms the cluster package decodes values to
// (int for int, []string for list<text>, map[string]int for map<text, int>, …), before normalisation.
func driverPage(tb testing.TB, sels []planner.ScanColumn, n int) []Row {
	tb.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	epoch := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	page := make([]Row, n)
	for i := range page {
		row := make(Row, len(sels))
		for j, s := range sels {
			switch s.Column {
			case "server":
				row[j] = fmt.Sprintf("esb%02d", r.IntN(40))
			case "status":
				row[j] = []int{200, 200, 200, 404, 500}[r.IntN(5)]
			case "bytes":
				row[j] = r.Int64N(1 << 20)
			case "latency":
				row[j] = r.Float64() * 5
			case "ts":
				row[j] = epoch.Add(time.Duration(i)*time.Second + time.Duration(r.IntN(1000))*time.Millisecond)
			case "id":
				var u driverUUID
				for k := range u {
					u[k] = byte(r.Uint32())
				}
				row[j] = u
			case "digest":
				b := make([]byte, 34)
				for k := range b {
					b[k] = byte(r.Uint32())
				}
				row[j] = b
			case "tags":
				tags := make([]string, 1+r.IntN(8))
				for k := range tags {
					tags[k] = "tag-" + strconv.Itoa(r.IntN(100))
				}
				row[j] = tags
			case "counters":
				m := map[string]int{}
				for n := 1 + r.IntN(8); len(m) < n; {
					m["counter-"+strconv.Itoa(r.IntN(100))] = r.IntN(1 << 16)
				}
				row[j] = m
			default:
				tb.Fatalf("no benchmark values for column %s", s.Column)
			}
		}
		page[i] = row
	}
	return page
}

// checkNormalized fails unless every value of page is in the canonical form of its selector's type.
func checkNormalized(tb testing.TB, sels []planner.ScanColumn, page []Row) {
	tb.Helper()
	for i, row := range page {
		for j, v := range row {
			ok := false
			switch sels[j].Type.Kind {
			case types.Text:
				_, ok = v.(string)
			case types.Int, types.BigInt:
				_, ok = v.(int64)
			case types.Double:
				_, ok = v.(float64)
			case types.Timestamp:
				_, ok = v.(time.Time)
			case types.UUID:
				_, ok = v.(types.UUIDValue)
			case types.Blob:
				_, ok = v.([]byte)
			case types.List:
				_, ok = v.([]any)
			case types.Map:
				var m []types.MapEntry
				m, ok = v.([]types.MapEntry)
				ok = ok && sort.SliceIsSorted(m, func(a, b int) bool { return m[a].Key.(string) < m[b].Key.(string) })
			}
			if !ok {
				tb.Fatalf("row %d column %s (%s) normalised to %T %v", i, sels[j].Name, sels[j].Type, v, v)
			}
		}
	}
}

// BenchmarkNormalizePage measures normalising one page of 5,000 decoded rows to the selectors'
// canonical forms, for a typical row of seven columns and a wide one that adds two collections.
func BenchmarkNormalizePage(b *testing.B) {
	for _, bc := range []struct{ name, query string }{
		{"typical", "SELECT server, status, bytes, latency, ts, id, digest FROM events"},
		{"wide", "SELECT server, status, bytes, latency, ts, id, digest, tags, counters FROM events"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			plan := benchPlan(b, bc.query)
			scan, ok := plantest.Find[*planner.RangeScan](plan)
			if !ok {
				b.Fatalf("%s: no RangeScan in\n%s", bc.query, planner.Format(plan))
			}
			sels := scan.Selectors
			decoded := driverPage(b, sels, DefaultFetchSize)
			// normalizePage works in place: each round gets a fresh copy of the decoded page.
			page := make([]Row, len(decoded))
			for i := range page {
				page[i] = make(Row, len(sels))
			}
			reset := func() {
				for i, row := range decoded {
					copy(page[i], row)
				}
			}
			reset()
			if err := normalizePage(sels, page); err != nil {
				b.Fatal(err)
			}
			checkNormalized(b, sels, page)

			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				reset()
				b.StartTimer()
				if err := normalizePage(sels, page); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(page)), "ns/row")
		})
	}
}

// echoKey answers every partition read at once with one row: its first bind value, the key.
type echoKey struct{}

func (echoKey) QueryPage(_ context.Context, req PageRequest) (Page, error) {
	return Page{Rows: []Row{{req.Args[0]}}}, nil
}

// BenchmarkPartitionReads plans `k IN (…n ints…)` and runs its n partition reads, in order, against
// a cluster that answers at once: the client's own cost of a long IN list, which should grow
// linearly with it.
func BenchmarkPartitionReads(b *testing.B) {
	table := &schema.Table{Keyspace: "ks", Name: "t", Replication: ring.Replication{Strategy: ring.SimpleStrategy, Factor: 1},
		Columns: []schema.Column{{Name: "k", Type: "int", Kind: schema.PartitionKey}}}
	for _, n := range []int{5000, 20000} {
		vals := make([]string, n)
		for i := range vals {
			vals[i] = strconv.Itoa((i * 7919) % (4 * n))
		}
		q := "SELECT k FROM ks.t WHERE k IN (" + strings.Join(vals, ", ") + ")"
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			plan := plantest.Plan(b, table, q)
			b.ReportAllocs()
			for b.Loop() {
				it, err := New(echoKey{}, Options{Concurrency: DefaultConcurrency}).Build(plan)
				if err != nil {
					b.Fatal(err)
				}
				rows, err := Drain(context.Background(), it)
				if err != nil || len(rows) != n {
					b.Fatalf("%d rows, %v", len(rows), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/key")
		})
	}
}
