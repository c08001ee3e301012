package main

import (
	"image/png"
	"os"
	"path/filepath"
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
