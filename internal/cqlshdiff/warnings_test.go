package cqlshdiff

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// TestWarningsAsCqlsh checks that a server warning reaches the user as cqlsh shows it: the same
// "Warnings :" block, printed by cqlscan on stderr so that its standard output holds only results.
// A replication factor above the number of nodes makes Cassandra warn.
func TestWarningsAsCqlsh(t *testing.T) {
	hosts := testcluster.Hosts(t, testcluster.One)
	cqlsh := cqlshCommand(t, hosts[0])
	s, _ := testcluster.Session(t, testcluster.One)
	dir := t.TempDir()
	bin := buildCqlscan(t, dir)
	rc := filepath.Join(dir, "cqlshrc") // empty: the tester's own settings change nothing
	if err := os.WriteFile(rc, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	stmt := "CREATE KEYSPACE cqlshdiff_warn WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}"
	drop := func() {
		if err := s.Query("DROP KEYSPACE IF EXISTS cqlshdiff_warn").Exec(); err != nil {
			t.Fatal(err)
		}
	}
	drop()
	cqlshOut, cqlshErr := run(t, append(cqlsh, "--cqlshrc", rc, "-e", stmt)...)
	drop()
	defer drop()
	cqlscanOut, cqlscanErr := run(t, bin, hosts[0], "--cqlshrc", rc, "-e", stmt)

	want := warningBlock(cqlshOut)
	if want == "" {
		t.Fatalf("cqlsh printed no warning for %s:\nstdout:\n%s\nstderr:\n%s", stmt, cqlshOut, cqlshErr)
	}
	if got := warningBlock(cqlscanErr); got != want {
		t.Errorf("warnings on cqlscan's stderr:\n%s\nwant cqlsh's:\n%s\n(cqlscan's stderr: %q)", got, want, cqlscanErr)
	}
	if strings.TrimSpace(cqlscanOut) != "" {
		t.Errorf("cqlscan's standard output should hold no warning: %q", cqlscanOut)
	}
}

// warningBlock returns the lines from "Warnings :" on, blank lines dropped.
func warningBlock(out string) string {
	i := strings.Index(out, "Warnings :")
	if i < 0 {
		return ""
	}
	var lines []string
	for _, l := range strings.Split(out[i:], "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}
