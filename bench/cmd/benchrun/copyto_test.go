package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/bench/dataset"
)

// The COPY TO answer is the CSV records written, in one file (cqlscan, cqlsh) or a directory of
// them (dsbulk); a quoted newline is inside a record, and a record of the wrong width fails the run.
func TestCountCSVRecords(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	one := write("one.csv", "1,a,x\r\n2,\"b\nc\",y\r\n3,,\r\n")
	write("bulk/output-000001.csv", "1,a,x\n2,b,y\n")
	write("bulk/output-000002.csv", "3,c,z\n")
	short := write("short.csv", "1,a,x\n2,b\n")
	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path, want, err string
	}{
		{one, "3", ""},
		{filepath.Join(dir, "bulk"), "3", ""},
		{short, "", "wrong number of fields"},
		{filepath.Join(dir, "empty"), "", "no files written"},
		{filepath.Join(dir, "missing.csv"), "", "no such file"},
	}
	for _, c := range cases {
		got, err := countCSVRecords(c.path, 3)
		switch {
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("%s: %q, %v; want %q", filepath.Base(c.path), got, err, c.want)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: %q, %v; want an error with %q", filepath.Base(c.path), got, err, c.err)
		}
	}
}

// What each tool writes is removed, and nothing benchrun did not name is.
func TestRemoveOutput(t *testing.T) {
	dir := t.TempDir()
	ours, theirs := filepath.Join(dir, "benchrun-copy-to-dsbulk"), filepath.Join(dir, "data.csv")
	for _, p := range []string{filepath.Join(ours, "output-000001.csv"), theirs} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{ours, theirs, "", filepath.Join(dir, "benchrun-never-written")} {
		if err := removeOutput(p); err != nil {
			t.Errorf("removeOutput(%q): %v", p, err)
		}
	}
	if _, err := os.Stat(ours); !os.IsNotExist(err) {
		t.Errorf("%s is still there: %v", ours, err)
	}
	if _, err := os.Stat(theirs); err != nil {
		t.Errorf("%s was removed: %v", theirs, err)
	}
}

// Each COPY tool writes where its answer is read from, and the three write different places.
func TestCopyToQuestion(t *testing.T) {
	sales, _ := dataset.ByName("sales-2m")
	q := copyToQuestion(sales, len(salesColumns))
	e := env{host: "127.0.0.61", cqlscan: "bin/cqlscan", cqlsh: "cqlsh", dsbulkCP: "lib/*", logDir: "/tmp/logs"}
	var seen []string
	for _, tool := range q.Tools {
		argv := strings.Join(tool.Argv(e), " ")
		if tool.Writes == "" || !strings.Contains(argv, tool.Writes) || slices.Contains(seen, tool.Writes) {
			t.Errorf("%s writes %q, argv %q", tool.Name, tool.Writes, argv)
		}
		seen = append(seen, tool.Writes)
	}
	if q.Expected() != "2000000" || !strings.HasPrefix(q.Tools[0].Name, "cqlscan") {
		t.Errorf("expected %q, first tool %q", q.Expected(), q.Tools[0].Name)
	}
	if ds, err := neededDatasets([]string{"copy-to"}, false); err != nil || len(ds) != 1 || ds[0].Name != "sales-2m" {
		t.Errorf("copy-to reads %v, %v", ds, err)
	}
}
