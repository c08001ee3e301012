package agg

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/types"
)

// tableOf groups rows of (group, value) into a table of count(*), sum, avg, min and count(DISTINCT).
func tableOf(t *testing.T, rows [][2]any) *Table {
	t.Helper()
	var funcs []Func
	for _, a := range []planner.Aggregate{
		{Func: "count", Star: true, T: bigintT},
		{Func: "sum", Arg: col(intT), T: bigintT},
		{Func: "avg", Arg: col(intT), T: bigintT},
		{Func: "min", Arg: col(intT), T: intT},
		{Func: "count", Arg: col(intT), T: bigintT, Distinct: true},
	} {
		funcs = append(funcs, mustNew(t, a))
	}
	tab := NewTable(funcs, []types.Type{textT})
	for _, r := range rows {
		g := tab.Group(types.AppendKey(nil, r[0]), []any{r[0]})
		for i, f := range funcs {
			v := r[1]
			if i == 0 {
				v = true
			}
			if err := f.Add(g.States[i], v); err != nil {
				t.Fatal(err)
			}
		}
	}
	return tab
}

// answers prints a table's final rows, sorted by group, for comparison.
func answers(t *testing.T, tab *Table) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, g := range tab.Groups() {
		line := ""
		for i, f := range tab.Funcs() {
			line += answer(t, f, g.States[i]) + "; "
		}
		out[fmt.Sprint(g.Vals...)] = line
	}
	return out
}

// TestTableOfAnySplit: the rows split into sub-ranges, each grouped in its own table, saved and read
// back, and merged, give the groups of one table over all the rows; Decode refuses what is not a
// table of the same aggregates.
func TestTableOfAnySplit(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 4))
	for trial := 0; trial < 50; trial++ {
		rows := make([][2]any, r.IntN(200))
		for i := range rows {
			var g any = fmt.Sprintf("g%d", r.IntN(12))
			if r.IntN(15) == 0 {
				g = nil // NULL is a group of its own
			}
			rows[i] = [2]any{g, genInt(r)}
		}
		want := answers(t, tableOf(t, rows))
		merged := tableOf(t, nil)
		for rest := rows; len(rest) > 0; {
			n := 1 + r.IntN(len(rest))
			b, err := tableOf(t, rest[:n]).Encode()
			if err != nil {
				t.Fatal(err)
			}
			part := tableOf(t, nil)
			if err := part.Decode(b); err != nil {
				t.Fatalf("decode %s: %v", b, err)
			}
			if err := merged.Merge(part); err != nil {
				t.Fatal(err)
			}
			rest = rest[n:]
		}
		got := answers(t, merged)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("merged tables:\n%v\none table:\n%v", got, want)
		}
	}
	for _, bad := range []string{`{"v":2,"groups":[]}`, `{"v":1,"groups":[{"vals":["a"],"states":[]}]}`, `[`} {
		if err := tableOf(t, nil).Decode([]byte(bad)); !errors.Is(err, ErrState) {
			t.Errorf("decode %s: %v, want ErrState", bad, err)
		}
	}
}
