package sqltest

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/internal/load"
	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// TestUserTypeOrder checks that UDT values carry their fields in declaration order, read from
// system_schema.types, so ORDER BY, GROUP BY and DISTINCT on a UDT column follow Cassandra: field by
// field in the order the type declares them (zip before city here), not by field name.
func TestUserTypeOrder(t *testing.T) {
	s, hosts := testcluster.Session(t, testcluster.Three)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	const ks = "udts"
	testcluster.Keyspace(t, s, ks, 1)
	for _, stmt := range []string{
		`CREATE TYPE udts.addr (zip int, city text)`,
		`CREATE TABLE udts.people (id int PRIMARY KEY, home frozen<addr>)`,
	} {
		if err := s.Query(stmt).ExecContext(ctx); err != nil {
			t.Fatal(err)
		}
	}
	type addr struct {
		zip  int
		city string
	}
	cities := []string{"Zürich", "Aachen", "Lyon", "Bern"}
	const n = 400
	rows := make([]addr, n)
	for i := range rows {
		rows[i] = addr{zip: (i * 7) % 13, city: cities[i%len(cities)]}
	}
	err := load.Run(ctx, s, n, 32, func(i int) load.Stmt {
		return load.S(`INSERT INTO udts.people (id, home) VALUES (?, {zip: ?, city: ?})`, i, rows[i].zip, rows[i].city)
	})
	if err != nil {
		t.Fatal(err)
	}
	distinct := map[addr]int64{}
	for _, r := range rows {
		distinct[addr{r.zip, r.city}]++
	}
	var order []addr
	for a := range distinct {
		order = append(order, a)
	}
	sort.Slice(order, func(i, j int) bool {
		if order[i].zip != order[j].zip {
			return order[i].zip < order[j].zip
		}
		return order[i].city < order[j].city
	})
	conn := connect(t, hosts)
	got, err := runCQL(ctx, conn, ks, "SELECT home, count(*) FROM people GROUP BY home ORDER BY home")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(order) {
		t.Fatalf("%d groups, want %d", len(got), len(order))
	}
	for i, a := range order {
		want := fmt.Sprint([]any{[]any{int64(a.zip), a.city}, distinct[a]})
		if g := fmt.Sprint(got[i]); g != want {
			t.Errorf("group %d = %s, want %s", i, g, want)
		}
	}
	got, err = runCQL(ctx, conn, ks, "SELECT home FROM people ORDER BY home DESC LIMIT 1")
	if err != nil {
		t.Fatal(err)
	}
	last := order[len(order)-1]
	if fmt.Sprint(got) != fmt.Sprint([][]any{{[]any{int64(last.zip), last.city}}}) {
		t.Errorf("largest home = %v, want %v", got, last)
	}
}
