package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// cli runs cqlscan in-process and returns its exit status, stdout and stderr.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	code := run(ctx, args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// csvCount parses the output of a COUNT with --format csv: the header "count" and one value.
func csvCount(t *testing.T, out string) int64 {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\r\n"), "\r\n")
	if len(lines) != 2 || lines[0] != "count" {
		t.Fatalf("CSV output %q: want a count header and one row", out)
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		t.Fatalf("CSV count %q: %v", lines[1], err)
	}
	return n
}

// TestCountIsExact counts every dataset on one node (RF 1) and three nodes (RF 1 and RF 3) with
// several split targets, and requires the exact number of rows CQL holds.
func TestCountIsExact(t *testing.T) {
	targets := []struct {
		cluster string
		rf      int
	}{{testcluster.One, 1}, {testcluster.Three, 1}, {testcluster.Three, 3}}
	for _, tg := range targets {
		t.Run(fmt.Sprintf("%s_rf%d", strings.ToLower(tg.cluster), tg.rf), func(t *testing.T) {
			s, hosts := testcluster.Session(t, tg.cluster)
			ks := fmt.Sprintf("exact_%s_rf%d", strings.ToLower(tg.cluster), tg.rf)
			testcluster.Keyspace(t, s, ks, tg.rf)
			ctx := context.Background()
			for _, ds := range testcluster.Datasets {
				want, err := ds.Load(ctx, s, ks)
				if err != nil {
					t.Fatalf("loading %s: %v", ds.Name, err)
				}
				oracle, err := testcluster.CountBySelect(ctx, s, ks, ds.Name)
				if err != nil {
					t.Fatalf("SELECT * oracle on %s: %v", ds.Name, err)
				}
				if oracle != want {
					t.Fatalf("%s: SELECT * returns %d rows, the generator expected %d", ds.Name, oracle, want)
				}
				for _, splits := range []int{1, 7, 256, 4096} {
					code, out, errOut := cli(t, hosts[0], "--format", "csv", "--splits", strconv.Itoa(splits),
						"--concurrency", "32", "-e", fmt.Sprintf("SELECT COUNT(*) FROM %s.%s", ks, ds.Name))
					if code != 0 {
						t.Fatalf("%s splits %d: exit %d, stderr %q", ds.Name, splits, code, errOut)
					}
					if got := csvCount(t, out); got != want {
						t.Errorf("%s with --splits %d: count %d, want %d", ds.Name, splits, got, want)
					}
				}
			}
		})
	}
}

// TestCountCLI covers the command line: flags after the positional host, -k with an unqualified
// table, count(1) with an alias, the table format, and --verbose naming sub-ranges and hosts.
func TestCountCLI(t *testing.T) {
	s, hosts := testcluster.Session(t, testcluster.Three)
	testcluster.Keyspace(t, s, "cli", 2)
	want, err := testcluster.Datasets[0].Load(context.Background(), s, "cli")
	if err != nil {
		t.Fatal(err)
	}

	code, out, errOut := cli(t, hosts[0], "9042", "-k", "cli", "--splits", "12", "--verbose",
		"-e", "select count(1) as n from single_pk")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	wantTable := fmt.Sprintf("\n n\n------\n %d\n\n(1 rows)\n", want)
	if out != wantTable {
		t.Errorf("table output %q, want %q", out, wantTable)
	}
	if !strings.Contains(errOut, "RangeAggregate count(*) on cli.single_pk") || !strings.Contains(errOut, "SimpleStrategy RF 2") {
		t.Errorf("--verbose does not describe the plan:\n%s", errOut)
	}
	for _, h := range hosts {
		if !strings.Contains(errOut, "host "+h+":9042") {
			t.Errorf("--verbose stats do not mention host %s:\n%s", h, errOut)
		}
	}
	if n := strings.Count(errOut, "\n  ("); n < 12 {
		t.Errorf("--verbose lists %d sub-ranges, want at least the 12 asked for", n)
	}

	code, out, errOut = cli(t, hosts[0], "--format", "csv", "-e", "USE cli; SELECT COUNT(*) FROM single_pk")
	if code != 0 || csvCount(t, out) != want {
		t.Errorf("USE then an unqualified table: exit %d, output %q, stderr %q", code, out, errOut)
	}

	code, out, _ = cli(t, "--format", "json", hosts[0], "-e", "SELECT COUNT(*) FROM cli.single_pk;")
	if wantJSON := fmt.Sprintf("[\n  {\"count\": %d}\n]\n", want); code != 0 || out != wantJSON {
		t.Errorf("json: exit %d, output %q, want %q", code, out, wantJSON)
	}
}

// TestExplainAnalyze runs a pushed-down count and a client-side GROUP BY with EXPLAIN ANALYZE: the
// plan and what the run did go to stdout (no result rows), and the figures add up: every host's
// ranges sum to the sub-ranges planned, and the rows counted sum to the table's rows.
func TestExplainAnalyze(t *testing.T) {
	s, hosts := testcluster.Session(t, testcluster.Three)
	testcluster.Keyspace(t, s, "analyze", 2)
	want, err := testcluster.Datasets[0].Load(context.Background(), s, "analyze")
	if err != nil {
		t.Fatal(err)
	}
	hostLine := regexp.MustCompile(`(?m)^  host (\S+)\s+(\d+) ranges\s+(\d+) rows\s+(\d+) pages\s+(\d+) retries  latency p50 \S+ p95 \S+ p99 \S+ max \S+$`)
	for _, c := range []struct{ query, plan string }{
		{"EXPLAIN ANALYZE SELECT COUNT(*) FROM analyze.single_pk", "RangeAggregate count(*) on analyze.single_pk: "},
		{"EXPLAIN ANALYZE SELECT v, COUNT(*) FROM analyze.single_pk GROUP BY v", "RangeScan analyze.single_pk [v]: "},
	} {
		code, out, errOut := cli(t, hosts[0], "--splits", "24", "-e", c.query)
		if code != 0 {
			t.Fatalf("%s: exit %d, stderr %q", c.query, code, errOut)
		}
		m := regexp.MustCompile(regexp.QuoteMeta(c.plan) + `(\d+) sub-ranges`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("%s: the plan is missing from stdout:\n%s", c.query, out)
		}
		planned, _ := strconv.ParseInt(m[1], 10, 64)
		if !regexp.MustCompile(`done in \S+, \d+ result rows?:`).MatchString(out) || strings.Contains(out, "(1 rows)") {
			t.Errorf("%s: stdout should say how long the run took instead of printing rows:\n%s", c.query, out)
		}
		var ranges, rows int64
		seen := map[string]bool{}
		for _, m := range hostLine.FindAllStringSubmatch(out, -1) {
			seen[m[1]] = true
			n, _ := strconv.ParseInt(m[2], 10, 64)
			r, _ := strconv.ParseInt(m[3], 10, 64)
			ranges, rows = ranges+n, rows+r
		}
		if len(seen) != len(hosts) {
			t.Errorf("%s: per-host lines for %d hosts, want %d:\n%s", c.query, len(seen), len(hosts), out)
		}
		if ranges != planned || planned < 24 {
			t.Errorf("%s: hosts read %d ranges in all, want the %d planned (at least 24):\n%s", c.query, ranges, planned, out)
		}
		if rows != want {
			t.Errorf("%s: hosts report %d rows in all, want %d:\n%s", c.query, rows, want, out)
		}
		if !strings.Contains(out, "slowest ranges:") {
			t.Errorf("%s: no slowest ranges:\n%s", c.query, out)
		}
	}
}

// TestCountErrors checks that bad input fails clearly, with cqlsh's exit statuses, before any scan.
func TestCountErrors(t *testing.T) {
	hosts := testcluster.Hosts(t, testcluster.One)
	cases := []struct {
		name    string
		args    []string
		code    int
		message string
	}{
		{"unknown keyspace", []string{"-e", "SELECT COUNT(*) FROM no_such_ks.t"}, 2, `unknown keyspace "no_such_ks"`},
		{"unknown table", []string{"-e", "SELECT COUNT(*) FROM system.no_such_table"}, 2, "unknown table system.no_such_table"},
		{"no keyspace", []string{"-e", "SELECT COUNT(*) FROM t"}, 2, "no keyspace specified"},
		{"syntax error", []string{"-e", "SELECT COUNT(*) FROM"}, 2, "syntax error: unexpected end of statement at line 1, char 21"},
		{"unsupported", []string{"-e", "SELECT a FROM system.local JOIN system.peers ON a = b"}, 2, "JOIN is not supported"},
		{"type mismatch", []string{"-e", "SELECT * FROM system_schema.tables WHERE gc_grace_seconds = 'abc'"}, 2,
			"gc_grace_seconds is int"},
		{"server error passes through", []string{"-e", "CREATE TABLE no_such_ks.t (id int PRIMARY KEY)"}, 2, "no_such_ks"},
		{"bad format", []string{"--format", "xml", "-e", "SELECT COUNT(*) FROM system.local"}, 2, "unknown format"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := cli(t, append([]string{hosts[0], "--verbose"}, c.args...)...)
			if code != c.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, c.code, errOut)
			}
			if !strings.Contains(errOut, c.message) {
				t.Errorf("stderr %q does not say %q", errOut, c.message)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if strings.Contains(errOut, "RangeAggregate") {
				t.Errorf("a scan was planned despite the error:\n%s", errOut)
			}
			// A command-line mistake is one line and the usage hint.
			if strings.Count(strings.TrimSpace(strings.TrimSuffix(errOut, "cqlscan: "+usageHint+"\n")), "\n") != 0 {
				t.Errorf("error is not one line: %q", errOut)
			}
		})
	}
}

// Virtual tables are each node's own state, with no token ring to scan: SELECTs on them, and USE of
// a virtual keyspace, go to the node as written, as in cqlsh.
func TestVirtualTables(t *testing.T) {
	hosts := testcluster.Hosts(t, testcluster.One)
	code, out, errOut := cli(t, hosts[0], "--format", "csv", "-e",
		"SELECT name, value FROM system_views.settings WHERE name = 'num_tokens'; USE system_views; SELECT name FROM settings WHERE name = 'partitioner'")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if want := "name,value\r\nnum_tokens,16\r\nname\r\npartitioner\r\n"; out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	code, _, errOut = cli(t, hosts[0], "-e", "EXPLAIN SELECT * FROM system_views.settings")
	if code != 2 || !strings.Contains(errOut, `virtual keyspace "system_views"`) {
		t.Errorf("EXPLAIN of a virtual table: exit %d, %q; want exit 2 naming the virtual keyspace", code, errOut)
	}
}
