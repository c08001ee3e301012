package sqltest

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
	"gopkg.in/inf.v0"
	_ "modernc.org/sqlite"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/executor/cluster"
	"github.com/cqlscan/cqlscan/internal/load"
	"github.com/cqlscan/cqlscan/internal/testcluster"
	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/types"
)

const keyspace = "sqldiff"

func TestAgainstSQLite(t *testing.T) {
	s, hosts := testcluster.Session(t, testcluster.Three)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()

	testcluster.Keyspace(t, s, keyspace, 2)
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // one connection: one in-memory database
	defer db.Close()
	for _, st := range []string{sqliteT1, sqliteT2, sqliteT3, "PRAGMA case_sensitive_like = ON"} {
		if _, err := db.Exec(st); err != nil {
			t.Fatalf("sqlite %s: %v", st, err)
		}
	}
	fill(ctx, t, s, db, "t1", cqlT1, t1Rows, t1Row)
	fill(ctx, t, s, db, "t2", cqlT2, t2Rows, t2Row)
	fill(ctx, t, s, db, "t3", cqlT3, t3Rows, t3Row)

	conn := connect(t, hosts)

	if len(queries) < 40 {
		t.Fatalf("only %d queries; the differential test promises at least 40", len(queries))
	}
	for _, q := range queries {
		t.Run(q.cql, func(t *testing.T) {
			got, err := runCQL(ctx, conn, keyspace, q.cql)
			if err != nil {
				t.Fatalf("cqlscan: %v", err)
			}
			text := q.sqlite
			if text == "" {
				text = q.cql
			}
			want, err := runSQLite(db, text)
			if err != nil {
				t.Fatalf("sqlite: %v", err)
			}
			if !q.ordered {
				sortRows(got)
				sortRows(want)
			}
			if msg := diffRows(got, want); msg != "" {
				t.Errorf("%s\ncqlscan and SQLite disagree: %s", q.cql, msg)
			}
		})
	}
}

// fill writes n generated rows into Cassandra (keyspace.table) and SQLite, which gets each value
// through sqliteValue.
func fill(ctx context.Context, t *testing.T, s *gocql.Session, db *sql.DB, table, schema string, n int, gen func(int) []any) {
	t.Helper()
	if err := s.Query(fmt.Sprintf(schema, keyspace)).ExecContext(ctx); err != nil {
		t.Fatalf("creating %s: %v", table, err)
	}
	cols := columns[table]
	marks := strings.TrimSuffix(strings.Repeat("?, ", strings.Count(cols, ",")+1), ", ")
	ins := fmt.Sprintf("INSERT INTO %s.%s (%s) VALUES (%s)", keyspace, table, cols, marks)
	if err := load.Run(ctx, s, n, 64, func(i int) load.Stmt { return load.S(ins, gen(i)...) }); err != nil {
		t.Fatalf("loading %s into Cassandra: %v", table, err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	stmt, err := tx.Prepare(fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, cols, marks))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		row := gen(i)
		for j, v := range row {
			row[j] = sqliteValue(v)
		}
		if _, err := stmt.Exec(row...); err != nil {
			t.Fatalf("loading %s into SQLite: %v", table, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// connect opens a cqlscan connection to the cluster, closed when the test ends.
func connect(t *testing.T, hosts []string) *cluster.Conn {
	t.Helper()
	conn, err := cluster.Connect(cluster.Config{Hosts: hosts[:1], Port: 9042, RequestTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Close)
	return conn
}

// runCQL runs a statement through cqlscan's parser, planner and executor, with ks in use.
func runCQL(ctx context.Context, conn *cluster.Conn, ks, text string) ([][]any, error) {
	st, err := parser.Parse(text)
	if err != nil {
		return nil, err
	}
	plan, err := planner.Plan(ctx, st.(*parser.Select), conn, planner.Options{Keyspace: ks, Splits: 64})
	if err != nil {
		return nil, err
	}
	it, err := executor.New(conn, executor.Options{Concurrency: 16}).Build(plan)
	if err != nil {
		return nil, err
	}
	rows, err := executor.Drain(ctx, it)
	if err != nil {
		return nil, err
	}
	out := make([][]any, len(rows))
	for i, r := range rows {
		out[i] = make([]any, len(r))
		for j, v := range r {
			out[i][j] = comparable(v)
		}
	}
	return out, nil
}

func runSQLite(db *sql.DB, text string) ([][]any, error) {
	rows, err := db.Query(text)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, v := range vals {
			vals[i] = comparable(v)
		}
		out = append(out, vals)
	}
	return out, rows.Err()
}

// comparable maps both engines' values onto int64, float64, string or nil: booleans as 0 and 1,
// timestamps as milliseconds since the epoch, uuids as text, decimals as float64, varints as int64.
func comparable(v any) any {
	switch x := sqliteValue(v).(type) {
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	case int:
		return int64(x)
	case []byte:
		return string(x)
	case *big.Int:
		if x.IsInt64() {
			return x.Int64()
		}
		return x.String()
	case types.UUIDValue:
		return x.String()
	default:
		return x
	}
}

// sqliteValue gives a CQL value the form it takes in SQLite: timestamps as milliseconds since the
// epoch, uuids as text, decimals as REAL (exact for the generator's values), varints as INTEGER.
func sqliteValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.UnixMilli()
	case gocql.UUID:
		return x.String()
	case *inf.Dec:
		f, err := strconv.ParseFloat(x.String(), 64)
		if err != nil {
			panic(err)
		}
		return f
	case *big.Int:
		if x.IsInt64() {
			return x.Int64()
		}
	}
	return v
}

func sortRows(rows [][]any) {
	sort.Slice(rows, func(i, j int) bool { return fmt.Sprint(rows[i]) < fmt.Sprint(rows[j]) })
}

// diffRows describes the first difference, or returns "". Floats agree within 1e-9 relative.
func diffRows(got, want [][]any) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d rows, SQLite has %d\ncqlscan: %v\nSQLite:  %v", len(got), len(want), head(got), head(want))
	}
	for i := range got {
		if len(got[i]) != len(want[i]) {
			return fmt.Sprintf("row %d has %d columns, SQLite's has %d", i, len(got[i]), len(want[i]))
		}
		for j := range got[i] {
			if !same(got[i][j], want[i][j]) {
				return fmt.Sprintf("row %d column %d: %v (%T), SQLite %v (%T)\ncqlscan row: %v\nSQLite row:  %v",
					i, j, got[i][j], got[i][j], want[i][j], want[i][j], got[i], want[i])
			}
		}
	}
	return ""
}

func same(a, b any) bool {
	fa, aFloat := toFloat(a)
	fb, bFloat := toFloat(b)
	if aFloat || bFloat {
		_, aNum := toNumber(a)
		_, bNum := toNumber(b)
		if !aNum || !bNum {
			return false
		}
		if fa == fb {
			return true
		}
		return math.Abs(fa-fb) <= 1e-9*math.Max(math.Abs(fa), math.Abs(fb))
	}
	return a == b
}

func toFloat(v any) (float64, bool) {
	f, ok := v.(float64)
	return f, ok
}

func toNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	}
	return 0, false
}

func head(rows [][]any) [][]any {
	if len(rows) > 5 {
		return rows[:5]
	}
	return rows
}
