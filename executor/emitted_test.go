package executor

import (
	"context"
	"io"
	"math/big"
	"testing"

	"github.com/cqlscan/cqlscan/planner/ring"
)

// TestEmittedAfterLastRow: a range scan read in order tells Options.Emitted of each sub-range only
// once every row of it has been returned, in token order, the sub-ranges covering the ring once; and
// Options.Skip leaves out exactly the rows of the ranges it lists.
func TestEmittedAfterLastRow(t *testing.T) {
	returned := map[int64]bool{}
	var told []ring.Range
	emitted := func(r ring.Range) {
		for _, tok := range allTokens() {
			if big.NewInt(tok).Cmp(r.Start) > 0 && big.NewInt(tok).Cmp(r.End) <= 0 && !returned[tok] {
				t.Errorf("range %v told before its row %d was returned", r, tok)
			}
		}
		if n := len(told); n > 0 && told[n-1].End.Cmp(r.Start) != 0 {
			t.Errorf("range %v told after %v: not in token order, or a gap", r, told[n-1])
		}
		told = append(told, r)
	}
	ex := New(&tokenTable{}, Options{Concurrency: 4, FetchSize: 7, Emitted: emitted})
	it, err := ex.Build(denseScan(1, 20))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for {
		row, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		returned[row[0].(int64)] = true
	}
	it.Close()
	if len(returned) != len(allTokens()) {
		t.Fatalf("%d rows, want %d", len(returned), len(allTokens()))
	}
	if len(told) < 20 || told[0].Start.Cmp(ring.Murmur3.Min) != 0 || told[len(told)-1].End.Cmp(ring.Murmur3.Max) != 0 {
		t.Fatalf("%d ranges told, from %v to %v: want the whole ring", len(told), told[0], told[len(told)-1])
	}

	// Skipping every other range told reads only the rest.
	var skip []ring.Range
	skipped := map[int64]bool{}
	for i := 0; i < len(told); i += 2 {
		skip = append(skip, told[i])
		for _, tok := range allTokens() {
			if big.NewInt(tok).Cmp(told[i].Start) > 0 && big.NewInt(tok).Cmp(told[i].End) <= 0 {
				skipped[tok] = true
			}
		}
	}
	it, err = New(&tokenTable{}, Options{Concurrency: 4, FetchSize: 7, Skip: skip}).Build(denseScan(1, 20))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Drain(ctx, it)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]bool{}
	for _, r := range rows {
		tok := r[0].(int64)
		if skipped[tok] || got[tok] {
			t.Errorf("row %d read though skipped, or twice", tok)
		}
		got[tok] = true
	}
	if len(got)+len(skipped) != len(allTokens()) {
		t.Errorf("%d rows read and %d skipped, want %d in all", len(got), len(skipped), len(allTokens()))
	}
}
