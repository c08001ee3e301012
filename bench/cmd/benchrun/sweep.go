package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"
)

// Sweep is how one question's time changes with one of cqlscan's settings, the others at their
// defaults.
type Sweep struct {
	Setting  string // as the plot's axis says it
	Question Question
	Points   []Point
}

// Point is one setting's median run.
type Point struct {
	Value int
	Run   Run
}

// sweepSpec describes a sweep: the flags for each value.
type sweepSpec struct {
	setting  string
	question string
	values   []int
	flags    func(v int) []string
}

// sweeps are the settings swept. With one node, --per-host caps the requests in flight below
// --concurrency, so the concurrency sweep raises both together.
var sweeps = []sweepSpec{
	{"--concurrency (and --per-host)", "count-1m", []int{1, 2, 4, 8, 16, 32, 64},
		func(v int) []string { return []string{"--concurrency", strconv.Itoa(v), "--per-host", strconv.Itoa(v)} }},
	{"--splits", "count-1m", []int{16, 64, 256, 1024, 4096},
		func(v int) []string { return []string{"--splits", strconv.Itoa(v)} }},
	{"--fetch-size", "groupby-sales", []int{500, 1000, 2000, 5000, 10000, 20000},
		func(v int) []string { return []string{"--fetch-size", strconv.Itoa(v)} }},
}

func runSweeps(ctx context.Context, o options) ([]*Sweep, error) {
	byID := map[string]Question{}
	for _, q := range questions() {
		byID[q.ID] = q
	}
	var out []*Sweep
	for _, spec := range sweeps {
		q := byID[spec.question]
		expected := q.Expected()
		s := &Sweep{Setting: spec.setting, Question: q}
		for _, v := range spec.values {
			var runs []Run
			for range max(o.sweepRuns, 1) {
				argv := append(q.Tools[0].Argv(o.env), spec.flags(v)...)
				r := measure(ctx, o.servers, o.timeout, argv...)
				if r.Err == nil {
					var answer string
					if answer, r.Err = q.Tools[0].Parse(r.Output); r.Err == nil && answer != expected {
						r.Err = fmt.Errorf("%v: wrong answer %q", spec.flags(v), clip(answer))
					}
				}
				if r.Err != nil {
					return nil, r.Err
				}
				fmt.Fprintf(os.Stderr, "benchrun: sweep %-15s %v: %8v  client CPU %8v\n", q.ID, spec.flags(v),
					r.Wall.Round(time.Millisecond), r.ClientCPU.Round(time.Millisecond))
				runs = append(runs, r)
			}
			s.Points = append(s.Points, Point{Value: v, Run: median(runs)})
		}
		out = append(out, s)
	}
	return out, nil
}
