package savefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type body struct {
	Count int64    `json:"count"`
	Names []string `json:"names"`
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.json")
	in := body{Count: 5000, Names: []string{"a", "b"}}
	if err := Write(path, "checkpoint", 2, in); err != nil {
		t.Fatal(err)
	}
	var out body
	if err := Read(path, "checkpoint", 2, &out); err != nil {
		t.Fatal(err)
	}
	if out.Count != 5000 || len(out.Names) != 2 || out.Names[1] != "b" {
		t.Fatalf("read back %+v, wrote %+v", out, in)
	}
	if left, _ := filepath.Glob(path + ".*.tmp"); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestRefusals(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	if err := Write(good, "checkpoint", 2, body{Count: 5000}); err != nil {
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
	cases := []struct {
		name, path, kind string
		version          int
		want             error
	}{
		{"edited count", write("edited.json", strings.Replace(string(data), "5000", "-5000", 1)), "checkpoint", 2, ErrDamaged},
		{"truncated", write("torn.json", string(data[:len(data)/2])), "checkpoint", 2, ErrDamaged},
		{"not JSON", write("text.json", "hello"), "checkpoint", 2, ErrDamaged},
		{"other kind", good, "cursor", 2, ErrDamaged},
		{"other version", good, "checkpoint", 3, ErrVersion},
		{"missing", filepath.Join(dir, "none.json"), "checkpoint", 2, fs.ErrNotExist},
	}
	for _, c := range cases {
		var out body
		err := Read(c.path, c.kind, c.version, &out)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error is not one line: %q", c.name, err)
		}
	}
	// Layout is not content: re-indenting the file keeps it valid.
	relaid := write("relaid.json", strings.ReplaceAll(string(data), "\n ", "\n\t\t"))
	var out body
	if err := Read(relaid, "checkpoint", 2, &out); err != nil || out.Count != 5000 {
		t.Errorf("re-indented file: %v, %+v", err, out)
	}
}
