package repl

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/executor/cluster"
	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// copyKeyspace is the keyspace of the COPY tests, on the one-node cluster.
const copyKeyspace = "copytest_rt"

// copyTableColumns is a table of every CQL type but counter (which COPY FROM updates rather than
// inserts).
const copyTableColumns = `id int PRIMARY KEY, t text, a ascii, bi bigint, si smallint, ti tinyint, vi varint,
	de decimal, f float, d double, b boolean, bl blob, u uuid, tu timeuuid, ts timestamp, dt date, tm time,
	du duration, ip inet, l list<text>, s set<int>, m map<text, int>, tp tuple<int, text>, ad frozen<addr>,
	v vector<float, 2>, nested map<text, frozen<list<int>>>`

// copyRows fill the table: NULLs, unicode, newlines, quotes and delimiters in text, in collections,
// tuples and user types, extreme numbers. withBackslash adds a text with backslashes and a tab.
// cqlshSafe leaves out what cqlsh's COPY cannot carry: empty texts (it imports them as NULL), NULLs
// inside tuples and user types (its COPY TO fails on them, or writes None) and a zero duration
// (written as nothing).
func copyRows(table string, withBackslash, cqlshSafe bool) []string {
	empty, tuple, udt, zero := "''", "(null, null)", "{zip: null, city: null}", "0s"
	if cqlshSafe {
		empty, tuple, udt, zero = "'e'", "(0, 'x')", "{zip: 0, city: 'y'}", "1d"
	}
	ins := "INSERT INTO " + copyKeyspace + "." + table + " (id, t, a, bi, si, ti, vi, de, f, d, b, bl, u, tu, ts, dt, tm, du, ip, l, s, m, tp, ad, v, nested) VALUES "
	rows := []string{
		ins + `(1, 'a,b "q" é中 ''x''
second line', 'plain', -9223372036854775808, 32767, -128, 123456789012345678901234567890, 1.50, 1.5, 3.25,
			true, 0xcafe, 123e4567-e89b-12d3-a456-426614174000, 50554d6e-29bb-11e5-b345-feff819cdc9f,
			'2026-11-21 13:14:15.123+0000', '2026-01-02', '13:14:15.123456789', 1y2mo3d4h, '::1',
			['x''y', 'a,b', 'n
l', '|;"'], {3, 1, 2}, {'k': 1, 'z,"': -2}, (1, 'it''s, "quoted"'), {zip: 75001, city: 'Paris, "FR"'},
			[1.5, -2], {'k': [1, 2]})`,
		"INSERT INTO " + copyKeyspace + "." + table + " (id) VALUES (2)",
		ins + fmt.Sprintf(`(3, %s, %s, 0, 0, 0, 0, 0, -0.25, 1e300, false, 0x, 00000000-0000-0000-0000-000000000000,
			50554d6e-29bb-11e5-b345-feff819cdc9f, '1969-12-31 23:59:59.999+0000', '1970-01-01', '00:00:00', %s,
			'10.0.0.1', [], {}, {}, %s, %s, [0, 0], {})`, empty, empty, zero, tuple, udt),
	}
	if withBackslash {
		rows = append(rows, "INSERT INTO "+copyKeyspace+"."+table+` (id, t, l) VALUES (4, 'C:\temp\new	tab \\ \n', ['a\b'])`)
	}
	return rows
}

// copySetup creates the keyspace, its user type and empty tables of copyTableColumns.
func copySetup(t *testing.T, tables ...string) *cluster.Conn {
	t.Helper()
	s, hosts := testcluster.Session(t, testcluster.One)
	testcluster.Keyspace(t, s, copyKeyspace, 1)
	ctx := context.Background()
	stmts := []string{"CREATE TYPE IF NOT EXISTS " + copyKeyspace + ".addr (zip int, city text)"}
	for _, table := range tables {
		stmts = append(stmts, "DROP TABLE IF EXISTS "+copyKeyspace+"."+table,
			"CREATE TABLE "+copyKeyspace+"."+table+" ("+copyTableColumns+")")
	}
	for _, st := range stmts {
		if err := s.Query(st).ExecContext(ctx); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}
	conn, err := cluster.Connect(cluster.Config{Hosts: hosts})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Close)
	return conn
}

func fill(t *testing.T, conn *cluster.Conn, rows []string) {
	t.Helper()
	for _, st := range rows {
		if _, err := conn.Exec(context.Background(), st, ""); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}
}

// tableRows reads a table through the driver, rows sorted by id (the first column).
func tableRows(t *testing.T, conn *cluster.Conn, table, cols string) []executor.Row {
	t.Helper()
	res, err := conn.Exec(context.Background(), "SELECT "+cols+" FROM "+copyKeyspace+"."+table, "")
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(res.Rows, func(i, j int) bool { return res.Rows[i][0].(int64) < res.Rows[j][0].(int64) })
	return res.Rows
}

func copySession(conn *cluster.Conn) (*Session, *bytes.Buffer, *bytes.Buffer) {
	var out, errs bytes.Buffer
	return &Session{Cluster: conn, Out: &out, Err: &errs, Settings: Settings{Concurrency: 8, PerHost: 8, FetchSize: 5000,
		MaxRetries: 2, StopOnError: true}}, &out, &errs
}

// cqlsh runs the real cqlsh against the one-node cluster.
func cqlsh(t *testing.T, stmt string) string {
	t.Helper()
	out, err := cqlshRun(t, stmt)
	if err != nil {
		t.Fatalf("cqlsh -e %q: %v\n%s", stmt, err, out)
	}
	return out
}

func cqlshRun(t *testing.T, stmt string) (string, error) {
	t.Helper()
	script := os.Getenv("CQLSCAN_DEVCLUSTER")
	if script == "" {
		script = filepath.Join("..", "scripts", "devcluster")
	}
	name := os.Getenv("CQLSCAN_TEST_ONE_NAME")
	if name == "" {
		name = "test1"
	}
	cmd := exec.Command(script, "--name", name, "cqlsh", "-e", stmt)
	cmd.Dir = t.TempDir() // cqlsh writes its default error file in the working directory
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// allColumns are the columns compared; duration is left out where cqlsh imports, since cqlsh's COPY
// FROM cannot bind durations at all ("DurationType arguments must be a Duration").
const allColumns = "id, t, a, bi, si, ti, vi, de, f, d, b, bl, u, tu, ts, dt, tm, du, ip, l, s, m, tp, ad, v, nested"

// TestCopyToReadByCqlsh: a table exported by cqlscan's COPY TO and imported by cqlsh's own COPY
// FROM is the table it came from.
func TestCopyToReadByCqlsh(t *testing.T) {
	conn := copySetup(t, "to_src", "to_dst")
	fill(t, conn, copyRows("to_src", false, true))
	file := filepath.Join(t.TempDir(), "export.csv")
	s, out, errs := copySession(conn)
	if err := s.Execute(context.Background(), fmt.Sprintf("COPY %s.to_src TO '%s' WITH HEADER = true;", copyKeyspace, file)); err != nil {
		t.Fatalf("COPY TO: %v\n%s", err, errs)
	}
	if !strings.Contains(out.String(), "3 rows exported to 1 files in ") {
		t.Errorf("closing line missing: %q", out)
	}
	cols := strings.Replace(allColumns, "du, ", "", 1)
	// cqlsh imports records that span lines (a quoted newline) rightly, but counts lines as rows: it
	// waits CHILDTIMEOUT for rows that never come, then says none were imported and exits 2.
	got, err := cqlshRun(t, fmt.Sprintf("COPY %s.to_dst FROM '%s' WITH HEADER = true AND SKIPCOLS = 'du' AND MAXATTEMPTS = 1 AND CHILDTIMEOUT = 2",
		copyKeyspace, file))
	if strings.Contains(got, "Failed to import") || (err != nil && !strings.Contains(got, "No records inserted in 2 seconds")) {
		t.Fatalf("cqlsh could not import the file: %v\n%s\nfile:\n%s", err, got, readFile(t, file))
	}
	want, have := tableRows(t, conn, "to_src", cols), tableRows(t, conn, "to_dst", cols)
	compareRows(t, want, have, cols, file)
}

// TestCopyFromReadsCqlsh: a table exported by cqlsh's COPY TO and imported by cqlscan's COPY FROM
// is the table it came from, backslashes and tabs included (cqlsh escapes them, cqlscan undoes it).
// Floats are ones cqlsh's rounding to 5 and 12 digits keeps.
func TestCopyFromReadsCqlsh(t *testing.T) {
	conn := copySetup(t, "from_src", "from_dst")
	fill(t, conn, copyRows("from_src", true, true))
	file := filepath.Join(t.TempDir(), "cqlsh.csv")
	cqlsh(t, fmt.Sprintf("COPY %s.from_src TO '%s' WITH HEADER = true", copyKeyspace, file))
	s, out, errs := copySession(conn)
	if err := s.Execute(context.Background(), fmt.Sprintf("COPY %s.from_dst FROM '%s' WITH HEADER = true AND ERRFILE = '%s';",
		copyKeyspace, file, file+".err")); err != nil {
		t.Fatalf("COPY FROM: %v\n%s\nfile:\n%s", err, errs, readFile(t, file))
	}
	if !strings.Contains(out.String(), "4 rows imported from 1 files in ") {
		t.Errorf("closing line: %q", out)
	}
	compareRows(t, tableRows(t, conn, "from_src", allColumns), tableRows(t, conn, "from_dst", allColumns), allColumns, file)
}

// TestCopyRoundTrip: cqlscan's COPY TO then COPY FROM, with other dialect options, gives the same table.
func TestCopyRoundTrip(t *testing.T) {
	conn := copySetup(t, "rt_src", "rt_dst")
	fill(t, conn, copyRows("rt_src", true, false))
	file := filepath.Join(t.TempDir(), "rt.csv")
	s, _, errs := copySession(conn)
	opts := "WITH DELIMITER = '|' AND QUOTE = '''' AND NULL = 'NULL' AND BOOLSTYLE = 'yes,no' AND DATETIMEFORMAT = '%Y/%m/%d %H:%M:%S.%f%z'"
	ctx := context.Background()
	if err := s.Execute(ctx, fmt.Sprintf("COPY %s.rt_src TO '%s' %s;", copyKeyspace, file, opts)); err != nil {
		t.Fatalf("COPY TO: %v\n%s", err, errs)
	}
	if err := s.Execute(ctx, fmt.Sprintf("COPY %s.rt_dst FROM '%s' %s AND ERRFILE = '%s.err';", copyKeyspace, file, opts, file)); err != nil {
		t.Fatalf("COPY FROM: %v\n%s", err, errs)
	}
	compareRows(t, tableRows(t, conn, "rt_src", allColumns), tableRows(t, conn, "rt_dst", allColumns), allColumns, file)
}

func compareRows(t *testing.T, want, got []executor.Row, cols, file string) {
	t.Helper()
	names := strings.Split(cols, ", ")
	if len(want) != len(got) {
		t.Fatalf("%d rows, want %d\nfile:\n%s", len(got), len(want), readFile(t, file))
	}
	for i := range want {
		for j := range want[i] {
			if !reflect.DeepEqual(want[i][j], got[i][j]) {
				t.Errorf("row id=%v column %s: %#v, want %#v", want[i][0], names[j], got[i][j], want[i][j])
			}
		}
	}
	if t.Failed() {
		t.Logf("file:\n%s", readFile(t, file))
	}
}

func readFile(t *testing.T, name string) string {
	b, err := os.ReadFile(name)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// TestCopyFromErrorFile: malformed rows and a row Cassandra refuses go to the error file with their
// reasons; the rest are imported; the counts add up; MAXPARSEERRORS stops the run.
func TestCopyFromErrorFile(t *testing.T) {
	conn := copySetup(t, "err_dst")
	dir := t.TempDir()
	in, errFile := filepath.Join(dir, "in.csv"), filepath.Join(dir, "bad.err")
	data := "id,t,a,bi\n" +
		"1,one,x,10\n" +
		"2,two,x,not a number\n" + // parse: bigint
		"3,three\n" + // parse: too few fields
		",four,x,4\n" + // parse: NULL primary key
		"5,\"five\nlines\",x,5\n" +
		"6,six,é,6\n" + // insert: Cassandra refuses non-ASCII in an ascii column
		"7,seven,x,7\n"
	if err := os.WriteFile(in, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	s, out, errs := copySession(conn)
	ctx := context.Background()
	err := s.Execute(ctx, fmt.Sprintf("COPY %s.err_dst (id, t, a, bi) FROM '%s' WITH HEADER = true AND ERRFILE = '%s';", copyKeyspace, in, errFile))
	if err == nil || !strings.Contains(err.Error(), "4 of 7 rows were not imported") {
		t.Fatalf("COPY FROM with bad rows: %v, want it to fail saying 4 of 7 rows were not imported\n%s", err, errs)
	}
	if !strings.Contains(out.String(), "3 rows imported from 1 files in ") {
		t.Errorf("closing line: %q", out)
	}
	if !strings.Contains(errs.String(), "Failed to process 4 rows; failed rows written to "+errFile) {
		t.Errorf("stderr: %q", errs)
	}
	rows := tableRows(t, conn, "err_dst", "id, t")
	if len(rows) != 3 || rows[1][1] != "five\nlines" {
		t.Errorf("imported rows %v, want ids 1, 5, 7", rows)
	}
	got := readFile(t, errFile)
	for _, want := range []string{
		"line 3: column bi: \"not a number\" is not a valid bigint", "\n2,two,x,not a number\n",
		"line 4: Invalid row length 2 should be 4", "\n3,three\n",
		"line 5: Cannot insert null value for primary key column 'id'.",
		"line 8: ", "Invalid", "\n6,six,é,6\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("error file lacks %q:\n%s", want, got)
		}
	}
	// MAXPARSEERRORS = 0 stops at the first bad row: rows after it are not read.
	err = s.Execute(ctx, fmt.Sprintf("COPY %s.err_dst (id, t, a, bi) FROM '%s' WITH HEADER = true AND ERRFILE = '%s' AND MAXPARSEERRORS = 0;",
		copyKeyspace, in, errFile))
	if err == nil || !strings.Contains(err.Error(), "Exceeded maximum number of parse errors 0") {
		t.Errorf("MAXPARSEERRORS = 0: %v", err)
	}
	if matches, _ := filepath.Glob(errFile + ".*"); len(matches) != 1 {
		t.Errorf("the first error file was not kept under a new name: %v", matches)
	}
}

// TestCopyFromCounters: rows of a counter table are added, as cqlsh's COPY FROM adds them (an UPDATE
// of each counter), so importing a file twice doubles every counter; a NULL counter is rejected.
func TestCopyFromCounters(t *testing.T) {
	conn := copySetup(t)
	ctx := context.Background()
	if _, err := conn.Exec(ctx, "DROP TABLE IF EXISTS "+copyKeyspace+".hits", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE "+copyKeyspace+".hits (id int, day text, n counter, m counter, PRIMARY KEY (id, day))", ""); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "hits.csv")
	if err := os.WriteFile(in, []byte("1,mon,5,1\n2,tue,-3,0\n3,wed,,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, _, errs := copySession(conn)
	s.StopOnError = false
	for range 2 {
		err := s.Execute(ctx, fmt.Sprintf("COPY %s.hits (id, day, n, m) FROM '%s' WITH ERRFILE = '%s.err';", copyKeyspace, in, in))
		if err == nil || !strings.Contains(err.Error(), "1 of 3 rows were not imported") {
			t.Fatalf("COPY FROM into counters: %v, want the NULL counter's row refused\n%s", err, errs)
		}
	}
	rows := tableRows(t, conn, "hits", "id, n, m")
	if len(rows) != 2 || rows[0][1] != int64(10) || rows[0][2] != int64(2) || rows[1][1] != int64(-6) {
		t.Errorf("counters after importing twice: %v, want [1 10 2] [2 -6 0]", rows)
	}
	if got := readFile(t, in+".err"); !strings.Contains(got, "a counter cannot be NULL") {
		t.Errorf("error file %q does not say why the row was refused", got)
	}
}
