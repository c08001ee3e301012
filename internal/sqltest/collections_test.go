package sqltest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/internal/load"
	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// TestCollectionsAndPartitionLimit checks the CQL-only forms on real Cassandra against answers
// computed from the generator: CONTAINS, CONTAINS KEY, m['k'], l[i], collection literals and
// PER PARTITION LIMIT (pushed to Cassandra without WHERE, applied on the client after a WHERE).
func TestCollectionsAndPartitionLimit(t *testing.T) {
	s, hosts := testcluster.Session(t, testcluster.Three)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	const ks = "colls"
	testcluster.Keyspace(t, s, ks, 1)
	if err := s.Query(`CREATE TABLE colls.c (p int, k int, tags set<text>, attrs map<text, int>, nums list<int>,
		PRIMARY KEY (p, k))`).ExecContext(ctx); err != nil {
		t.Fatal(err)
	}
	const parts, perPart = 200, 6
	type row struct {
		p, k  int
		tags  []string
		attrs map[string]int
		nums  []int
	}
	var rows []row
	for p := 0; p < parts; p++ {
		for k := 0; k < perPart; k++ {
			i := p*perPart + k
			r := row{p: p, k: k, attrs: map[string]int{}}
			for j := 0; j < i%4; j++ {
				r.tags = append(r.tags, fmt.Sprintf("t%d", (i+j)%5))
			}
			if i%3 != 0 {
				r.attrs["color"] = i % 7
			}
			if i%5 == 0 {
				r.attrs["size"] = i % 11
			}
			for j := 0; j < i%3; j++ {
				r.nums = append(r.nums, i+j)
			}
			rows = append(rows, r)
		}
	}
	err := load.Run(ctx, s, len(rows), 32, func(i int) load.Stmt {
		r := rows[i]
		return load.S(`INSERT INTO colls.c (p, k, tags, attrs, nums) VALUES (?, ?, ?, ?, ?)`, r.p, r.k, r.tags, r.attrs, r.nums)
	})
	if err != nil {
		t.Fatal(err)
	}
	count := func(keep func(r row) bool) int64 {
		var n int64
		for _, r := range rows {
			if keep(r) {
				n++
			}
		}
		return n
	}
	has := func(xs []string, x string) bool {
		for _, y := range xs {
			if y == x {
				return true
			}
		}
		return false
	}
	cases := []struct {
		q    string
		want int64
	}{
		{"SELECT count(*) FROM c WHERE tags CONTAINS 't1'", count(func(r row) bool { return has(r.tags, "t1") })},
		{"SELECT count(*) FROM c WHERE attrs CONTAINS KEY 'size'", count(func(r row) bool { _, ok := r.attrs["size"]; return ok })},
		{"SELECT count(*) FROM c WHERE attrs CONTAINS 3 ALLOW FILTERING", count(func(r row) bool {
			for _, v := range r.attrs {
				if v == 3 {
					return true
				}
			}
			return false
		})},
		{"SELECT count(*) FROM c WHERE attrs['color'] = 2", count(func(r row) bool { v, ok := r.attrs["color"]; return ok && v == 2 })},
		{"SELECT count(*) FROM c WHERE attrs['color'] IS NULL", count(func(r row) bool { _, ok := r.attrs["color"]; return !ok })},
		{"SELECT count(*) FROM c WHERE nums[1] > 600", count(func(r row) bool { return len(r.nums) > 1 && r.nums[1] > 600 })},
		{"SELECT count(*) FROM c WHERE tags = {'t1', 't2'}", count(func(r row) bool {
			return len(r.tags) == 2 && has(r.tags, "t1") && has(r.tags, "t2")
		})},
		// An empty collection is stored as NULL by Cassandra.
		{"SELECT count(*) FROM c WHERE nums IS NULL", count(func(r row) bool { return len(r.nums) == 0 })},
		// Without WHERE, Cassandra applies PER PARTITION LIMIT; with one, the client does, after it.
		{"SELECT count(k) FROM c PER PARTITION LIMIT 2", parts * 2},
		{"SELECT count(k) FROM c WHERE k >= 3 PER PARTITION LIMIT 2", parts * 2},
		{"SELECT count(k) FROM c WHERE k = 5 PER PARTITION LIMIT 2", parts},
	}
	conn := connect(t, hosts)
	for _, c := range cases {
		got, err := runCQL(ctx, conn, ks, c.q)
		if err != nil {
			t.Errorf("%s: %v", c.q, err)
			continue
		}
		if len(got) != 1 || got[0][0] != c.want {
			t.Errorf("%s = %v, want %d", c.q, got, c.want)
		}
	}
}

// TestTokenRestrictions: token() bounds clip the ranges scanned. For any split point X the counts on
// both sides must add up to the table's count, with no row lost or counted twice, and a bound that
// excludes the whole ring must count nothing.
func TestTokenRestrictions(t *testing.T) {
	s, hosts := testcluster.Session(t, testcluster.Three)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	testcluster.Keyspace(t, s, "tokens", 3)
	want, err := testcluster.Datasets[0].Load(ctx, s, "tokens")
	if err != nil {
		t.Fatal(err)
	}
	conn := connect(t, hosts)
	one := func(q string) int64 {
		t.Helper()
		rows, err := runCQL(ctx, conn, "tokens", q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return rows[0][0].(int64)
	}
	total := one("SELECT count(*) FROM single_pk")
	if total != want {
		t.Fatalf("count(*) = %d, want %d", total, want)
	}
	for _, x := range []string{"-9223372036854775807", "-4611686018427387904", "0", "123456789", "9223372036854775806"} {
		le := one("SELECT count(*) FROM single_pk WHERE token(id) <= " + x)
		gt := one("SELECT count(v) FROM single_pk WHERE token(id) > " + x)
		ge := one("SELECT count(*) FROM single_pk WHERE token(id) >= " + x + " AND v IS NOT NULL")
		if le+gt != total || ge < gt {
			t.Errorf("split at %s: %d + %d != %d (>= gives %d)", x, le, gt, total, ge)
		}
	}
	if n := one("SELECT count(*) FROM single_pk WHERE token(id) > 9223372036854775807"); n != 0 {
		t.Errorf("token beyond the ring counted %d rows", n)
	}
}
