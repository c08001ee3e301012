package cluster

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/internal/load"
	"github.com/cqlscan/cqlscan/internal/testcluster"
	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner"
)

// TestPlansSizedFromTheData counts a 50-row table (RF 3) and a 200,000-row one (RF 1, to load it
// quickly) on the three-node cluster as the command line does: the small one in a few requests,
// whether or not its data has reached the size estimates yet, the large one in many; both exact.
func TestPlansSizedFromTheData(t *testing.T) {
	s, hosts := testcluster.Session(t, testcluster.Three)
	ctx := context.Background()
	testcluster.Keyspace(t, s, "sizing", 3)
	testcluster.Keyspace(t, s, "sizing_rf1", 1)
	for _, stmt := range []string{
		`CREATE TABLE sizing.small (k int PRIMARY KEY, v text)`,
		`CREATE TABLE sizing_rf1.large (k int PRIMARY KEY, v text)`,
	} {
		if err := s.Query(stmt).ExecContext(ctx); err != nil {
			t.Fatal(err)
		}
	}
	const small, large = 50, 200_000
	pad := strings.Repeat("x", 100)
	for _, tb := range []struct {
		name string
		n    int
	}{{"sizing.small", small}, {"sizing_rf1.large", large}} {
		if err := load.Run(ctx, s, tb.n, 64, func(i int) load.Stmt {
			return load.S(fmt.Sprintf(`INSERT INTO %s (k, v) VALUES (?, ?)`, tb.name), i, pad)
		}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := Connect(Config{Hosts: hosts, ConnectTimeout: 10 * time.Second, RequestTimeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	// count plans and runs SELECT count(*) on table and returns the count and the requests it took.
	count := func(c *Conn, table string) (int64, int, string) {
		t.Helper()
		st, err := parser.Parse("SELECT count(*) FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := planner.Plan(ctx, st.(*parser.Select), c, planner.Options{})
		if err != nil {
			t.Fatal(err)
		}
		stats := &executor.Stats{}
		it, err := executor.New(c, executor.Options{Stats: stats}).Build(plan)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := executor.Drain(ctx, it)
		if err != nil {
			t.Fatal(err)
		}
		requests := 0
		for _, h := range stats.Hosts() {
			requests += h.Pages + h.Retries
		}
		n, _ := rows[0][0].(int64)
		return n, requests, planner.Format(plan)
	}
	n, requests, plan := count(c, "sizing.small")
	t.Logf("50 rows, nothing flushed: %d requests\n%s", requests, plan)
	if n != small || requests >= 20 {
		t.Errorf("the unflushed 50-row table: count %d in %d requests, want %d in fewer than 20", n, requests, small)
	}

	for i := 1; i <= len(hosts); i++ {
		testcluster.Devcluster(t, "nodetool", strconv.Itoa(i), "flush", "sizing_rf1")
	}
	testcluster.RefreshSizeEstimates(t, "sizing", len(hosts)) // flushes sizing, then refreshes all
	fresh, err := Connect(Config{Hosts: hosts, ConnectTimeout: 10 * time.Second, RequestTimeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	n, requests, plan = count(fresh, "sizing.small")
	t.Logf("50 rows, estimated: %d requests\n%s", requests, plan)
	if n != small || requests >= 20 {
		t.Errorf("the estimated 50-row table: count %d in %d requests, want %d in fewer than 20", n, requests, small)
	}
	n, requests, plan = count(fresh, "sizing_rf1.large")
	t.Logf("200,000 rows, estimated: %d requests\n%s", requests, plan)
	if n != large || requests < 48 {
		t.Errorf("the 200,000-row table: count %d in %d requests, want %d in at least 48", n, requests, large)
	}
}
