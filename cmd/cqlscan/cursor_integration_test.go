package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/internal/load"
	"github.com/cqlscan/cqlscan/internal/testcluster"
)

const cursorFilter = "SELECT server, hour, id, v FROM cur_cli.events WHERE server >= 'esb12' AND server <= 'esb15' AND hour >= '08:00' AND hour <= '09:00'"

// cursorSetup creates the table the cursor tests read: rows in and out of cursorFilter.
func cursorSetup(t *testing.T, host string) {
	t.Helper()
	stmts := []string{
		"DROP KEYSPACE IF EXISTS cur_cli",
		"CREATE KEYSPACE cur_cli WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
		"CREATE TABLE cur_cli.events (server text, hour text, id int, v text, l list<int>, PRIMARY KEY ((server, hour), id))",
		"CREATE TABLE cur_cli.keys_only (k int, c int, PRIMARY KEY (k, c))",
		"INSERT INTO cur_cli.events (server, hour, id, v) VALUES ('esb12', '08:00', 1, 'a')",
		"INSERT INTO cur_cli.events (server, hour, id, v, l) VALUES ('esb13', '08:30', 2, 'b', [1])",
		"INSERT INTO cur_cli.events (server, hour, id, v) VALUES ('esb15', '09:00', 3, 'c')",
		"INSERT INTO cur_cli.events (server, hour, id, v) VALUES ('esb14', '08:10', 4, 'd')",
		"INSERT INTO cur_cli.events (server, hour, id, v) VALUES ('esb11', '08:00', 5, 'out: server')",
		"INSERT INTO cur_cli.events (server, hour, id, v) VALUES ('esb12', '10:00', 6, 'out: hour')",
		"INSERT INTO cur_cli.events (server, hour, id) VALUES ('esb12', '08:00', 7)", // no regular cell
	}
	if code, _, errb := runCLI(t, strings.NewReader(""), host, "-e", strings.Join(stmts, ";\n")); code != exitOK {
		t.Fatalf("setup: exit %d: %s", code, errb)
	}
}

// cursorRun runs a statement with a cursor and returns the CSV lines it printed (without the header,
// sorted) and its stderr.
func cursorRun(t *testing.T, host, cur string, extra ...string) (rows []string, stderr string) {
	t.Helper()
	args := append([]string{host, "--cursor", cur, "--format", "csv", "--no-progress"}, extra...)
	if !hasAny(extra, "-e") {
		args = append(args, "-e", cursorFilter)
	}
	code, out, errb := runCLI(t, strings.NewReader(""), args...)
	if code != exitOK {
		t.Fatalf("cqlscan %v: exit %d, stderr %q", extra, code, errb)
	}
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(out, "\r\n", "\n")), "\n")
	if len(lines) > 0 && lines[0] != "" {
		lines = lines[1:] // the header
	} else {
		lines = nil
	}
	sort.Strings(lines)
	return lines, errb
}

var deliveredRe = regexp.MustCompile(`(\d+) rows delivered \((\d+) new, (\d+) updated\)`)

func delivered(t *testing.T, stderr string) string {
	t.Helper()
	m := deliveredRe.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no summary on stderr: %q", stderr)
	}
	return m[1] + "/" + m[2] + "/" + m[3]
}

// TestCursorDeliversChanges: the first run delivers every row matching the WHERE, the second none;
// after updates (a simple column, a list element) and an insert, exactly those rows, told new or
// updated; rows outside the filter never; a row with no regular cell is reported, not delivered.
func TestCursorDeliversChanges(t *testing.T) {
	host := oneNode(t)
	isolate(t)
	cursorSetup(t, host)
	cur := filepath.Join(t.TempDir(), "events.cursor")

	rows, errb := cursorRun(t, host, cur, "--settle", "0")
	want := []string{"esb12,08:00,1,a", "esb13,08:30,2,b", "esb14,08:10,4,d", "esb15,09:00,3,c"}
	if strings.Join(rows, "|") != strings.Join(want, "|") || delivered(t, errb) != "4/4/0" {
		t.Fatalf("first run: %q, stderr %q; want %q", rows, errb, want)
	}
	if !strings.Contains(errb, "1 rows have no regular column set") {
		t.Errorf("the row with no regular cell is not reported: %q", errb)
	}
	if rows, errb = cursorRun(t, host, cur, "--settle", "0"); len(rows) != 0 || delivered(t, errb) != "0/0/0" {
		t.Fatalf("second run: %q, stderr %q; want nothing", rows, errb)
	}
	changes := []string{
		"UPDATE cur_cli.events SET v = 'a2' WHERE server = 'esb12' AND hour = '08:00' AND id = 1",
		"UPDATE cur_cli.events SET l = l + [2] WHERE server = 'esb13' AND hour = '08:30' AND id = 2",
		"INSERT INTO cur_cli.events (server, hour, id, v) VALUES ('esb14', '08:20', 8, 'e')",
		"UPDATE cur_cli.events SET v = 'out2' WHERE server = 'esb11' AND hour = '08:00' AND id = 5",
	}
	if code, _, errb := runCLI(t, strings.NewReader(""), host, "-e", strings.Join(changes, ";")); code != exitOK {
		t.Fatal(errb)
	}
	rows, errb = cursorRun(t, host, cur, "--settle", "0")
	want = []string{"esb12,08:00,1,a2", "esb13,08:30,2,b", "esb14,08:20,8,e"}
	// Row 1's only set cell was overwritten and row 8 inserted: both have every cell newer than the
	// mark, so both count as new; row 2 keeps older cells besides its new list element: updated.
	if strings.Join(rows, "|") != strings.Join(want, "|") || delivered(t, errb) != "3/2/1" {
		t.Fatalf("third run: %q, stderr %q; want %q (2 new, 1 updated)", rows, errb, want)
	}
}

// TestCursorOverlap: with a settle window longer than the data's age every version stays in the
// overlap: a second run delivers none of them again, and an update is still delivered.
func TestCursorOverlap(t *testing.T) {
	host := oneNode(t)
	isolate(t)
	cursorSetup(t, host)
	cur := filepath.Join(t.TempDir(), "overlap.cursor")
	if rows, errb := cursorRun(t, host, cur, "--settle", "1h"); len(rows) != 4 {
		t.Fatalf("first run: %q, %s", rows, errb)
	}
	if rows, errb := cursorRun(t, host, cur, "--settle", "1h"); len(rows) != 0 {
		t.Fatalf("second run delivered versions again: %q, %s", rows, errb)
	}
	if code, _, errb := runCLI(t, strings.NewReader(""), host, "-e",
		"UPDATE cur_cli.events SET v = 'd2' WHERE server = 'esb14' AND hour = '08:10' AND id = 4"); code != exitOK {
		t.Fatal(errb)
	}
	rows, errb := cursorRun(t, host, cur, "--settle", "1h")
	if strings.Join(rows, "|") != "esb14,08:10,4,d2" || delivered(t, errb) != "1/0/1" {
		t.Fatalf("after an update: %q, %s", rows, errb)
	}
}

// TestCursorBatches: --out-dir writes numbered CSV batches of --batch-rows rows, numbered on
// across runs; EXPLAIN shows the cursor's condition; SET CURSOR does the same in the shell's
// language.
func TestCursorBatches(t *testing.T) {
	host := oneNode(t)
	isolate(t)
	cursorSetup(t, host)
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o700); err != nil {
		t.Fatal(err)
	}
	cur := filepath.Join(dir, "b.cursor")
	_, errb := cursorRun(t, host, cur, "--settle", "0", "--out-dir", out, "--batch-rows", "3")
	if !strings.Contains(errb, "2 batches written (batch-000001.csv … batch-000002.csv)") {
		t.Errorf("stderr %q", errb)
	}
	var all []string
	for _, name := range []string{"batch-000001.csv", "batch-000002.csv"} {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(string(data), "\r\n", "\n")), "\n")
		if lines[0] != "server,hour,id,v" {
			t.Errorf("%s starts %q", name, lines[0])
		}
		all = append(all, lines[1:]...)
	}
	if len(all) != 4 {
		t.Errorf("batches hold %d rows, want 4: %q", len(all), all)
	}
	if code, _, errb := runCLI(t, strings.NewReader(""), host, "-e",
		"INSERT INTO cur_cli.events (server, hour, id, v) VALUES ('esb15', '08:00', 9, 'f')"); code != exitOK {
		t.Fatal(errb)
	}
	if _, errb := cursorRun(t, host, cur, "--settle", "0", "--out-dir", out, "--batch-rows", "3"); !strings.Contains(errb, "1 batch written (batch-000003.csv)") {
		t.Errorf("third batch: stderr %q", errb)
	}

	code, plan, errb := runCLI(t, strings.NewReader(""), host, "--cursor", cur, "-e", "EXPLAIN "+cursorFilter)
	if code != exitOK || !strings.Contains(plan, "ChangedRows latest writetime of [l, v] > ") || !strings.Contains(plan, "(cursor "+cur+")") {
		t.Errorf("EXPLAIN: exit %d, %q, %q", code, plan, errb)
	}
	shell := filepath.Join(dir, "shell.cursor")
	code, outText, errb := runCLI(t, strings.NewReader(""), host, "--format", "csv", "-e",
		"SET CURSOR '"+shell+"'; SET SETTLE 0; "+cursorFilter+"; SET CURSOR OFF; SELECT count(*) FROM cur_cli.events")
	if code != exitOK || delivered(t, errb) != "5/5/0" || !strings.Contains(outText, "count\r\n8\r\n") {
		t.Errorf("SET CURSOR: exit %d, stdout %q, stderr %q", code, outText, errb)
	}
}

// TestCursorRefusals: statements a cursor cannot follow, a cursor of another statement and a
// damaged cursor file are refused with one line and exit 2, and the file is left as it was.
func TestCursorRefusals(t *testing.T) {
	host := oneNode(t)
	isolate(t)
	cursorSetup(t, host)
	dir := t.TempDir()
	cur := filepath.Join(dir, "r.cursor")
	cursorRun(t, host, cur, "--settle", "0")
	before, err := os.ReadFile(cur)
	if err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(dir, "damaged.cursor")
	if err := os.WriteFile(damaged, editedDigit(t, before), 0o600); err != nil {
		t.Fatal(err)
	}
	damagedBefore, _ := os.ReadFile(damaged)
	cases := []struct {
		file, stmt, want string
	}{
		{cur, "SELECT count(*) FROM cur_cli.events", "a cursor cannot follow this statement: it aggregates"},
		{cur, "SELECT * FROM cur_cli.keys_only", "has no regular column"},
		{cur, "SELECT v FROM cur_cli.events", "belongs to"},
		{damaged, cursorFilter, "does not match its checksum"},
		{cur, cursorFilter + " LIMIT 2", "LIMIT"},
	}
	for _, c := range cases {
		code, out, errb := runCLI(t, strings.NewReader(""), host, "--cursor", c.file, "-e", c.stmt)
		lines := strings.Split(strings.TrimSpace(errb), "\n")
		if code != exitStatement || out != "" || len(lines) != 1 || !strings.Contains(errb, c.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2 and one line with %q", c.stmt, code, out, errb, c.want)
		}
	}
	if after, _ := os.ReadFile(cur); string(after) != string(before) {
		t.Error("a refused statement changed the cursor file")
	}
	if after, _ := os.ReadFile(damaged); string(after) != string(damagedBefore) {
		t.Error("the damaged cursor file was overwritten")
	}
	if code, _, errb := runCLI(t, strings.NewReader(""), host, "--cursor", cur, "--since", "2026-01-01", "-e", cursorFilter); code != exitStatement || !strings.Contains(errb, "--since starts a new cursor") {
		t.Errorf("--since with an existing cursor: exit %d, %q", code, errb)
	}
	// A new cursor from a time after every write delivers nothing.
	fresh := filepath.Join(dir, "fresh.cursor")
	if rows, errb := cursorRun(t, host, fresh, "--settle", "0", "--since", "2999-01-01 00:00:00+0000"); len(rows) != 0 {
		t.Errorf("--since in the future delivered %q (%s)", rows, errb)
	}
}

// editedDigit changes the first digit of a savefile's body, as a hand edit would: still JSON, other
// content.
func editedDigit(t *testing.T, data []byte) []byte {
	t.Helper()
	out := append([]byte(nil), data...)
	at := strings.Index(string(out), `"body"`)
	for i := at; at >= 0 && i < len(out); i++ {
		if out[i] >= '0' && out[i] <= '9' {
			out[i] = '0' + (out[i]-'0'+1)%10
			return out
		}
	}
	t.Fatalf("no digit in the body of %q", data)
	return nil
}

// TestCursorCarriesOnAfterTimeout: a cursor run slowed by --max-rate and stopped by --timeout saves
// itself as pending, with the batches it wrote; the next run carries it on. Between them every row
// is delivered exactly once, and the batch numbers go on.
func TestCursorCarriesOnAfterTimeout(t *testing.T) {
	sess, hosts := testcluster.Session(t, testcluster.One)
	testcluster.Keyspace(t, sess, "cur_big", 1)
	ctx := context.Background()
	if err := sess.Query("CREATE TABLE IF NOT EXISTS cur_big.events (id int PRIMARY KEY, v text)").Exec(); err != nil {
		t.Fatal(err)
	}
	const rows = 4000
	if err := load.Run(ctx, sess, rows, 32, func(i int) load.Stmt {
		return load.S("INSERT INTO cur_big.events (id, v) VALUES (?, ?)", i, fmt.Sprint("v", i))
	}); err != nil {
		t.Fatal(err)
	}
	isolate(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o700); err != nil {
		t.Fatal(err)
	}
	cur := filepath.Join(dir, "big.cursor")
	args := []string{hosts[0], "--cursor", cur, "--settle", "0", "--out-dir", out, "--batch-rows", "500", "--format", "csv",
		"--no-progress", "--splits", "32", "--fetch-size", "100", "-e", "SELECT id, v FROM cur_big.events"}
	// Four workers at 2,000 rows/s: about half the rows in the second allowed, some ranges whole.
	code, _, errb := runCLI(t, strings.NewReader(""), append(args, "--concurrency", "4", "--max-rate", "2000", "--timeout", "1s")...)
	whole := regexp.MustCompile(`progress saved in cursor .*: ([1-9]\d*) token ranges delivered whole`).FindStringSubmatch(errb)
	if code != exitStatement || whole == nil {
		t.Fatalf("the stopped run: exit %d, %q; want progress saved with some ranges whole", code, errb)
	}
	code, _, errb = runCLI(t, strings.NewReader(""), args...)
	if code != exitOK || !strings.Contains(errb, "carrying on the run begun") || !strings.Contains(errb, fmt.Sprintf("%d rows delivered", rows)) {
		t.Fatalf("the run carrying on: exit %d, %q", code, errb)
	}
	seen := map[string]int{}
	files, _ := filepath.Glob(filepath.Join(out, "batch-*.csv"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(strings.TrimSpace(strings.ReplaceAll(string(data), "\r\n", "\n")), "\n")[1:] {
			seen[l]++
		}
	}
	twice := 0
	for _, n := range seen {
		if n > 1 {
			twice++
		}
	}
	if len(seen) != rows || twice > 0 {
		t.Errorf("%d batch files hold %d distinct rows (%d of them more than once), want %d once each", len(files), len(seen), twice, rows)
	}
	t.Logf("%d batch files; %s", len(files), strings.TrimSpace(errb))
}

// TestGroupByCheckpointResume: a GROUP BY the client aggregates, stopped by --timeout under
// --max-rate with --checkpoint, is finished by --resume with the answer of an uninterrupted run,
// reading only the rows left.
func TestGroupByCheckpointResume(t *testing.T) {
	sess, hosts := testcluster.Session(t, testcluster.One)
	testcluster.Keyspace(t, sess, "eng_grp", 1)
	ctx := context.Background()
	if err := sess.Query("CREATE TABLE IF NOT EXISTS eng_grp.t (id int PRIMARY KEY, g text, v bigint)").Exec(); err != nil {
		t.Fatal(err)
	}
	const rows = 20000
	if err := load.Run(ctx, sess, rows, 32, func(i int) load.Stmt {
		return load.S("INSERT INTO eng_grp.t (id, g, v) VALUES (?, ?, ?)", i, fmt.Sprint("g", i%37), int64(i)*1_000_003)
	}); err != nil {
		t.Fatal(err)
	}
	isolate(t)
	const q = "SELECT g, count(*), sum(v), count(DISTINCT v), max(id) FROM eng_grp.t GROUP BY g HAVING count(*) > 0 ORDER BY g"
	base := []string{hosts[0], "--no-progress", "--format", "csv", "--splits", "24", "--fetch-size", "500"}
	code, want, errb := runCLI(t, strings.NewReader(""), append(base, "-e", q)...)
	if code != exitOK || strings.Count(want, "\n") != 38 {
		t.Fatalf("uninterrupted: exit %d, %q, %q", code, want, errb)
	}
	ckpt := filepath.Join(t.TempDir(), "groups.json")
	code, _, errb = runCLI(t, strings.NewReader(""), append(base, "--checkpoint", ckpt, "--concurrency", "2",
		"--max-rate", "8000", "--timeout", "1.2s", "-e", q)...)
	if code != exitStatement || !strings.Contains(errb, "progress saved: run the same statement with --resume "+ckpt) {
		t.Fatalf("stopped run: exit %d, %q", code, errb)
	}
	code, got, errb := runCLI(t, strings.NewReader(""), append(base, "--resume", ckpt, "--stats", "-e", q)...)
	if code != exitOK || got != want {
		t.Fatalf("resumed: exit %d, stderr %q\ngot  %q\nwant %q", code, errb, got, want)
	}
	m := regexp.MustCompile(`ranges read, .*, (\d+) rows`).FindStringSubmatch(errb)
	if m == nil {
		t.Fatalf("no rows read in the stats: %q", errb)
	}
	if n, _ := strconv.Atoi(m[1]); n >= rows || n == 0 {
		t.Errorf("the resumed run read %d of %d rows: want only those left", n, rows)
	}
	// Finished: a second --resume is refused.
	if code, _, errb := runCLI(t, strings.NewReader(""), append(base, "--resume", ckpt, "-e", q)...); code != exitStatement || !strings.Contains(errb, "finished") {
		t.Errorf("resume of a finished scan: exit %d, %q", code, errb)
	}
}
