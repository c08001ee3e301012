package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cqlscan/cqlscan/bench/dataset"
)

// chosen returns the questions whose ids are in only (every question when only is empty), or an
// error naming an id no question has.
func chosen(only []string) ([]Question, error) {
	all := questions()
	if len(only) == 0 {
		return all, nil
	}
	var ids []string
	for _, q := range all {
		ids = append(ids, q.ID)
	}
	for _, id := range only {
		if !slices.Contains(ids, id) {
			return nil, fmt.Errorf("--only %s: no such question (known: %s)", id, strings.Join(ids, ", "))
		}
	}
	var out []Question
	for _, q := range all {
		if slices.Contains(only, q.ID) {
			out = append(out, q)
		}
	}
	return out, nil
}

// neededDatasets are the datasets read by the chosen questions and, with sweep, by the sweeps, in
// dataset.All's order: bench/run loads only these.
func neededDatasets(only []string, sweep bool) ([]dataset.Dataset, error) {
	qs, err := chosen(only)
	if err != nil {
		return nil, err
	}
	need := map[string]bool{}
	for _, q := range qs {
		need[q.Dataset.Name] = true
	}
	if sweep {
		byID := map[string]Question{}
		for _, q := range questions() {
			byID[q.ID] = q
		}
		for _, s := range sweeps {
			need[byID[s.question].Dataset.Name] = true
		}
	}
	var out []dataset.Dataset
	for _, d := range dataset.All() {
		if need[d.Name] {
			out = append(out, d)
		}
	}
	return out, nil
}

// printDatasets writes one line per needed dataset, "name keyspace.table rows", for bench/run.
func printDatasets(w io.Writer, only []string, sweep bool) error {
	ds, err := neededDatasets(only, sweep)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if _, err := fmt.Fprintf(w, "%s %s %d\n", d.Name, d.Ref(), d.Rows); err != nil {
			return err
		}
	}
	return nil
}
