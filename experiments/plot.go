package experiments

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/hardnesslab/hardness/internal/fileio"
)

// Series is one curve of a figure.
type Series struct {
	Label string
	X, Y  []float64
	// Points draws a marker at each point; Line (the default when both are
	// false) joins them.
	Points, NoLine bool
	// Dashed draws the line dashed (e.g. for a fitted line), Dotted dotted.
	Dashed, Dotted bool
	// Color selects plotutil.Color(Color−1); 0 picks by the series'
	// position; −1 is black.
	Color int
}

// Ref is a horizontal or vertical reference line at Value.
type Ref struct {
	Value float64
	Label string
}

// Figure is a line plot saved as NAME.png and NAME.svg.
type Figure struct {
	Name                  string
	Title, XLabel, YLabel string
	// LogX and LogY select logarithmic axes. Points with non-positive
	// coordinates on a log axis are dropped, except that with YFloor > 0
	// values below YFloor are drawn at YFloor (e.g. an error of exactly 0).
	LogX, LogY bool
	YFloor     float64
	// YCeil, if positive, drops points above it (e.g. vacuous error bounds
	// that would stretch the axis over dozens of decades).
	YCeil float64
	// YFromZero extends a linear y axis down to 0, so that flat curves look
	// flat.
	YFromZero bool
	// XStep, if positive, puts a labelled tick at every multiple of XStep
	// (linear x axes).
	XStep float64
	// Pow2X labels the x axis with powers of two ("2^10").
	Pow2X  bool
	Series []Series
	// HLines and VLines are reference lines across the whole plot.
	HLines, VLines []Ref
	// LegendLeft and LegendBottom move the legend from the top right.
	LegendLeft, LegendBottom bool
}

// Size of the saved figures.
const (
	figWidth  = 8 * vg.Inch
	figHeight = 5 * vg.Inch
)

// Save writes the figure as PNG and SVG into dir and returns the paths
// written. A figure without any drawable point is not saved (no error).
func (f *Figure) Save(dir string) ([]string, error) {
	p, ok, err := f.plot()
	if err != nil || !ok {
		return nil, err
	}
	var files []string
	for _, format := range []string{"png", "svg"} {
		wt, err := p.WriterTo(figWidth, figHeight, format)
		if err != nil {
			return files, fmt.Errorf("plotting %s: %w", f.Name, err)
		}
		path := filepath.Join(dir, f.Name+"."+format)
		if err := fileio.WriteAtomic(path, func(w io.Writer) error { _, err := wt.WriteTo(w); return err }); err != nil {
			return files, err
		}
		files = append(files, path)
	}
	return files, nil
}

// plot builds the gonum plot; ok is false when there is nothing to draw.
func (f *Figure) plot() (p *plot.Plot, ok bool, err error) {
	p = plot.New()
	p.Title.Text = f.Title
	p.X.Label.Text = f.XLabel
	p.Y.Label.Text = f.YLabel
	p.Legend.Top = !f.LegendBottom
	p.Legend.Left = f.LegendLeft
	p.Add(plotter.NewGrid())
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i, s := range f.Series {
		xys := f.points(s)
		if len(xys) == 0 {
			continue
		}
		for _, q := range xys {
			xmin, xmax = math.Min(xmin, q.X), math.Max(xmax, q.X)
			ymin, ymax = math.Min(ymin, q.Y), math.Max(ymax, q.Y)
		}
		if err := addSeries(p, s, xys, i); err != nil {
			return nil, false, fmt.Errorf("plotting %s: %w", f.Name, err)
		}
	}
	if math.IsInf(xmin, 1) {
		return nil, false, nil
	}
	for _, h := range f.HLines {
		ymin, ymax = math.Min(ymin, h.Value), math.Max(ymax, h.Value)
	}
	for _, v := range f.VLines {
		xmin, xmax = math.Min(xmin, v.Value), math.Max(xmax, v.Value)
	}
	for i, h := range f.HLines {
		if err := addRef(p, h, plotter.XYs{{X: xmin, Y: h.Value}, {X: xmax, Y: h.Value}}, i); err != nil {
			return nil, false, err
		}
	}
	for i, v := range f.VLines {
		if err := addRef(p, v, plotter.XYs{{X: v.Value, Y: ymin}, {X: v.Value, Y: ymax}}, len(f.HLines)+i); err != nil {
			return nil, false, err
		}
	}
	if f.LogX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = logTicks{}
	}
	if f.Pow2X {
		p.X.Tick.Marker = pow2Ticks{}
	}
	if f.XStep > 0 && !f.LogX {
		p.X.Tick.Marker = stepTicks(f.XStep)
	}
	if f.LogY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
	}
	if f.YFromZero && !f.LogY && p.Y.Min > 0 {
		p.Y.Min = 0
	}
	f.legendRoom(p)
	return p, true, nil
}

// legendRoom widens the y range so that the legend, drawn inside the plot
// area, does not cover the data: about one line of height per entry.
func (f *Figure) legendRoom(p *plot.Plot) {
	entries := 0
	for _, s := range f.Series {
		if s.Label != "" && len(f.points(s)) > 0 {
			entries++
		}
	}
	for _, r := range append(slices.Clone(f.HLines), f.VLines...) {
		if r.Label != "" {
			entries++
		}
	}
	frac := 0.05 * float64(entries) // share of the plot height the legend needs
	if entries == 0 || frac >= 0.8 {
		return
	}
	lo, hi := p.Y.Min, p.Y.Max
	if f.LogY {
		lo, hi = math.Log10(lo), math.Log10(hi)
	}
	span := hi - lo
	if span == 0 {
		span = 1
	}
	grow := span * frac / (1 - frac)
	if f.LegendBottom {
		lo -= grow
	} else {
		hi += grow
	}
	if f.LogY {
		lo, hi = math.Pow(10, lo), math.Pow(10, hi)
	}
	p.Y.Min, p.Y.Max = lo, hi
}

// points returns s's drawable points: on log axes non-positive values are
// dropped (or raised to YFloor).
func (f *Figure) points(s Series) plotter.XYs {
	if len(s.X) != len(s.Y) {
		panic(fmt.Sprintf("experiments: series %q has %d x and %d y values", s.Label, len(s.X), len(s.Y)))
	}
	var xys plotter.XYs
	for i := range s.X {
		x, y := s.X[i], s.Y[i]
		if f.LogY && f.YFloor > 0 && y < f.YFloor {
			y = f.YFloor
		}
		if f.YCeil > 0 && y > f.YCeil {
			continue
		}
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) ||
			(f.LogX && x <= 0) || (f.LogY && y <= 0) {
			continue
		}
		xys = append(xys, plotter.XY{X: x, Y: y})
	}
	return xys
}

func addSeries(p *plot.Plot, s Series, xys plotter.XYs, i int) error {
	if s.Color > 0 {
		i = s.Color - 1
	}
	col := plotutil.Color(i)
	if s.Color < 0 {
		col = color.Black
	}
	var thumbs []plot.Thumbnailer
	if !s.NoLine {
		l, err := plotter.NewLine(xys)
		if err != nil {
			return err
		}
		l.Color = col
		l.Width = vg.Points(1.5)
		switch {
		case s.Dashed:
			l.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		case s.Dotted:
			l.Dashes = []vg.Length{vg.Points(1.5), vg.Points(2.5)}
		}
		p.Add(l)
		thumbs = append(thumbs, l)
	}
	if s.Points || s.NoLine {
		sc, err := plotter.NewScatter(xys)
		if err != nil {
			return err
		}
		sc.Color = col
		sc.Shape = plotutil.Shape(i)
		sc.Radius = vg.Points(3)
		p.Add(sc)
		thumbs = append(thumbs, sc)
	}
	if s.Label != "" {
		p.Legend.Add(s.Label, thumbs...)
	}
	return nil
}

func addRef(p *plot.Plot, r Ref, xys plotter.XYs, i int) error {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return err
	}
	l.Color = color.Black
	l.Width = vg.Points(1.5)
	l.Dashes = plotutil.Dashes(1 + i%4)
	p.Add(l)
	if r.Label != "" {
		p.Legend.Add(r.Label, l)
	}
	return nil
}

// logTicks labels powers of ten, and also 2× and 5× them when the axis
// spans less than two decades.
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []plot.Tick {
	if min <= 0 || max <= 0 {
		return nil
	}
	lo, hi := math.Floor(math.Log10(min)), math.Ceil(math.Log10(max))
	dense := hi-lo <= 2
	minors := 10
	if hi-lo > 12 {
		minors = 2 // decades only: minor ticks would blacken the axis
	}
	var ticks []plot.Tick
	for e := lo; e <= hi; e++ {
		base := math.Pow(10, e)
		for m := 1; m < minors; m++ {
			v := base * float64(m)
			t := plot.Tick{Value: v}
			if m == 1 || (dense && (m == 2 || m == 5)) {
				t.Label = strconv.FormatFloat(v, 'g', -1, 64)
			}
			ticks = append(ticks, t)
			if e == hi {
				break
			}
		}
	}
	// Label sparsely when many decades are shown.
	if hi-lo > 8 {
		step := int(math.Ceil((hi - lo) / 8))
		k := 0
		for i := range ticks {
			if ticks[i].Label == "" {
				continue
			}
			if k%step != 0 {
				ticks[i].Label = ""
			}
			k++
		}
	}
	return ticks
}

// pow2Ticks labels the powers of two in range as "2^k".
type pow2Ticks struct{}

func (pow2Ticks) Ticks(min, max float64) []plot.Tick {
	if min <= 0 || max <= 0 {
		return nil
	}
	lo, hi := int(math.Floor(math.Log2(min))), int(math.Ceil(math.Log2(max)))
	step := 1 + (hi-lo)/12
	var ticks []plot.Tick
	for k := lo; k <= hi; k++ {
		t := plot.Tick{Value: math.Ldexp(1, k)}
		if (k-lo)%step == 0 {
			t.Label = "2^" + strconv.Itoa(k)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// stepTicks labels every multiple of a step.
type stepTicks float64

func (s stepTicks) Ticks(min, max float64) []plot.Tick {
	step := float64(s)
	var ticks []plot.Tick
	for k := math.Ceil(min/step - 1e-9); k*step <= max+1e-9; k++ {
		v := k * step
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', 4, 64)})
	}
	return ticks
}
