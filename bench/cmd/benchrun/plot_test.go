package main

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The plot is a PNG with one panel per sweep.
func TestWritePlot(t *testing.T) {
	var sweeps []*Sweep
	for _, spec := range sweeps0() {
		s := &Sweep{Setting: spec, Question: Question{ID: "count-10m"}}
		for i, v := range []int{1, 4, 16, 64} {
			s.Points = append(s.Points, Point{Value: v, Run: Run{Wall: time.Duration(10-i) * time.Second}})
		}
		sweeps = append(sweeps, s)
	}
	path := filepath.Join(t.TempDir(), "scaling.png")
	if err := writePlot(path, sweeps); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 2*b.Dy() {
		t.Errorf("plot is %dx%d: want two panels side by side", b.Dx(), b.Dy())
	}
}

func sweeps0() []string { return []string{"--concurrency", "--splits"} }

// --update replaces one question's section and keeps the others and the sweeps as measured; a new
// question is added at the end of the questions.
func TestUpdateResults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "RESULTS.md")
	qa := Question{ID: "a", Title: "question A", CQL: "SELECT a", Tools: []Tool{{Name: "cqlscan"}}}
	qb := Question{ID: "b", Title: "question B", CQL: "SELECT b", Tools: []Tool{{Name: "cqlscan"}, {Name: "x | y"}}}
	res := func(q Question, wall time.Duration) *Result {
		r := &Result{Q: q, Runs: map[string][]Run{}, Answers: map[string]string{}, Expected: "1"}
		for _, tl := range q.Tools {
			r.Runs[tl.Name] = []Run{{Wall: wall}}
			r.Answers[tl.Name] = "1"
		}
		return r
	}
	o := options{results: path, runs: 3, facts: []string{"cqlscan=abc123"}, began: time.Now()}
	if err := writeResults(o, []*Result{res(qa, time.Second), res(qb, 2*time.Second)}, nil); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	if err := updateResults(o, []*Result{res(qa, 5*time.Second)}); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(path)
	a, b := string(after), string(before)
	if !strings.Contains(a, "| cqlscan | 5.00 s |") || strings.Contains(a, "| cqlscan | 1.00 s |") {
		t.Errorf("question A not replaced:\n%s", a)
	}
	if !strings.Contains(a, "_Measured again on ") || !strings.Contains(a, "cqlscan abc123") {
		t.Errorf("no note on the re-measured section:\n%s", a)
	}
	bSection := b[strings.Index(b, "### question B"):]
	if !strings.HasSuffix(a, bSection) || !strings.Contains(a, `| x \| y |`) {
		t.Errorf("question B changed:\n%s", a)
	}
	// A question the file does not have yet gets its section at the end of the Questions part.
	if err := updateResults(o, []*Result{res(Question{Title: "question C", Tools: qa.Tools}, 3*time.Second)}); err != nil {
		t.Fatal(err)
	}
	after, _ = os.ReadFile(path)
	a = string(after)
	c, qb2, next := strings.Index(a, "### question C"), strings.Index(a, "### question B"), strings.Index(a[strings.Index(a, "## Questions"):], "\n## ")
	if c < 0 || c < qb2 || !strings.Contains(a, "| cqlscan | 3.00 s |") {
		t.Errorf("question C not added after B:\n%s", a)
	}
	if next >= 0 && c > strings.Index(a, "## Questions")+next {
		t.Errorf("question C added after the Questions part:\n%s", a)
	}
}
