package planner

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/parser"
)

// BenchmarkINList lexes, parses and plans `SELECT * FROM ks.t WHERE k IN (…n ints…)` into a
// PartitionRead of n partitions. Its time per key should not grow with n: a 20,000-key list once
// took 49 s (the lexer rescanned the rest of the text at every number).
func BenchmarkINList(b *testing.B) {
	table := keyTable("int")
	cat := oneTable{table, catalog(&testing.T{}).r}
	for _, n := range []int{5000, 20000} {
		vals := make([]string, n)
		for i := range vals {
			vals[i] = strconv.Itoa((i * 7919) % (4 * n)) // distinct, not in order
		}
		q := "SELECT * FROM ks.t WHERE k IN (" + strings.Join(vals, ", ") + ")"
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			for b.Loop() {
				st, err := parser.Parse(q)
				if err != nil {
					b.Fatal(err)
				}
				plan, err := Plan(context.Background(), st.(*parser.Select), cat, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if pr, ok := source(plan).(*PartitionRead); !ok || len(pr.Keys) != n {
					b.Fatalf("not a PartitionRead of %d partitions:\n%s", n, Format(plan))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/key")
		})
	}
}
