package resilience

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/executor/savefile"
	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// TestCursorRefusals: what a cursor cannot follow, or a cursor file it cannot trust, is refused
// through the binary with exit 2 and one error line, and the cursor file is left as it was.
func TestCursorRefusals(t *testing.T) {
	hosts := testcluster.Hosts(t, testcluster.One)
	s, _ := testcluster.Session(t, testcluster.One)
	testcluster.Keyspace(t, s, "soak_refuse", 1)
	for _, q := range []string{
		"CREATE TABLE soak_refuse.t (k int, c int, v text, PRIMARY KEY (k, c))",
		"CREATE TABLE soak_refuse.keys_only (k int, c int, PRIMARY KEY (k, c))",
		"CREATE TABLE soak_refuse.t2 (k int PRIMARY KEY, v text)",
		"INSERT INTO soak_refuse.t (k, c, v) VALUES (1, 1, 'a')",
		"INSERT INTO soak_refuse.keys_only (k, c) VALUES (1, 1)",
	} {
		if err := s.Query(q).Exec(); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	dir := t.TempDir()
	const stmt = "SELECT k, c, v FROM soak_refuse.t WHERE k = 1"
	good := filepath.Join(dir, "good.cursor")
	if r := start(t, hosts[0], "--cursor", good, "--format", "csv", "-e", stmt).wait(t); r.code != 0 || !bytes.Contains(r.out.Bytes(), []byte("1,1,a")) {
		t.Fatalf("a first cursor run: exit %d, stdout %q, stderr:\n%s", r.code, r.out.String(), r.errOut.String())
	}
	valid, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "checkpoint.json")
	if err := savefile.Write(other, "checkpoint", 1, map[string]any{"ranges": []string{}}); err != nil {
		t.Fatal(err)
	}
	checkpoint, _ := os.ReadFile(other)
	cases := []struct {
		name    string
		content []byte // the cursor file before the run; nil: none
		stmt    string
		why     string // in the error
	}{
		{"a table with no regular columns", nil, "SELECT * FROM soak_refuse.keys_only", "no regular column"},
		{"a cursor of another statement", valid, "SELECT k, c, v FROM soak_refuse.t WHERE k = 2", "belongs to"},
		{"a cursor of another table", valid, "SELECT k, v FROM soak_refuse.t2", "belongs to"},
		{"a cursor with its body edited", editCursorBody(t, valid), stmt, "damaged or edited"},
		{"a cursor cut short", valid[:len(valid)/2], stmt, "damaged or edited"},
		{"a file that is not JSON", []byte("mark = yesterday\n"), stmt, "damaged or edited"},
		{"an empty file", []byte{}, stmt, "damaged or edited"},
		{"a checkpoint given as a cursor", checkpoint, stmt, "damaged or edited"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("case%d.cursor", i))
			if c.content != nil {
				if err := os.WriteFile(path, c.content, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r := start(t, hosts[0], "--cursor", path, "--format", "csv", "-e", c.stmt).wait(t)
			errOut := r.errOut.String()
			if r.code != 2 || !oneErrorLine.MatchString(errOut) || !strings.Contains(errOut, c.why) || r.out.Len() != 0 {
				t.Errorf("exit %d, stdout %q, stderr %q: want exit 2, no rows and one error: line saying %q", r.code, r.out.String(), errOut, c.why)
			}
			after, err := os.ReadFile(path)
			switch {
			case c.content == nil && !errors.Is(err, fs.ErrNotExist):
				t.Errorf("a refused run left a cursor file (%v): %s", err, after)
			case c.content != nil && !bytes.Equal(after, c.content):
				t.Errorf("a refused run rewrote the cursor file (%v):\n%s", err, after)
			}
			t.Logf("%s", strings.TrimSpace(errOut))
		})
	}
}

// oneErrorLine is the whole of a failed -e statement's stderr: one line, "<execute>:1:error: …".
var oneErrorLine = regexp.MustCompile(`\A(<[^>]+>:\d+:)?error: [^\n]+\n\z`)

// editCursorBody returns a cursor file with one number of its body changed and its checksum left as it
// was: a hand edit.
func editCursorBody(t *testing.T, file []byte) []byte {
	t.Helper()
	var env map[string]json.RawMessage
	if err := json.Unmarshal(file, &env); err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	d := json.NewDecoder(bytes.NewReader(env["body"]))
	d.UseNumber()
	if err := d.Decode(&body); err != nil {
		t.Fatal(err)
	}
	for _, k := range slices.Sorted(maps.Keys(body)) {
		if n, ok := body[k].(json.Number); ok {
			i, _ := n.Int64()
			body[k] = i + 1
			raw, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			env["body"] = raw
			out, err := json.MarshalIndent(env, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
	}
	t.Fatalf("the cursor's body has no number to edit: %s", env["body"])
	return nil
}
