package sqltest

import (
	"context"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/internal/load"
	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// TestSeedQuery runs the question cqlscan was built for on real Cassandra: events keyed by server and
// hour, filtered by two BETWEEN ranges on the partition key's columns, grouped and counted, top 10.
func TestSeedQuery(t *testing.T) {
	s, hosts := testcluster.Session(t, testcluster.Three)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	const ks, n = "seed", 30000
	testcluster.Keyspace(t, s, ks, 2)
	if err := load.Events(ctx, s, ks, n, 64); err != nil {
		t.Fatal(err)
	}
	type agg struct {
		count int64
		sum   float64
	}
	want := map[string]*agg{}
	for i := 0; i < n; i++ {
		e := load.EventRow(i)
		if e.Server >= "esb12" && e.Server <= "esb15" && e.Hour >= "08:00" && e.Hour <= "09:00" {
			if want[e.Server] == nil {
				want[e.Server] = &agg{}
			}
			want[e.Server].count++
			want[e.Server].sum += e.Latency
		}
	}
	if len(want) == 0 {
		t.Fatal("the generator put no rows in the seed query's ranges")
	}
	conn := connect(t, hosts)
	got, err := runCQL(ctx, conn, ks, `SELECT server, count(*), avg(latency) FROM events
		WHERE server BETWEEN 'esb12' AND 'esb15' AND hour BETWEEN '08:00' AND '09:00'
		GROUP BY server ORDER BY count(*) DESC LIMIT 10`)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d groups, want %d: %v", len(got), len(want), got)
	}
	if !sort.SliceIsSorted(got, func(i, j int) bool { return got[i][1].(int64) > got[j][1].(int64) }) {
		t.Errorf("not ordered by count descending: %v", got)
	}
	for _, row := range got {
		w := want[row[0].(string)]
		if w == nil || row[1].(int64) != w.count || math.Abs(row[2].(float64)-w.sum/float64(w.count)) > 1e-9 {
			t.Errorf("row %v, want count %v", row, w)
		}
	}
}
