package sqltest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// orderCases lists, per type, literals whose order Cassandra decides. Each is used as a clustering
// key, so Cassandra itself sorts them within a partition: that order is the oracle.
var orderCases = []struct {
	name, typ string
	values    []string
}{
	{"ascii", "ascii", []string{"''", "'A'", "'Z'", "'a'", "'ab'", "'b'", "' '"}},
	{"text", "text", []string{"''", "'a'", "'B'", "'é'", "'z'", "'ä'", "'日本'", "'ab'", "'ÿ'", "'Ā'"}},
	{"tinyint", "tinyint", []string{"-128", "-1", "0", "1", "127"}},
	{"smallint", "smallint", []string{"-32768", "-2", "0", "300", "32767"}},
	{"int", "int", []string{"-2147483648", "-7", "0", "65536", "2147483647"}},
	{"bigint", "bigint", []string{"-9223372036854775808", "-1", "0", "4294967296", "9223372036854775807"}},
	{"varint", "varint", []string{"-100000000000000000000", "-129", "-128", "-1", "0", "127", "128", "255", "256", "99999999999999999999999"}},
	{"decimal", "decimal", []string{"-1.5", "-0.001", "0", "0.001", "1E+3", "2.50", "2.5001", "12345678901234567890.123", "-12345678901234567890.5"}},
	{"float", "float", []string{"-Infinity", "-1.5", "-0.0", "0.0", "1e-30", "3.4e38", "Infinity", "NaN"}},
	{"double", "double", []string{"-Infinity", "-1e300", "-0.0", "0.0", "5e-324", "1.5", "Infinity", "NaN"}},
	{"boolean", "boolean", []string{"true", "false"}},
	{"blob", "blob", []string{"0x", "0x00", "0x0001", "0x01", "0xff", "0xff00", "0x7f", "0x80"}},
	{"uuid", "uuid", []string{
		"550e8400-e29b-41d4-a716-446655440000", "550e8400-e29b-41d4-2716-446655440000",
		"ffffffff-ffff-4fff-bfff-ffffffffffff", "00000000-0000-4000-8000-000000000000",
		"00000000-0000-4000-7fff-ffffffffffff", "d2177dd0-eaa2-11de-a572-001b779c76e3",
		"00000001-0000-1000-8000-000000000000", "ffffffff-0000-1000-8000-000000000000",
		"00000000-ffff-1000-8000-000000000000", "6ba7b810-9dad-31d1-80b4-00c04fd430c8",
		"6ba7b810-9dad-51d1-80b4-00c04fd430c8"}},
	{"timeuuid", "timeuuid", []string{
		"d2177dd0-eaa2-11de-a572-001b779c76e3", "00000001-0000-1000-8000-000000000000",
		"ffffffff-0000-1000-8000-000000000000", "00000000-ffff-1000-8000-000000000000",
		"00000000-0000-1001-8000-000000000000", "00000001-0000-1000-0000-000000000000",
		"00000001-0000-1000-ffff-ffffffffffff", "00000001-0000-1000-7fff-ffffffffffff"}},
	{"timestamp", "timestamp", []string{"'1969-12-31 23:59:59.999+0000'", "'1970-01-01 00:00:00+0000'",
		"'2024-02-29 12:00:00+0000'", "'0001-01-01 00:00:00+0000'", "'9999-12-31 23:59:59+0000'", "'1900-06-01 00:00:00+0000'"}},
	{"date", "date", []string{"'1970-01-01'", "'1969-12-31'", "'0001-01-01'", "'9999-12-31'", "'2000-02-29'"}},
	{"time", "time", []string{"'00:00:00'", "'00:00:00.000000001'", "'12:34:56.789'", "'23:59:59.999999999'", "'01:00:00'"}},
	{"inet", "inet", []string{"'127.0.0.1'", "'10.0.0.1'", "'::1'", "'2001:db8::1'", "'255.255.255.255'", "'0.0.0.0'", "'::'", "'fe80::1'"}},
	{"tuple", "frozen<tuple<int, text>>", []string{"(1, 'a')", "(1, 'b')", "(0, 'z')", "(-1, 'a')", "(1, null)", "(null, 'a')"}},
	{"list", "frozen<list<int>>", []string{"[]", "[1]", "[1, 2]", "[0, 5]", "[2]", "[-1, 9, 9]"}},
	{"set", "frozen<set<text>>", []string{"{}", "{'a'}", "{'a', 'b'}", "{'b'}", "{'A', 'z'}"}},
	{"map", "frozen<map<int, text>>", []string{"{}", "{1: 'a'}", "{1: 'b'}", "{0: 'z'}", "{1: 'a', 2: 'a'}", "{-5: ''}"}},
	{"udt", "frozen<pt>", []string{"{y: 1, x: 2}", "{x: 1, y: 5}", "{x: 1, y: -5}", "{x: -3, y: 0}", "{x: 1}"}},
}

// TestOrderMatchesCassandra checks cqlscan's ordering and equality of every orderable CQL type against
// Cassandra's own: each literal is a clustering key in partition 0, where Cassandra keeps rows in
// clustering order, and is copied into other partitions. cqlscan must sort partition 0 into the order
// Cassandra stores it in, and must group the copies across partitions into one group per value,
// in the same order.
func TestOrderMatchesCassandra(t *testing.T) {
	s, hosts := testcluster.Session(t, testcluster.One)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	const ks = "ordering"
	testcluster.Keyspace(t, s, ks, 1)
	if err := s.Query(`CREATE TYPE ordering.pt (x int, y int)`).ExecContext(ctx); err != nil {
		t.Fatal(err)
	}
	conn := connect(t, hosts)
	for _, c := range orderCases {
		t.Run(c.name, func(t *testing.T) {
			table := "o_" + c.name
			stmt := fmt.Sprintf("CREATE TABLE %s.%s (p int, ck %s, idx int, PRIMARY KEY (p, ck))", ks, table, c.typ)
			if err := s.Query(stmt).ExecContext(ctx); err != nil {
				t.Fatal(err)
			}
			for i, v := range c.values {
				for _, p := range []int{0, 1 + i%3, 4 + (i*7)%5} {
					ins := fmt.Sprintf("INSERT INTO %s.%s (p, ck, idx) VALUES (%d, %s, %d)", ks, table, p, v, i)
					if err := s.Query(ins).ExecContext(ctx); err != nil {
						t.Fatalf("%s: %v", ins, err)
					}
				}
			}
			var oracle []string
			iter := s.Query(fmt.Sprintf("SELECT idx FROM %s.%s WHERE p = 0", ks, table)).IterContext(ctx)
			var idx int
			for iter.Scan(&idx) {
				oracle = append(oracle, fmt.Sprint(idx))
			}
			if err := iter.Close(); err != nil {
				t.Fatal(err)
			}
			if len(oracle) != len(c.values) {
				t.Fatalf("Cassandra holds %d distinct values, the case lists %d", len(oracle), len(c.values))
			}
			want := strings.Join(oracle, " ")
			for _, q := range []string{
				"SELECT idx FROM " + table + " WHERE p = 0 ORDER BY ck",
				"SELECT idx FROM " + table + " ORDER BY ck, p LIMIT 1000",
				"SELECT min(idx), count(*) FROM " + table + " GROUP BY ck ORDER BY ck",
				"SELECT DISTINCT idx, ck FROM " + table + " ORDER BY ck DESC",
			} {
				rows, err := runCQL(ctx, conn, ks, q)
				if err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				var got []string
				for _, r := range rows {
					got = append(got, fmt.Sprint(r[0]))
				}
				switch {
				case strings.HasPrefix(q, "SELECT idx FROM "+table+" ORDER BY"):
					got = slices.Compact(got) // three copies of each value, adjacent once sorted
				case strings.Contains(q, "DESC"):
					slices.Reverse(got)
				}
				if g := strings.Join(got, " "); g != want {
					t.Errorf("%s\n  cqlscan:   %s\n  Cassandra: %s", q, g, want)
				}
			}
		})
	}
}
