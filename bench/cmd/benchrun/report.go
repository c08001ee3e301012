package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// median returns the run with the median wall time (the lower middle of an even count); its other
// figures are medians of their own.
func median(runs []Run) Run {
	if len(runs) == 0 {
		return Run{}
	}
	pick := func(get func(Run) int64) int64 {
		v := make([]int64, len(runs))
		for i, r := range runs {
			v[i] = get(r)
		}
		sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
		return v[(len(v)-1)/2]
	}
	return Run{
		Wall:      time.Duration(pick(func(r Run) int64 { return int64(r.Wall) })),
		ClientCPU: time.Duration(pick(func(r Run) int64 { return int64(r.ClientCPU) })),
		ServerCPU: time.Duration(pick(func(r Run) int64 { return int64(r.ServerCPU) })),
		PeakRSS:   pick(func(r Run) int64 { return r.PeakRSS }),
	}
}

// okRuns drops failed runs.
func okRuns(runs []Run) []Run {
	var out []Run
	for _, r := range runs {
		if r.Err == nil {
			out = append(out, r)
		}
	}
	return out
}

func secs(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

func ratio(a, b float64) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", a/b)
}

// writeResults writes the Markdown report.
func writeResults(o options, results []*Result, sweeps []*Sweep) error {
	var b strings.Builder
	b.WriteString("# Benchmark results\n\n")
	b.WriteString("Written by `bench/run` (do not edit by hand). Medians of the runs of each tool; the tools\n" +
		"take turns within each round. Ratios are cqlscan's figure divided by the peer's: below 1 means\n" +
		"cqlscan took less. Client CPU is user + system time of the tool's processes (a pipeline's members\n" +
		"included); server CPU is that of the Cassandra processes during the run; peak RSS is the largest\n" +
		"resident set among the tool's processes.\n\n")
	fmt.Fprintf(&b, "Generated %s.\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	for _, f := range o.facts {
		name, value, _ := strings.Cut(f, "=")
		fmt.Fprintf(&b, "- %s: %s\n", name, value)
	}
	fmt.Fprintf(&b, "- runs per tool and question: %d; the questions and sweeps took %.1f minutes\n\n", o.runs,
		time.Since(o.began).Minutes())
	if o.datasetsMD != "" {
		if md, err := os.ReadFile(o.datasetsMD); err == nil {
			b.WriteString("## Datasets\n\n" + string(md) + "\n")
		}
	}
	b.WriteString("## Questions\n\n")
	for _, r := range results {
		b.WriteString(questionSection(r, ""))
	}
	if len(sweeps) > 0 {
		fmt.Fprintf(&b, "## Settings swept\n\n![time against each setting](%s)\n\n", filepath.Base(o.plot))
		for _, sw := range sweeps {
			fmt.Fprintf(&b, "`%s` against `%s` (%d run(s) each, median):\n\n", sw.Question.CQL, sw.Setting, max(o.sweepRuns, 1))
			b.WriteString("| value | wall | client CPU | server CPU | peak RSS |\n| ---: | ---: | ---: | ---: | ---: |\n")
			for _, p := range sw.Points {
				fmt.Fprintf(&b, "| %d | %s | %s | %s | %d MB |\n", p.Value, secs(p.Run.Wall), secs(p.Run.ClientCPU),
					secs(p.Run.ServerCPU), p.Run.PeakRSS>>20)
			}
			b.WriteString("\n")
		}
	}
	return os.WriteFile(o.results, []byte(b.String()), 0o644)
}

func pct(a, b time.Duration) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*a.Seconds()/b.Seconds())
}

// questionSection is one question's part of the results: its title, its CQL, a note (for a
// re-measured question) and a row per tool, then the failures.
func questionSection(r *Result, note string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s\n\n`%s`\n\n", r.Q.Title, r.Q.CQL)
	if note != "" {
		b.WriteString(note + "\n\n")
	}
	b.WriteString("| tool | wall | client CPU | server CPU | client ÷ server CPU | peak RSS | answer | wall ratio (cqlscan ÷ tool) |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |\n")
	first := median(okRuns(r.Runs[r.Q.Tools[0].Name]))
	for _, t := range r.Q.Tools {
		ok := okRuns(r.Runs[t.Name])
		m := median(ok)
		answer := "correct"
		switch {
		case len(ok) < len(r.Runs[t.Name]):
			answer = fmt.Sprintf("%d of %d runs failed", len(r.Runs[t.Name])-len(ok), len(r.Runs[t.Name]))
		case r.Answers[t.Name] != r.Expected:
			answer = "**wrong**"
		}
		name := strings.ReplaceAll(t.Name, "|", `\|`) // a pipeline's bar would end the cell
		if len(ok) == 0 {
			fmt.Fprintf(&b, "| %s | – | – | – | – | – | %s | – |\n", name, answer)
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %d MB | %s | %s |\n", name, secs(m.Wall), secs(m.ClientCPU),
			secs(m.ServerCPU), pct(m.ClientCPU, m.ServerCPU), m.PeakRSS>>20, answer,
			ratio(first.Wall.Seconds(), m.Wall.Seconds()))
	}
	b.WriteString("\n")
	for _, w := range r.Wrong {
		fmt.Fprintf(&b, "- failed: %s\n", strings.ReplaceAll(clip(w), "\n", " "))
	}
	if len(r.Wrong) > 0 {
		b.WriteString("\n")
	}
	return b.String()
}

// questionsEnd is where the "## Questions" part of a results file ends: before the next "## "
// heading, or at the end.
func questionsEnd(text string) int {
	q := strings.Index(text, "\n## Questions\n")
	if q < 0 {
		return len(text)
	}
	if k := strings.Index(text[q+1:], "\n## "); k >= 0 {
		return q + 1 + k + 1
	}
	return len(text)
}

// updateResults replaces the sections of the questions in results within an existing results file,
// leaving the rest as it was measured, and notes when and with what they were measured again.
func updateResults(o options, results []*Result) error {
	old, err := os.ReadFile(o.results)
	if err != nil {
		return err
	}
	text := string(old)
	what := "this version of cqlscan"
	for _, f := range o.facts {
		if name, value, _ := strings.Cut(f, "="); name == "cqlscan" {
			what = "cqlscan " + value
		}
	}
	for _, r := range results {
		head := "### " + r.Q.Title + "\n"
		note := fmt.Sprintf("_Measured again on %s with %s (%d runs per tool), after the rest of this file._",
			time.Now().UTC().Format("2006-01-02 15:04 MST"), what, o.runs)
		i := strings.Index(text, head)
		if i < 0 { // a question new since the file was written: its section ends the Questions part
			at := questionsEnd(text)
			text = text[:at] + questionSection(r, note) + text[at:]
			continue
		}
		j := len(text)
		for _, next := range []string{"\n### ", "\n## "} {
			if k := strings.Index(text[i+len(head):], next); k >= 0 && i+len(head)+k+1 < j {
				j = i + len(head) + k + 1
			}
		}
		text = text[:i] + questionSection(r, note) + text[j:]
	}
	return os.WriteFile(o.results, []byte(text), 0o644)
}
