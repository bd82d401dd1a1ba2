package figures

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// cell is a unit square with its top-left corner at (X, Y) in data
// coordinates (rows go down: row i has Y = −i), a fill, an optional
// outline and an optional centred text.
type cell struct {
	X, Y    float64
	Fill    color.Color // nil: no fill
	Outline color.Color // nil: none
	Width   vg.Length   // outline width
	Text    string
	Ink     color.Color // text colour (default dark)
	Size    vg.Length   // text size (default cellSize)
}

// cells is a plot.Plotter of cells, drawn in order (later on top).
type cells []cell

func (cs cells) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	for _, k := range cs {
		x0, x1, y0, y1 := tx(k.X), tx(k.X+1), ty(k.Y), ty(k.Y-1)
		box := []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
		if k.Fill != nil {
			c.FillPolygon(k.Fill, box)
		}
		if k.Outline != nil {
			c.StrokeLines(draw.LineStyle{Color: k.Outline, Width: k.Width}, append(box, box[0]))
		}
		if k.Text != "" {
			ink, size := k.Ink, k.Size
			if ink == nil {
				ink = dark
			}
			if size == 0 {
				size = cellSize
			}
			sty := text.Style{Color: ink, Font: textFont(size), XAlign: draw.XCenter, YAlign: draw.YCenter,
				Handler: p.TextHandler}
			c.FillText(sty, vg.Point{X: (x0 + x1) / 2, Y: (y0 + y1) / 2}, k.Text)
		}
	}
}

// DataRange implements plot.DataRanger.
func (cs cells) DataRange() (xmin, xmax, ymin, ymax float64) {
	if len(cs) == 0 {
		return 0, 1, -1, 0
	}
	xmin, xmax, ymin, ymax = cs[0].X, cs[0].X+1, cs[0].Y-1, cs[0].Y
	for _, k := range cs[1:] {
		xmin, xmax = min(xmin, k.X), max(xmax, k.X+1)
		ymin, ymax = min(ymin, k.Y-1), max(ymax, k.Y)
	}
	return xmin, xmax, ymin, ymax
}

// label is a text-only cell.
func label(x, y float64, s string) cell { return cell{X: x, Y: y, Text: s} }
