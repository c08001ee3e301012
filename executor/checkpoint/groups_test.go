package checkpoint

import (
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/executor/agg"
	"github.com/cqlscan/cqlscan/executor/savefile"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/types"
)

const shape = "count(*), sum(v) GROUP BY text"

// groupTable returns an empty table of count(*) and sum(v) grouped by a text value.
func groupTable(t testing.TB) *agg.Table {
	t.Helper()
	var funcs []agg.Func
	for _, a := range []planner.Aggregate{
		{Func: "count", Star: true, T: types.Of(types.BigInt)},
		{Func: "sum", Arg: &expr.Col{T: types.Of(types.Int)}, T: types.Of(types.BigInt)},
	} {
		f, err := agg.New(a)
		if err != nil {
			t.Fatal(err)
		}
		funcs = append(funcs, f)
	}
	return agg.NewTable(funcs, []types.Type{types.Of(types.Text)})
}

func addRow(t testing.TB, tab *agg.Table, g string, v int64) {
	t.Helper()
	gr := tab.Group(types.AppendKey(nil, g), []any{g})
	for i, f := range tab.Funcs() {
		var x any = v
		if i == 0 {
			x = true
		}
		if err := f.Add(gr.States[i], x); err != nil {
			t.Fatal(err)
		}
	}
}

// TestGroupsSaveLoad: the ranges done and the group table their rows made come back as saved, and a
// group checkpoint that must not be resumed is refused with the errors callers test for.
func TestGroupsSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "groups.json")
	key := Key{Query: "SELECT status, count(*), sum(v) FROM ks.t GROUP BY status", Keyspace: "ks", Ring: "abc"}
	r1 := ring.Range{Start: big.NewInt(-10), End: big.NewInt(20)}
	r2 := ring.Range{Start: big.NewInt(20), End: big.NewInt(99)}
	tab := groupTable(t)
	addRow(t, tab, "ok", 9223372036854775807)
	addRow(t, tab, "ok", 1)
	addRow(t, tab, "bad", -4)
	rec := NewGroupRecorder(path, key, shape, []ring.Range{r1})
	rec.Interval = 0
	if err := rec.RangeDone(r2, tab); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("saved before Save with Interval 0: %v", err)
	}
	if err := rec.Save(tab); err != nil {
		t.Fatal(err)
	}
	got := groupTable(t)
	done, err := LoadGroups(path, key, shape, got)
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 2 || done[0].String() != "(-10, 20]" || done[1].String() != "(20, 99]" {
		t.Errorf("ranges %v", done)
	}
	if len(got.Groups()) != 2 || got.Groups()[0].Vals[0] != "ok" {
		t.Fatalf("groups %v", got.Groups())
	}
	if _, err := got.Funcs()[1].Final(got.Groups()[0].States[1]); !errors.Is(err, agg.ErrSumOverflow) {
		t.Errorf("the saved sum of ok should overflow bigint: %v", err)
	}
	if n, _ := got.Funcs()[0].Final(got.Groups()[1].States[0]); n != int64(1) {
		t.Errorf("count of bad = %v", n)
	}

	if _, err := LoadGroups(path, key, "count(*) GROUP BY text", groupTable(t)); !errors.Is(err, ErrMismatch) {
		t.Errorf("another shape: %v", err)
	}
	other := key
	other.Query = "SELECT 1"
	if _, err := LoadGroups(path, other, shape, groupTable(t)); !errors.Is(err, ErrMismatch) {
		t.Errorf("another query: %v", err)
	}
	if _, err := Load(path, key, nil); !errors.Is(err, savefile.ErrVersion) {
		t.Errorf("a group checkpoint read as a range aggregate's: %v", err)
	}
	data, _ := os.ReadFile(path)
	edited := filepath.Join(t.TempDir(), "edited.json")
	os.WriteFile(edited, []byte(strings.Replace(string(data), `"n": 2`, `"n": 5000`, 1)), 0o600)
	if string(data) == strings.Replace(string(data), `"n": 2`, `"n": 5000`, 1) {
		t.Fatalf("no count of 2 to edit in %s", data)
	}
	if _, err := LoadGroups(edited, key, shape, groupTable(t)); !errors.Is(err, savefile.ErrDamaged) || strings.Contains(err.Error(), "\n") {
		t.Errorf("an edited count: %v", err)
	}
	if err := rec.Finish(tab); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadGroups(path, key, shape, groupTable(t)); !errors.Is(err, ErrFinished) {
		t.Errorf("a finished scan: %v", err)
	}
	rangePath, rkey, ts := sample(t)
	if _, err := LoadGroups(rangePath, rkey, shape, groupTable(t)); !errors.Is(err, savefile.ErrVersion) {
		t.Errorf("a range aggregate's checkpoint read as groups: %v", err)
	}
	if _, err := Load(rangePath, rkey, ts); err != nil {
		t.Errorf("format 2 no longer read: %v", err)
	}
}
