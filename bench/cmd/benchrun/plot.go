package main

import (
	"fmt"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// writePlot draws one panel per sweep, side by side: wall time against the setting on a log2 axis.
// It writes them to path as PNG.
func writePlot(path string, sweeps []*Sweep) error {
	const w, h = 5 * vg.Inch, 4 * vg.Inch
	img := vgimg.New(vg.Length(len(sweeps))*w, h)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: len(sweeps)}
	for i, sw := range sweeps {
		p := plot.New()
		p.Title.Text = sw.Question.ID + " vs " + sw.Setting
		p.X.Label.Text = sw.Setting
		p.Y.Label.Text = "wall time (s)"
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = powersOfTwo{}
		p.Y.Min = 0
		pts := make(plotter.XYs, len(sw.Points))
		for j, pt := range sw.Points {
			pts[j].X, pts[j].Y = float64(pt.Value), pt.Run.Wall.Seconds()
		}
		line, dots, err := plotter.NewLinePoints(pts)
		if err != nil {
			return err
		}
		p.Add(line, dots, plotter.NewGrid())
		p.Draw(tiles.At(dc, i, 0))
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// powersOfTwo marks the x axis at 1, 2, 4, … within its range.
type powersOfTwo struct{}

func (powersOfTwo) Ticks(min, max float64) []plot.Tick {
	var ticks []plot.Tick
	for v := 1.0; v <= max*1.0001; v *= 2 {
		if v >= min*0.9999 {
			ticks = append(ticks, plot.Tick{Value: v, Label: fmt.Sprint(v)})
		}
	}
	return ticks
}
