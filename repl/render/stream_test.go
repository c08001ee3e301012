package render

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/cqlscan/cqlscan/executor"
)

// TestJSONArray: an array written in parts is byte for byte the array Write prints at once, and
// valid JSON, however the rows are split.
func TestJSONArray(t *testing.T) {
	all := everyType(t)
	for n := range len(all.Rows) + 1 {
		rows := all.Rows[:n]
		var want bytes.Buffer
		if err := Write(&want, &Result{Columns: all.Columns, Rows: rows}, Options{Format: JSON}); err != nil {
			t.Fatal(err)
		}
		for size := 1; size <= max(n, 1); size++ {
			var got bytes.Buffer
			a := NewJSONArray(&got)
			for i := 0; i < n; i += size {
				part := &Result{Columns: all.Columns, Rows: rows[i:min(i+size, n)]}
				if err := a.Write(part); err != nil {
					t.Fatal(err)
				}
			}
			if err := a.Write(&Result{Columns: all.Columns}); err != nil { // an empty part adds nothing
				t.Fatal(err)
			}
			if err := a.Close(); err != nil {
				t.Fatal(err)
			}
			if err := a.Close(); err != nil { // idempotent
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("%d rows in parts of %d:\n%s\nwant\n%s", n, size, got.String(), want.String())
			}
			if a.Rows() != int64(n) {
				t.Errorf("%d rows in parts of %d: Rows() = %d", n, size, a.Rows())
			}
			var parsed []map[string]any
			if err := json.Unmarshal(got.Bytes(), &parsed); err != nil || len(parsed) != n {
				t.Errorf("%d rows in parts of %d: %d objects, %v", n, size, len(parsed), err)
			}
		}
	}
}

// TestFooterAfterParts: a table printed in parts without footers, then FooterAfterParts, is what
// Write prints at once when the parts are one.
func TestFooterAfterParts(t *testing.T) {
	all := everyType(t)
	for _, o := range []Options{{Format: Table}, {Format: Table, Expanded: true}} {
		for _, rows := range [][]executor.Row{nil, all.Rows} {
			r := &Result{Columns: all.Columns, Rows: rows}
			var want, got bytes.Buffer
			if err := Write(&want, r, o); err != nil {
				t.Fatal(err)
			}
			parts := o
			parts.NoFooter = true
			if err := Write(&got, r, parts); err != nil {
				t.Fatal(err)
			}
			got.WriteString(FooterAfterParts(o, len(rows)))
			if got.String() != want.String() {
				t.Errorf("expanded %v, %d rows:\n%q\nwant\n%q", o.Expanded, len(rows), got.String(), want.String())
			}
		}
	}
	for _, f := range []Format{CSV, JSON, JSONL} {
		if s := FooterAfterParts(Options{Format: f}, 3); s != "" {
			t.Errorf("%s has a footer %q", f, s)
		}
	}
}
