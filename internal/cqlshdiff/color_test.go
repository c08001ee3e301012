package cqlshdiff

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// TestColorAsCqlsh runs statements through cqlsh -C and cqlscan -C and requires the same bytes:
// every value in its type's colour, escapes of control characters in the blob colour inside the
// text colour, collection brackets in theirs, column names by their role (partition key, clustering,
// static, other), and widths that ignore the colour codes. Values whose plain text already differs
// from cqlsh's on purpose (floats, which cqlsh rounds, NULLs inside tuples) are left out.
func TestColorAsCqlsh(t *testing.T) {
	hosts := testcluster.Hosts(t, testcluster.One)
	cqlsh := cqlshCommand(t, hosts[0])
	s, _ := testcluster.Session(t, testcluster.One)
	testcluster.Keyspace(t, s, "cqlshdiff_color", 1)
	for _, stmt := range []string{
		`CREATE TABLE cqlshdiff_color.t (p int, c text, s text static, v text, b blob, n bigint, ok boolean,
			l list<int>, m map<text, int>, st set<text>, tu tuple<int, text>, z int, PRIMARY KEY (p, c))`,
		`INSERT INTO cqlshdiff_color.t (p, c, s, v, b, n, ok, l, m, st, tu, z) VALUES (1, 'a', 'static', 'tab	and
newline \ and ''quote''', 0xcafe, -5, true, [1, 2], {'k': 1, 'é': -2}, {'x', ''}, (7, 'seven'), blobAsInt(0x))`,
		`INSERT INTO cqlshdiff_color.t (p, c, v) VALUES (1, '', '')`,
		`INSERT INTO cqlshdiff_color.t (p, c) VALUES (2, 'only keys')`,
	} {
		if err := s.Query(stmt).Exec(); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	dir := t.TempDir()
	bin := buildCqlscan(t, dir)
	rc := filepath.Join(dir, "cqlshrc") // empty: the tester's own settings change nothing
	if err := os.WriteFile(rc, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"SELECT * FROM cqlshdiff_color.t WHERE p = 1",
		"SELECT p, c, v, z FROM cqlshdiff_color.t WHERE p IN (1, 2)",
		"SELECT s, p FROM cqlshdiff_color.t WHERE p = 2",
	} {
		for _, expand := range []bool{false, true} {
			script := q + ";"
			if expand {
				script = "EXPAND ON\n" + script
			}
			file := filepath.Join(dir, "q.cql")
			if err := os.WriteFile(file, []byte(script+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			want, _ := run(t, append(cqlsh, "--cqlshrc", rc, "-C", "-f", file)...)
			got, stderr := run(t, bin, hosts[0], "--cqlshrc", rc, "-C", "-f", file)
			want = dropCqlshNoise(want)
			if !strings.Contains(want, "\x1b[") {
				t.Fatalf("cqlsh -C printed no colour for %s:\n%q", q, want)
			}
			if got != want {
				t.Errorf("%s (expand %v): cqlscan -C printed\n%q\nwant cqlsh's\n%q\n(stderr %q)", q, expand, got, want, stderr)
			}
		}
	}
}

// dropCqlshNoise removes what cqlsh prints on standard output that is not the result: the warning
// that it was built against another Cassandra version, and EXPAND's answer.
func dropCqlshNoise(out string) string {
	var keep []string
	for _, l := range strings.SplitAfter(out, "\n") {
		if strings.HasPrefix(l, "WARNING: cqlsh was built against") || strings.HasPrefix(l, "EXPAND ") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "")
}
