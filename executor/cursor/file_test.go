package cursor

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/executor/savefile"
)

// finished is a state after one run that delivered and remembered a few rows.
func finished(t *testing.T) *State {
	t.Helper()
	r := New(testID, Beginning).Begin(at(100), 10*time.Second)
	for i, when := range []float64{50, 92, 95, 99} {
		r.Offer([]any{"server", int64(i)}, us(when), us(when-1), true)
	}
	s := r.Finish([]string{"batch-000001.csv"})
	if len(s.Overlap) != 3 {
		t.Fatalf("overlap %v, want 3 versions", s.Overlap)
	}
	return s
}

func TestSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.json")
	// In this order: the file left at the end is the one after a run, whose mark the last check reads.
	for _, c := range []struct {
		name string
		s    *State
	}{{"new", New(testID, Beginning)}, {"after a run", finished(t)}} {
		name, s := c.name, c.s
		if err := s.Save(path); err != nil {
			t.Fatal(err)
		}
		got, err := Load(path, testID)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s.Overlap == nil {
			s.Overlap = []Version{}
		}
		if !reflect.DeepEqual(normalized(got), normalized(s)) {
			t.Errorf("%s: read back\n%+v\nwrote\n%+v", name, got, s)
		}
		// Saving what was read writes the same bytes.
		first, _ := os.ReadFile(path)
		if err := got.Save(path); err != nil {
			t.Fatal(err)
		}
		if again, _ := os.ReadFile(path); !bytes.Equal(first, again) {
			t.Errorf("%s: saving a loaded cursor changed its file", name)
		}
	}
	if left, _ := filepath.Glob(path + ".*.tmp"); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), `"mark_text": "2026-12-02 04:01:30.000000+0000"`) {
		t.Errorf("the file does not show its mark as a time:\n%s", data)
	}
}

// normalized makes a state's times comparable with reflect.DeepEqual (a time read from JSON has
// another location pointer).
func normalized(s *State) *State {
	c := *s
	if c.Last != nil {
		last := *c.Last
		last.Began = last.Began.UTC()
		c.Last = &last
	}
	return &c
}

func TestLoadRefusals(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	if err := finished(t).Save(good); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	other := Identity{Statement: "SELECT b FROM ks.t", Keyspace: "ks", Table: "ks.t"}
	cases := []struct {
		name string
		path string
		id   Identity
		want error
		text string // in the message
	}{
		{"missing", filepath.Join(dir, "none.json"), testID, fs.ErrNotExist, "none.json"},
		{"edited mark", write("edited.json", strings.Replace(string(data), `"runs": 1`, `"runs": 2`, 1)), testID, savefile.ErrDamaged, "edited.json"},
		{"torn", write("torn.json", string(data[:len(data)/2])), testID, savefile.ErrDamaged, "torn.json"},
		{"empty", write("empty.json", ""), testID, savefile.ErrDamaged, "empty.json"},
		{"another kind", write("checkpoint.json", strings.Replace(string(data), `"cqlscan": "cursor"`, `"cqlscan": "checkpoint"`, 1)), testID, savefile.ErrDamaged, "checkpoint.json"},
		{"another statement", good, other, ErrMismatch, `good.json belongs to "SELECT a FROM ks.t" (keyspace ks), not to this statement: use another file or delete it`},
		{"another keyspace", good, Identity{testID.Statement, "ks2", testID.Table, ""}, ErrMismatch, "(keyspace ks)"},
		{"another table", good, Identity{testID.Statement, "ks", "ks2.t", ""}, ErrMismatch, "(keyspace ks, table ks.t)"},
		{"another primary key", good, Identity{testID.Statement, "ks", "ks.t", "0123abcd"}, ErrMismatch, "had another primary key"},
	}
	for _, c := range cases {
		before, _ := os.ReadFile(c.path)
		s, err := Load(c.path, c.id)
		if !errors.Is(err, c.want) || s != nil {
			t.Errorf("%s: got %v, %v; want %v", c.name, s, err, c.want)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, c.text) {
			t.Errorf("%s: message %q: want one line with %q", c.name, msg, c.text)
		}
		if after, _ := os.ReadFile(c.path); !bytes.Equal(before, after) {
			t.Errorf("%s: the refused file was changed", c.name)
		}
	}
	var mismatch *MismatchError
	if _, err := Load(good, other); !errors.As(err, &mismatch) || mismatch.Statement != testID.Statement {
		t.Errorf("a mismatch does not say what the file belongs to: %v", err)
	}
}

// TestLoadChecks: a file whose checksum is right but whose content no cursor writes is refused too.
func TestLoadChecks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.json")
	k := keyOf(t, "a")
	bad := []struct {
		name string
		body fileBody
	}{
		{"next batch 0", fileBody{Settle: "0s", NextBatch: 0}},
		{"negative runs", fileBody{Settle: "0s", NextBatch: 1, Runs: -1}},
		{"bad settle", fileBody{Settle: "soon", NextBatch: 1}},
		{"negative settle", fileBody{Settle: "-1s", NextBatch: 1}},
		{"not a key", fileBody{Settle: "0s", NextBatch: 1, Overlap: []Version{{"ABC", 5}}}},
		{"version at the mark", fileBody{Settle: "0s", NextBatch: 1, Mark: 5, Overlap: []Version{{k, 5}}}},
		{"repeated key", fileBody{Settle: "0s", NextBatch: 1, Overlap: []Version{{k, 5}, {k, 6}}}},
	}
	for _, c := range bad {
		if err := savefile.Write(path, fileKind, fileVersion, c.body); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(path, Identity{}); !errors.Is(err, savefile.ErrDamaged) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line wrapping ErrDamaged", c.name, err)
		}
	}
	// Save refuses what Load would.
	s := New(testID, 5)
	s.Overlap = []Version{{k, 5}}
	if err := s.Save(path); err == nil || !strings.Contains(err.Error(), "c.json") {
		t.Errorf("saved a version at the mark: %v", err)
	}
}

// TestFailedRun: a run that reads rows but never finishes leaves the file byte for byte as it was,
// and the next run delivers the same rows again.
func TestFailedRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.json")
	if err := finished(t).Save(path); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	rows := []struct {
		key            []any
		latest, oldest int64
	}{
		{[]any{"server", int64(10)}, us(104), us(104)},
		{[]any{"server", int64(1)}, us(105), us(92)}, // an update of a remembered row
		{[]any{"server", int64(11)}, us(80), us(80)}, // unchanged
	}
	deliver := func() []bool {
		s, err := Load(path, testID)
		if err != nil {
			t.Fatal(err)
		}
		r := s.Begin(at(110), 10*time.Second)
		var got []bool
		for _, row := range rows {
			got = append(got, r.Offer(row.key, row.latest, row.oldest, true))
		}
		return got // the run fails here: no Finish, no Save
	}
	first := deliver()
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatal("a run that did not finish changed the cursor file")
	}
	if second := deliver(); !reflect.DeepEqual(first, second) || !reflect.DeepEqual(first, []bool{true, true, false}) {
		t.Errorf("delivered %v, then %v; want [true true false] twice", first, second)
	}
}
