package figures

import (
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"

	"github.com/hardnesslab/hardness/internal/fileio"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
)

// Figure is one picture of a lesson.
type Figure struct {
	Name  string // file name without extension, e.g. "ov"
	Title string
	Alt   string // a one-sentence description, for HTML alt text
	plot  *plot.Plot
	w, h  vg.Length
}

// Formats are the formats [Figure.Encode] and [Save] write.
var Formats = []string{"png", "svg"}

// Encode writes f in format "png" or "svg".
func (f *Figure) Encode(w io.Writer, format string) error {
	wt, err := f.plot.WriterTo(f.w, f.h, format)
	if err != nil {
		return fmt.Errorf("figure %s: %w", f.Name, err)
	}
	_, err = wt.WriteTo(w)
	return err
}

// Save writes every figure in every format into dir, creating it, and
// returns the paths written.
func Save(dir string, figs []*Figure) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var paths []string
	for _, f := range figs {
		for _, format := range Formats {
			path := filepath.Join(dir, f.Name+"."+format)
			if err := fileio.WriteAtomic(path, func(w io.Writer) error { return f.Encode(w, format) }); err != nil {
				return paths, err
			}
			paths = append(paths, path)
		}
	}
	return paths, nil
}

// Letter sizes, in points: large enough to read from the back of a
// lecture room on a figure 10 inches wide.
const (
	titleSize = 24
	labelSize = 20
	tickSize  = 17
	cellSize  = 16
)

// newPlot returns a plot with the large letters of every figure.
func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = titleSize
	p.Title.Padding = vg.Points(8)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = labelSize
		a.Tick.Label.Font.Size = tickSize
	}
	p.Legend.TextStyle.Font.Size = tickSize
	return p
}

func textFont(size font.Length) font.Font { return font.From(plot.DefaultFont, size) }

// Colours: a colour-blind-safe pair (Okabe–Ito blue and vermillion) and
// greys.
var (
	blue      = color.RGBA{0, 114, 178, 255}
	vermilion = color.RGBA{213, 94, 0, 255}
	green     = color.RGBA{0, 158, 115, 255}
	dark      = color.RGBA{40, 40, 40, 255}
	light     = color.RGBA{235, 235, 235, 255}
	white     = color.White
)
