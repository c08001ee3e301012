package cluster

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/internal/testcluster"
	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner"
)

// recorder is a Querier that keeps every request it passes on.
type recorder struct {
	q    executor.Querier
	mu   sync.Mutex
	reqs []executor.PageRequest
}

func (r *recorder) QueryPage(ctx context.Context, req executor.PageRequest) (executor.Page, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.mu.Unlock()
	return r.q.QueryPage(ctx, req)
}

// bindTypes are the columns of bigtest_bind.t: every type a restriction or a partition key is bound
// as, with the literal of the value of the row k = 1 and a literal of a value between rows 1 and 2.
var bindTypes = []struct{ col, typ, one, between string }{
	{"ti", "tinyint", "-1", "0"},
	{"si", "smallint", "-300", "0"},
	{"i", "int", "-70000", "0"},
	{"bi", "bigint", "-9223372036854775808", "0"},
	{"vi", "varint", "-100000000000000000000", "0"},
	{"de", "decimal", "-1.50", "0"},
	{"fl", "float", "-1.1", "0"},
	{"db", "double", "-1.1", "0"},
	{"bo", "boolean", "false", ""},
	{"bl", "blob", "0x", "0x00"},
	{"u", "uuid", "00000000-0000-4000-8000-000000000000", "80000000-0000-4000-8000-000000000000"},
	{"tu", "timeuuid", "00000000-0000-1000-8000-000000000000", "00000000-0000-1000-9000-000000000000"},
	{"ts", "timestamp", "'0001-01-01 00:00:00+0000'", "'1970-01-01'"},
	{"d", "date", "'0001-01-01'", "'1970-01-01'"},
	{"tm", "time", "'00:00:00.000000001'", "'12:00:00'"},
	{"ip", "inet", "'10.0.0.1'", "'10.0.0.2'"},
	{"tx", "text", "''", "'a'"},
	{"ac", "ascii", "'A'", "'B'"},
}

// two is the literal of row 2's value in each column, above every value of row 1.
var two = map[string]string{"ti": "1", "si": "300", "i": "70000", "bi": "9223372036854775807",
	"vi": "100000000000000000000", "de": "2.5", "fl": "2.5", "db": "2.5", "bo": "true", "bl": "0xff",
	"u": "ffffffff-0000-4000-8000-000000000000", "tu": "00000000-0000-1000-a000-000000000000",
	"ts": "'2026-12-02 01:02:03.456+0000'", "d": "'2026-12-02'", "tm": "'23:59:59.999999999'",
	"ip": "'10.0.0.3'", "tx": "'é'", "ac": "'Z'"}

// TestBoundValuesOnCassandra runs restrictions and partition keys of every type that goes as a bind
// value against the one-node test cluster: each finds its row (the value reached Cassandra as the
// literal means), and no literal is left in the statements sent.
func TestBoundValuesOnCassandra(t *testing.T) {
	s, hosts := testcluster.Session(t, testcluster.One)
	ctx := context.Background()
	testcluster.Keyspace(t, s, "bigtest_bind", 1)
	var cols, pk, vals1, vals2 []string
	for _, b := range bindTypes {
		cols = append(cols, b.col+" "+b.typ, "r"+b.col+" "+b.typ)
		pk = append(pk, b.col)
	}
	stmts := []string{fmt.Sprintf("CREATE TABLE bigtest_bind.t (%s, PRIMARY KEY ((%s)))", strings.Join(cols, ", "), strings.Join(pk, ", "))}
	for _, b := range bindTypes {
		vals1 = append(vals1, b.one, b.one)
		vals2 = append(vals2, two[b.col], two[b.col])
	}
	all := strings.Join(pk, ", ") + ", r" + strings.Join(pk, ", r")
	for _, vals := range [][]string{vals1, vals2} {
		var ordered []string // the key columns' values, then the regular columns'
		for i := 0; i < len(vals); i += 2 {
			ordered = append(ordered, vals[i])
		}
		for i := 1; i < len(vals); i += 2 {
			ordered = append(ordered, vals[i])
		}
		stmts = append(stmts, fmt.Sprintf("INSERT INTO bigtest_bind.t (%s) VALUES (%s)", all, strings.Join(ordered, ", ")))
	}
	for _, stmt := range stmts {
		if err := s.Query(stmt).ExecContext(ctx); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	conn, err := Connect(Config{Hosts: hosts})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	run := func(q string) ([]string, []executor.PageRequest) {
		t.Helper()
		st, err := parser.Parse(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		plan, err := planner.Plan(ctx, st.(*parser.Select), conn, planner.Options{Splits: 8})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		rec := &recorder{q: conn}
		it, err := executor.New(rec, executor.Options{}).Build(plan)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := executor.Drain(ctx, it)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, fmt.Sprint(r[0]))
		}
		return got, rec.reqs
	}
	literalSent := func(reqs []executor.PageRequest, lit string) bool {
		for _, r := range reqs {
			if strings.Contains(r.Stmt, lit) {
				return true
			}
		}
		return false
	}

	var key1, key2 []string
	for _, b := range bindTypes {
		key1 = append(key1, b.col+" = "+b.one)
		key2 = append(key2, b.col+" = "+two[b.col])
		cases := []struct{ where, want string }{
			{"r" + b.col + " = " + b.one, b.one},
			{"r" + b.col + " = " + two[b.col], two[b.col]},
		}
		if b.between != "" { // booleans have no value between false and true
			cases = append(cases, struct{ where, want string }{"r" + b.col + " > " + b.between, two[b.col]},
				struct{ where, want string }{"r" + b.col + " < " + b.between, b.one})
		}
		for _, c := range cases {
			q := fmt.Sprintf("SELECT %s FROM bigtest_bind.t WHERE %s ALLOW FILTERING", b.col, c.where)
			got, reqs := run(q)
			want, _ := run(fmt.Sprintf("SELECT %s FROM bigtest_bind.t WHERE %s", b.col, map[bool]string{true: strings.Join(key1, " AND "), false: strings.Join(key2, " AND ")}[c.want == b.one]))
			if len(got) != 1 || !slices.Equal(got, want) {
				t.Errorf("%s: %v, want %v", q, got, want)
			}
			lit := c.where[strings.LastIndex(c.where, " ")+1:]
			if len(reqs) == 0 || !strings.Contains(reqs[0].Stmt, "r"+b.col+" "+strings.Fields(c.where)[1]+" ?") || (len(lit) > 2 && literalSent(reqs, lit)) {
				t.Errorf("%s: sent %q, want the value bound", q, reqs[0].Stmt)
			}
		}
	}
	for _, key := range [][]string{key1, key2} {
		q := "SELECT token(" + strings.Join(pk, ", ") + ") FROM bigtest_bind.t WHERE " + strings.Join(key, " AND ")
		got, reqs := run(q)
		if len(got) != 1 || len(reqs) != 1 || strings.Count(reqs[0].Stmt, "?") != len(bindTypes) {
			t.Fatalf("%s: rows %v after %d reads", q, got, len(reqs))
		}
		// The token the planner routes the read by is the one Cassandra computes.
		st, _ := parser.Parse(q)
		plan, err := planner.Plan(ctx, st.(*parser.Select), conn, planner.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var pr *planner.PartitionRead
		for n := plan; pr == nil && n != nil; {
			pr, _ = n.(*planner.PartitionRead)
			if kids := n.Children(); len(kids) > 0 {
				n = kids[0]
			} else {
				n = nil
			}
		}
		if pr == nil || len(pr.Keys) != 1 {
			t.Fatalf("%s: no partition read in\n%s", q, planner.Format(plan))
		}
		if tok, ok := planner.KeyToken(pr.Keys[0]); !ok || fmt.Sprint(tok) != got[0] {
			t.Errorf("key %s: token %d (%v), Cassandra says %s", pr.Keys[0], tok, ok, got[0])
		}
	}
}
