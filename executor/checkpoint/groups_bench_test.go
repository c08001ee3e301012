package checkpoint

import (
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/planner/ring"
)

// BenchmarkGroupCheckpoint measures what a GroupRecorder costs a GROUP BY of 1,000 groups (count(*)
// and sum) over 1,024 finished sub-ranges in one Interval (a second), at most: the three in-memory
// snapshots (one every quarter of the interval) and one write to disk. Its "%-of-scan" metric is that
// time as a share of the second, the scan's cost of checkpointing; "file-bytes" is the size of the
// file written (issue 16's targets: under 2% and under 1 MB).
func BenchmarkGroupCheckpoint(b *testing.B) {
	tab := groupTable(b)
	for g := range 1000 {
		key := fmt.Sprintf("0x%016x", uint64(g)*0x9e3779b97f4a7c15) // as standard1's "C0" values read
		for v := range 3 {
			addRow(b, tab, key, int64(g*1000+v))
		}
	}
	path := filepath.Join(b.TempDir(), "groups.json")
	var done []ring.Range
	width := new(big.Int).Lsh(big.NewInt(1), 54)
	start := new(big.Int).Lsh(big.NewInt(-1), 63)
	for range 1024 {
		end := new(big.Int).Add(start, width)
		done = append(done, ring.Range{Start: start, End: end})
		start = end
	}
	key := Key{Query: `SELECT "C0", count(*), sum(v) FROM keyspace1.standard1 GROUP BY "C0"`, Keyspace: "keyspace1", Ring: "abc"}
	r := NewGroupRecorder(path, key, shape, done)
	r.Interval = time.Second
	b.ReportAllocs()
	for b.Loop() {
		for range 3 {
			if _, err := tab.Encode(); err != nil {
				b.Fatal(err)
			}
		}
		if err := r.Save(tab); err != nil {
			b.Fatal(err)
		}
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(st.Size()), "file-bytes")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(time.Second)*100, "%-of-scan")
}
