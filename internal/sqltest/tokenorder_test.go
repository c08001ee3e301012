package sqltest

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/executor/cluster"
	"github.com/cqlscan/cqlscan/internal/load"
	"github.com/cqlscan/cqlscan/internal/testcluster"
	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner"
)

// tokenOrderTables are the layouts whose row order is checked: a single, a composite and a clustered
// partition key (clustering order descending, so that it is not also the insertion order).
var tokenOrderTables = []struct {
	name, schema string
	rows         int
	row          func(i int) []any
	insert       string
	queries      []string
}{
	{
		name: "single", schema: "CREATE TABLE %s.single (id int PRIMARY KEY, v int, s text)",
		rows: 2000, row: func(i int) []any { return []any{i*7919%100003 - 50000, i % 1000, fmt.Sprint("s", i)} },
		insert: "INSERT INTO %s.single (id, v, s) VALUES (?, ?, ?)",
		queries: []string{
			"SELECT * FROM %s.single",
			"SELECT * FROM %s.single LIMIT 5",
			"SELECT id FROM %s.single WHERE v > 900 ALLOW FILTERING",
			"SELECT id, s FROM %s.single LIMIT 1200",
			// Partition reads: Cassandra reads IN lists in key order, each key once.
			"SELECT id, s FROM %s.single WHERE id IN (-34161, 7919, -42081, 3, 7919, 23757)",
		},
	},
	{
		name: "composite", schema: "CREATE TABLE %s.composite (a int, b text, v int, PRIMARY KEY ((a, b)))",
		rows: 1500, row: func(i int) []any { return []any{i % 50, fmt.Sprint("b", i), i} },
		insert: "INSERT INTO %s.composite (a, b, v) VALUES (?, ?, ?)",
		queries: []string{
			"SELECT * FROM %s.composite",
			"SELECT * FROM %s.composite LIMIT 5",
			"SELECT a, b FROM %s.composite WHERE v > 1400 ALLOW FILTERING",
			"SELECT * FROM %s.composite WHERE a IN (41, 2, 7) AND b IN ('b107', 'b41', 'b2', 'b57')",
		},
	},
	{
		name: "clustered", schema: "CREATE TABLE %s.clustered (p int, c int, v int, PRIMARY KEY (p, c)) WITH CLUSTERING ORDER BY (c DESC)",
		rows: 3000, row: func(i int) []any { return []any{i % 300, i / 300 * 7 % 30, i} },
		insert: "INSERT INTO %s.clustered (p, c, v) VALUES (?, ?, ?)",
		queries: []string{
			"SELECT * FROM %s.clustered",
			"SELECT * FROM %s.clustered LIMIT 5",
			"SELECT p FROM %s.clustered WHERE v > 2500 ALLOW FILTERING",
			"SELECT p, c FROM %s.clustered PER PARTITION LIMIT 2 LIMIT 9",
			"SELECT * FROM %s.clustered WHERE p IN (250, 3, 77, 3)",
			"SELECT * FROM %s.clustered WHERE p IN (250, 3, 77) LIMIT 5",
		},
	},
}

// TestTokenOrderMatchesCassandra: without ORDER BY, cqlscan returns exactly the rows Cassandra's own
// coordinator returns for the same statement (a plain query, paged), in exactly the same order: token
// order of the partition key, then clustering order; key order for IN on the partition key. With
// few sub-ranges of many pages and with many small ones, on RF 1 and RF 3, on the three-node cluster.
func TestTokenOrderMatchesCassandra(t *testing.T) {
	s, hosts := testcluster.Session(t, testcluster.Three)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	for _, rf := range []int{1, 3} {
		ks := fmt.Sprintf("tokord_it%d", rf)
		testcluster.Keyspace(t, s, ks, rf)
		for _, tb := range tokenOrderTables {
			if err := s.Query(fmt.Sprintf(tb.schema, ks)).ExecContext(ctx); err != nil {
				t.Fatal(err)
			}
			if err := load.Run(ctx, s, tb.rows, 32, func(i int) load.Stmt {
				return load.S(fmt.Sprintf(tb.insert, ks), tb.row(i)...)
			}); err != nil {
				t.Fatalf("loading %s.%s: %v", ks, tb.name, err)
			}
		}
	}
	conn := connect(t, hosts) // after the schema changes, so that it knows the tables
	for _, rf := range []int{1, 3} {
		ks := fmt.Sprintf("tokord_it%d", rf)
		for _, tb := range tokenOrderTables {
			t.Run(fmt.Sprintf("RF%d/%s", rf, tb.name), func(t *testing.T) {
				for _, q := range tb.queries {
					q := fmt.Sprintf(q, ks)
					want, err := cassandraRows(ctx, s, q)
					if err != nil {
						t.Fatalf("%s on Cassandra: %v", q, err)
					}
					if len(want) == 0 {
						t.Fatalf("%s: Cassandra returns no rows; the case checks nothing", q)
					}
					for _, run := range []struct{ splits, fetch int }{{6, 7}, {3000, 5000}} {
						got, err := cqlscanRows(ctx, conn, q, run.splits, run.fetch)
						if err != nil {
							t.Fatalf("%s (%d splits, fetch %d): %v", q, run.splits, run.fetch, err)
						}
						if d := firstDifference(got, want); d != "" {
							t.Errorf("%s (%d splits, fetch %d): %d rows, Cassandra %d; %s", q, run.splits, run.fetch, len(got), len(want), d)
						}
					}
				}
			})
		}
	}
}

// cassandraRows runs q as Cassandra itself answers it, through one coordinator with paging, each value
// printed.
func cassandraRows(ctx context.Context, s *gocql.Session, q string) ([]string, error) {
	iter := s.Query(q).PageSize(100).IterContext(ctx)
	var rows []string
	for {
		rd, err := iter.RowData()
		if err != nil {
			return nil, err
		}
		if !iter.Scan(rd.Values...) {
			break
		}
		vals := make([]string, len(rd.Values))
		for i, v := range rd.Values {
			vals[i] = fmt.Sprint(reflect.Indirect(reflect.ValueOf(v)).Interface())
		}
		rows = append(rows, strings.Join(vals, " | "))
	}
	return rows, iter.Close()
}

// cqlscanRows runs q through cqlscan's parser, planner (splits sub-ranges) and executor (pages of
// fetch rows), each value printed.
func cqlscanRows(ctx context.Context, conn *cluster.Conn, q string, splits, fetch int) ([]string, error) {
	st, err := parser.Parse(q)
	if err != nil {
		return nil, err
	}
	plan, err := planner.Plan(ctx, st.(*parser.Select), conn, planner.Options{Splits: splits})
	if err != nil {
		return nil, err
	}
	it, err := executor.New(conn, executor.Options{Concurrency: 16, FetchSize: fetch}).Build(plan)
	if err != nil {
		return nil, err
	}
	rows, err := executor.Drain(ctx, it)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		vals := make([]string, len(r))
		for j, v := range r {
			vals[j] = fmt.Sprint(v)
		}
		out[i] = strings.Join(vals, " | ")
	}
	return out, nil
}

// firstDifference describes where got first departs from want, or is "" when they are equal.
func firstDifference(got, want []string) string {
	for i := 0; i < len(got) || i < len(want); i++ {
		switch {
		case i >= len(got):
			return fmt.Sprintf("row %d missing: Cassandra's is %s", i+1, want[i])
		case i >= len(want):
			return fmt.Sprintf("row %d is extra: %s", i+1, got[i])
		case got[i] != want[i]:
			return fmt.Sprintf("row %d is %s, Cassandra's is %s", i+1, got[i], want[i])
		}
	}
	return ""
}
