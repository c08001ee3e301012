package dataset

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"
)

// Rows are a pure function of their index: writers in any order write the same table.
func TestRowsAreReproducible(t *testing.T) {
	for _, d := range All() {
		for _, i := range []int{0, 1, 12345, d.Rows - 1} {
			a, b := show(d.Row(i)), show(d.Row(i))
			if a != b {
				t.Errorf("%s row %d differs between calls:\n%s\n%s", d.Name, i, a, b)
			}
		}
		if d.BatchRows <= 0 || d.Rows <= 0 {
			t.Errorf("%s: %d rows in batches of %d", d.Name, d.Rows, d.BatchRows)
		}
	}
}

// show prints a row's values, following pointers (NULL-able columns).
func show(row []any) string {
	var b bytes.Buffer
	for _, v := range row {
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				v = "NULL"
			} else {
				v = rv.Elem().Interface()
			}
		}
		fmt.Fprintf(&b, "%v|", v)
	}
	return b.String()
}

// standard1 has stress's shape (a unique 10-byte key, five 34-byte blobs) and exactly
// Standard1Groups values of "C0"; a batch stays under Cassandra's 5 KiB batch warning.
func TestStandard1Shape(t *testing.T) {
	d := Standard1("ks", 100_000)
	keys := map[string]bool{}
	groups := map[string]bool{}
	for i := range d.Rows {
		row := d.Row(i)
		key := row[0].([]byte)
		if len(key) != 10 || keys[string(key)] {
			t.Fatalf("row %d: key %x is not a new 10-byte key", i, key)
		}
		keys[string(key)] = true
		groups[string(row[1].([]byte))] = true
		size := len(key)
		for _, c := range row[1:] {
			size += len(c.([]byte))
		}
		if size != 10+5*34 {
			t.Fatalf("row %d is %d bytes", i, size)
		}
		if i < 5 && bytes.Equal(row[2].([]byte), row[3].([]byte)) {
			t.Errorf("row %d: C1 and C2 are equal", i)
		}
	}
	if len(groups) != Standard1Groups {
		t.Errorf("%d distinct C0 values, want %d", len(groups), Standard1Groups)
	}
	if d.BatchRows*(10+5*34) > 5*1024 {
		t.Errorf("a batch of %d rows is over 5 KiB", d.BatchRows)
	}
}

// sales has the skew and NULLs its documentation promises.
func TestSalesShape(t *testing.T) {
	const n = 200_000
	stores := map[int]int{}
	cats := map[string]int{}
	var noRegion, noQty, noNote int
	for i := range n {
		s := SalesRow(i, n)
		stores[s.Store]++
		cats[s.Category]++
		if s.Region == nil {
			noRegion++
		}
		if s.Qty == nil {
			noQty++
		} else if *s.Qty < 1 || *s.Qty > 20 {
			t.Fatalf("row %d: qty %d", i, *s.Qty)
		}
		if s.Note == nil {
			noNote++
		}
		if s.Amount <= 0 {
			t.Fatalf("row %d: amount %v", i, s.Amount)
		}
	}
	within := func(name string, got int, want float64) {
		if f := float64(got) / n; f < want*0.9 || f > want*1.1 {
			t.Errorf("%s: %.3f of rows, want about %.2f", name, f, want)
		}
	}
	within("NULL region", noRegion, 0.10)
	within("NULL qty", noQty, 0.05)
	within("NULL note", noNote, 0.30)
	if stores[0] < 50*stores[Stores-1] {
		t.Errorf("store 0 has %d rows, the last %d: partitions are not skewed", stores[0], stores[Stores-1])
	}
	if len(stores) != Stores {
		t.Errorf("%d stores, want %d", len(stores), Stores)
	}
	if top := cats["cat-0000"]; top < n/20 || len(cats) < Categories/2 {
		t.Errorf("top category has %d rows of %d, %d categories: want Zipf skew", top, n, len(cats))
	}
}
