package batchout

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/planner/types"
	"github.com/cqlscan/cqlscan/repl/render"
)

// batch is the batch size of the tests; counts are the row counts at its edges.
const batch = 3

var counts = []int{0, 1, batch, batch + 1, 2*batch + 1}

// formats are the outputs a cursor run can have.
var formats = []struct {
	name string
	opt  render.Options
}{
	{"csv", render.Options{Format: render.CSV}},
	{"json", render.Options{Format: render.JSON}},
	{"jsonl", render.Options{Format: render.JSONL}},
	{"table", render.Options{Format: render.Table}},
	{"expanded", render.Options{Format: render.Table, Expanded: true}},
}

// columns are a few columns of awkward types: text that needs quoting, NULLs, collections, NaN.
func columns(t *testing.T) Columns {
	t.Helper()
	var cols []planner.OutputColumn
	for _, c := range [][2]string{{"server", "text"}, {"hour", "int"}, {"tags", "list<text>"},
		{"seen", "timestamp"}, {"load", "double"}, {"props", "map<text, blob>"}} {
		ty, err := types.Parse(c[1])
		if err != nil {
			t.Fatal(err)
		}
		cols = append(cols, planner.OutputColumn{Name: c[0], Type: ty})
	}
	return Columns{Columns: cols, Keys: map[string]schema.ColumnKind{"server": schema.PartitionKey, "hour": schema.Clustering}}
}

// rows are n rows of those columns.
func rows(n int) []executor.Row {
	out := make([]executor.Row, n)
	for i := range out {
		var load any = float64(i) / 4
		if i%3 == 2 {
			load = math.NaN()
		}
		out[i] = executor.Row{
			fmt.Sprintf("esb%d, \"quoted\"\n", i), int64(i), []any{"a", "b,c"},
			time.Date(2026, 12, 2, 4, 0, i, 0, time.UTC), load,
			[]types.MapEntry{{Key: "k", Value: []byte{byte(i)}}},
		}
		if i%2 == 1 {
			out[i][2], out[i][5] = nil, nil
		}
	}
	return out
}

// rendered is what render.Write prints for rows.
func rendered(t *testing.T, cols Columns, rows []executor.Row, o render.Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := render.Write(&b, cols.result(rows), o); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// chunks splits rows into batches.
func chunks(rows []executor.Row) [][]executor.Row {
	var out [][]executor.Row
	for i := 0; i < len(rows); i += batch {
		out = append(out, rows[i:min(i+batch, len(rows))])
	}
	return out
}

func TestDir(t *testing.T) {
	cols := columns(t)
	for _, f := range formats {
		for _, n := range counts {
			t.Run(fmt.Sprintf("%s %d rows", f.name, n), func(t *testing.T) {
				dir := t.TempDir()
				all := rows(n)
				d := NewDir(dir, 7, batch, cols, f.opt)
				for _, r := range all {
					if err := d.Add(r); err != nil {
						t.Fatal(err)
					}
				}
				if err := d.Close(); err != nil {
					t.Fatal(err)
				}
				if err := d.Close(); err != nil {
					t.Fatalf("second Close: %v", err)
				}
				want := chunks(all)
				var names []string
				for i := range want {
					names = append(names, fmt.Sprintf("batch-%06d.%s", 7+i, Ext(f.opt.Format)))
				}
				if got := d.Batches(); !slices.Equal(got, names) || d.Rows() != int64(n) {
					t.Fatalf("batches %v, rows %d; want %v, %d", got, d.Rows(), names, n)
				}
				entries, err := os.ReadDir(dir)
				if err != nil {
					t.Fatal(err)
				}
				if len(entries) != len(names) { // no file for no rows, no temporary file left
					t.Errorf("the directory holds %d files, want %d", len(entries), len(names))
				}
				for i, name := range names {
					data, err := os.ReadFile(filepath.Join(dir, name))
					if err != nil {
						t.Fatal(err)
					}
					if exp := rendered(t, cols, want[i], f.opt); string(data) != exp {
						t.Errorf("%s:\n%s\nwant what render.Write prints:\n%s", name, data, exp)
					}
					if got := parsedRows(t, f.opt.Format, data); got >= 0 && got != len(want[i]) {
						t.Errorf("%s parses back as %d rows, want %d", name, got, len(want[i]))
					}
				}
			})
		}
	}
}

// parsedRows parses a batch and counts its rows (-1 for the table view, which is not parsed), so
// that a file is known to be complete in its format.
func parsedRows(t *testing.T, f render.Format, data []byte) int {
	t.Helper()
	switch f {
	case render.CSV:
		recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil || len(recs) == 0 || recs[0][0] != "server" {
			t.Fatalf("CSV: %v, %d records", err, len(recs))
		}
		return len(recs) - 1
	case render.JSON:
		var objs []map[string]any
		if err := json.Unmarshal(data, &objs); err != nil {
			t.Fatalf("JSON: %v", err)
		}
		return len(objs)
	case render.JSONL:
		n := 0
		for line := range strings.Lines(string(data)) {
			var obj map[string]any
			if err := json.Unmarshal([]byte(line), &obj); err != nil {
				t.Fatalf("JSON line %q: %v", line, err)
			}
			n++
		}
		return n
	}
	return -1
}

func TestStream(t *testing.T) {
	cols := columns(t)
	for _, f := range formats {
		for _, n := range counts {
			t.Run(fmt.Sprintf("%s %d rows", f.name, n), func(t *testing.T) {
				all := rows(n)
				var out bytes.Buffer
				s := NewStream(&out, batch, cols, f.opt)
				printed := []int{}
				for _, r := range all {
					if err := s.Add(r); err != nil {
						t.Fatal(err)
					}
					printed = append(printed, out.Len())
				}
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
				if err := s.Close(); err != nil {
					t.Fatalf("second Close: %v", err)
				}
				if s.Batches() != nil || s.Rows() != int64(n) {
					t.Errorf("batches %v, rows %d", s.Batches(), s.Rows())
				}
				// Batches are printed as they fill, not at the end.
				if n > batch && printed[batch-1] == 0 {
					t.Error("nothing printed when the first batch was full")
				}
				if n > 0 && printed[0] != 0 && batch > 1 {
					t.Error("a batch printed before it was full")
				}
				got := out.String()
				whole := rendered(t, cols, all, f.opt)
				if f.opt.Format != render.Table || n <= batch {
					// One output over all batches, as render.Write prints the whole result.
					if got != whole {
						t.Errorf("streamed:\n%s\nwant what render.Write prints:\n%s", got, whole)
					}
				} else {
					// A table per batch, then the footer with the total.
					want := ""
					for i, c := range chunks(all) {
						o := f.opt
						o.NoFooter, o.FirstRow = true, i*batch
						want += rendered(t, cols, c, o)
					}
					want += render.FooterAfterParts(f.opt, n)
					if got != want {
						t.Errorf("streamed:\n%s\nwant:\n%s", got, want)
					}
					if !strings.HasSuffix(got, fmt.Sprintf("\n(%d rows)\n", n)) || strings.Count(got, "rows)") != 1 {
						t.Errorf("the footer is not once at the end with the total:\n%s", got)
					}
				}
				if f.opt.Expanded {
					for i := 1; i <= n; i++ {
						if !strings.Contains(got, fmt.Sprintf("@ Row %d\n", i)) {
							t.Errorf("no row %d: expanded rows are not numbered across batches", i)
						}
					}
				}
				if got := parsedRows(t, f.opt.Format, out.Bytes()); got >= 0 && got != n {
					t.Errorf("the output parses back as %d rows, want %d", got, n)
				}
			})
		}
	}
}

// TestStreamNoFooter: with NoFooter (the caller prints its own summary) the tables end bare.
func TestStreamNoFooter(t *testing.T) {
	var out bytes.Buffer
	s := NewStream(&out, batch, columns(t), render.Options{Format: render.Table, NoFooter: true})
	for _, r := range rows(batch + 1) {
		if err := s.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "rows)") {
		t.Errorf("a footer despite NoFooter:\n%s", out.String())
	}
}

// TestUnwritableDir: a directory that cannot take files fails the first batch with one line naming
// the file and the reason; the error sticks, and nothing is left behind.
func TestUnwritableDir(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "plain-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, dir string
		want      error
	}{
		{"missing", filepath.Join(base, "missing", "sub"), fs.ErrNotExist},
		{"a file", file, syscall.ENOTDIR},
	}
	for _, c := range cases {
		d := NewDir(c.dir, 1, batch, columns(t), render.Options{Format: render.CSV})
		var err error
		for _, r := range rows(batch) {
			if err = d.Add(r); err != nil {
				break
			}
		}
		if !errors.Is(err, c.want) || strings.Contains(err.Error(), "\n") ||
			!strings.Contains(err.Error(), filepath.Join(c.dir, "batch-000001.csv")) || strings.Contains(err.Error(), ".tmp") {
			t.Errorf("%s: %v; want one line naming the batch file, wrapping %v", c.name, err, c.want)
		}
		if again := d.Add(rows(1)[0]); again != err {
			t.Errorf("%s: the next Add gave %v", c.name, again)
		}
		if closed := d.Close(); closed != err || len(d.Batches()) != 0 {
			t.Errorf("%s: Close gave %v, batches %v", c.name, closed, d.Batches())
		}
		if check := CheckDir(c.dir); !errors.Is(check, c.want) || !strings.Contains(check.Error(), c.dir) {
			t.Errorf("%s: CheckDir: %v", c.name, check)
		}
	}
	if err := CheckDir(base); err != nil {
		t.Errorf("CheckDir of a writable directory: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(base, "*.tmp")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestRefusals: a row of the wrong width and a row after Close are errors, not panics.
func TestRefusals(t *testing.T) {
	cols := columns(t)
	sinks := map[string]Sink{
		"dir":    NewDir(t.TempDir(), 1, batch, cols, render.Options{Format: render.JSON}),
		"stream": NewStream(&bytes.Buffer{}, batch, cols, render.Options{Format: render.JSON}),
	}
	for name, s := range sinks {
		if err := s.Add(executor.Row{"only one"}); err == nil {
			t.Errorf("%s: a row of one value for six columns was taken", name)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Add(rows(1)[0]); err == nil {
			t.Errorf("%s: a row after Close was taken", name)
		}
	}
}

// TestDirReplaces: a batch file left by a failed run is replaced, and colours never reach files.
func TestDirReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "batch-000001.txt")
	if err := os.WriteFile(path, []byte("left by a failed run"), 0o600); err != nil {
		t.Fatal(err)
	}
	opt := render.Options{Format: render.Table, Display: render.Display{Color: true}}
	d := NewDir(dir, 0, batch, columns(t), opt) // a first number below 1 counts as 1
	if err := d.Add(rows(1)[0]); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	opt.Color = false
	if want := rendered(t, columns(t), rows(1), opt); string(data) != want {
		t.Errorf("%s:\n%q\nwant\n%q", path, data, want)
	}
}
