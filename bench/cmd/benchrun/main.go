// Command benchrun runs the benchmark questions through cqlscan and its peers (cqlsh, DataStax Bulk
// Loader piped into a trivial aggregation), alternating the tools run after run, checks every answer
// against the one the data generator implies, sweeps cqlscan's --concurrency, --splits and
// --fetch-size, and writes the results as Markdown and a PNG plot. bench/run sets everything up and
// calls it.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

type options struct {
	env
	servers    []int
	runs       int
	only       []string
	sweep      bool
	sweepRuns  int
	results    string
	plot       string
	timeout    time.Duration
	facts      []string // "name=value" lines for the results' header (machine, versions)
	datasetsMD string   // the dataset table, from bench/run
	began      time.Time
	update     bool // replace only the questions run in an existing results file
}

func main() {
	var o options
	var pids string
	var listDatasets bool
	pflag.StringVar(&o.host, "host", "127.0.0.1", "the node every tool asks")
	pflag.StringVar(&o.cqlscan, "cqlscan", "bin/cqlscan", "cqlscan binary")
	pflag.StringVar(&o.cqlsh, "cqlsh", "cqlsh", "cqlsh executable")
	pflag.StringVar(&o.dsbulkCP, "dsbulk-cp", "", "dsbulk's class path (lib/*)")
	pflag.StringVar(&o.python, "python", "python3", "the Python with the cassandra-driver, for the hand-written peer")
	pflag.StringVar(&o.peer, "peer", "bench/peer/ring_count.py", "the hand-written parallel count")
	pflag.StringVar(&o.logDir, "log-dir", os.TempDir(), "directory for dsbulk's logs")
	pflag.StringVar(&pids, "server-pids", "", "PIDs of the Cassandra processes, comma-separated, for server CPU")
	pflag.IntVar(&o.runs, "runs", 3, "runs of each tool on each question")
	pflag.StringSliceVar(&o.only, "only", nil, "run only these questions (ids)")
	pflag.BoolVar(&o.sweep, "sweep", true, "sweep --concurrency, --splits and --fetch-size")
	pflag.IntVar(&o.sweepRuns, "sweep-runs", 1, "runs of each sweep point")
	pflag.StringVar(&o.results, "results", "bench/RESULTS.md", "where to write the results")
	pflag.StringVar(&o.plot, "plot", "bench/scaling.png", "where to write the scaling plot")
	pflag.DurationVar(&o.timeout, "timeout", 15*time.Minute, "longest one run may take")
	pflag.StringArrayVar(&o.facts, "fact", nil, "NAME=VALUE for the results' header (repeatable)")
	pflag.StringVar(&o.datasetsMD, "datasets", "", "file with the datasets' Markdown table")
	pflag.BoolVar(&o.update, "update", false, "replace only the sections of the questions run (with --only) in the existing results")
	pflag.BoolVar(&listDatasets, "print-datasets", false, `print the datasets the chosen questions and sweeps read ("name keyspace.table rows" lines) and exit`)
	pflag.Parse()
	if listDatasets {
		if err := printDatasets(os.Stdout, o.only, o.sweep); err != nil {
			fmt.Fprintln(os.Stderr, "benchrun:", err)
			os.Exit(2)
		}
		return
	}
	for _, p := range strings.Split(pids, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(p)); err == nil {
			o.servers = append(o.servers, n)
		}
	}
	o.began = time.Now()
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(1)
	}
}

// Result is every run of every tool on one question.
type Result struct {
	Q        Question
	Runs     map[string][]Run // by tool name
	Answers  map[string]string
	Wrong    []string // "tool: why", for answers that differ from the expected one
	Expected string
}

func run(ctx context.Context, o options) error {
	qs, err := chosen(o.only)
	if err != nil {
		return err
	}
	var results []*Result
	for _, q := range qs {
		res := &Result{Q: q, Runs: map[string][]Run{}, Answers: map[string]string{}, Expected: q.Expected()}
		// Alternate: each round runs every tool once, so that a slow spell of the machine hits all.
		for round := 1; round <= o.runs; round++ {
			for _, t := range q.Tools {
				if err := removeOutput(t.Writes); err != nil {
					return err
				}
				r := measure(ctx, o.servers, o.timeout, t.Argv(o.env)...)
				answer := ""
				if r.Err == nil {
					answer, r.Err = t.Parse(r.Output)
				}
				if err := removeOutput(t.Writes); err != nil {
					return err
				}
				r.Output = ""
				res.Runs[t.Name] = append(res.Runs[t.Name], r)
				status := "ok"
				switch {
				case r.Err != nil:
					status = "FAILED: " + firstLine(r.Err.Error())
					res.Wrong = append(res.Wrong, fmt.Sprintf("%s (run %d): %v", t.Name, round, r.Err))
				case answer != res.Expected:
					status = "WRONG ANSWER"
					res.Wrong = append(res.Wrong, fmt.Sprintf("%s (run %d): answered %q, want %q", t.Name, round, clip(answer), clip(res.Expected)))
				}
				res.Answers[t.Name] = answer
				fmt.Fprintf(os.Stderr, "benchrun: %-15s %-36s run %d: %8v  client CPU %8v  server CPU %8v  RSS %4d MB  %s\n",
					q.ID, t.Name, round, r.Wall.Round(time.Millisecond), r.ClientCPU.Round(time.Millisecond),
					r.ServerCPU.Round(10*time.Millisecond), r.PeakRSS>>20, status)
			}
		}
		results = append(results, res)
	}
	var sweeps []*Sweep
	if o.sweep {
		var err error
		if sweeps, err = runSweeps(ctx, o); err != nil {
			return err
		}
		if err := writePlot(o.plot, sweeps); err != nil {
			return err
		}
	}
	write := func() error { return writeResults(o, results, sweeps) }
	if o.update {
		write = func() error { return updateResults(o, results) }
	}
	if err := write(); err != nil {
		return err
	}
	for _, r := range results {
		if len(r.Wrong) > 0 {
			return fmt.Errorf("%s: %d runs failed or answered wrongly (see %s)", r.Q.ID, len(r.Wrong), o.results)
		}
	}
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
