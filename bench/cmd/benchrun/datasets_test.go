package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/bench/dataset"
)

// bench/run loads only what the chosen questions and sweeps read, so a smoke run of the small
// question does not load 10M rows.
func TestNeededDatasets(t *testing.T) {
	small := "standard1-" + dataset.Short(dataset.SmallRows)
	cases := []struct {
		only  []string
		sweep bool
		want  []string
	}{
		{[]string{"count-50"}, false, []string{small}},
		{[]string{"count-50"}, true, []string{small, "standard1-1m", "sales-2m"}},
		{[]string{"filtered-count", "count-1m"}, false, []string{"standard1-1m", "sales-2m"}},
		{[]string{"groupby-10m"}, false, []string{"standard1-10m"}},
		{nil, false, dataset.Names()},
	}
	for _, c := range cases {
		ds, err := neededDatasets(c.only, c.sweep)
		if err != nil {
			t.Errorf("%v sweep=%v: %v", c.only, c.sweep, err)
			continue
		}
		var got []string
		for _, d := range ds {
			got = append(got, d.Name)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%v sweep=%v: %v, want %v", c.only, c.sweep, got, c.want)
		}
	}
	if _, err := neededDatasets([]string{"count-5O"}, false); err == nil || !strings.Contains(err.Error(), "count-50") {
		t.Errorf("an unknown id gave %v, want an error listing the known ones", err)
	}
}

func TestPrintDatasets(t *testing.T) {
	var b bytes.Buffer
	if err := printDatasets(&b, []string{"count-50", "count-1m"}, false); err != nil {
		t.Fatal(err)
	}
	want := "standard1-50 keyspace1_50.standard1 50\nstandard1-1m keyspace1_1m.standard1 1000000\n"
	if b.String() != want {
		t.Errorf("printDatasets wrote %q, want %q", b.String(), want)
	}
}

// The small table's question has every COUNT peer, cqlscan first.
func TestSmallCountQuestion(t *testing.T) {
	qs, err := chosen([]string{"count-50"})
	if err != nil || len(qs) != 1 {
		t.Fatalf("chosen = %v, %v", qs, err)
	}
	q := qs[0]
	var names []string
	for _, tool := range q.Tools {
		names = append(names, tool.Name)
	}
	if len(names) != 4 || names[0] != "cqlscan" || names[2] != "cqlsh" || !strings.HasPrefix(names[3], "Python driver") {
		t.Errorf("tools %q", names)
	}
	if q.Expected() != "50" || q.CQL != "SELECT COUNT(*) FROM keyspace1_50.standard1" {
		t.Errorf("expected %q for %q", q.Expected(), q.CQL)
	}
}
