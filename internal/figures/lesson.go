package figures

import (
	"fmt"
	"image/color"
	"math"

	"github.com/hardnesslab/hardness/attention/expapprox"
	"github.com/hardnesslab/hardness/internal/explain"
	"github.com/hardnesslab/hardness/ovp"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Lesson returns the four figures of an explained formula, in the order of
// the steps they illustrate: "ov" (step 3), "logits" (step 6), "t"
// (steps 7 and 9) and "poly" (step 9).
func Lesson(l *explain.Lesson) ([]*Figure, error) {
	var figs []*Figure
	for _, f := range []func(*explain.Lesson) (*Figure, error){OV, Logits, T, Poly} {
		fig, err := f(l)
		if err != nil {
			return nil, err
		}
		figs = append(figs, fig)
	}
	return figs, nil
}

// pairColors mark orthogonal pairs, one colour per pair.
var pairColors = []color.Color{vermilion, green, blue, color.RGBA{204, 121, 167, 255}}

// orthogonalPairs returns the pairs (i, j) with ⟨a_i, b_j⟩ = 0.
func orthogonalPairs(l *explain.Lesson) [][2]int {
	var ps [][2]int
	for i, row := range l.Dots {
		for j, x := range row {
			if x == 0 {
				ps = append(ps, [2]int{i, j})
			}
		}
	}
	return ps
}

// OV draws the vectors a_i (left side) and b_j (right side) as 0/1 grids,
// one column per clause, with each orthogonal pair's two rows outlined in
// one colour.
func OV(l *explain.Lesson) (*Figure, error) {
	m := l.OV.Dim()
	p := newPlot("The vectors: a 1 marks a clause the half leaves open")
	p.HideAxes()
	var cs cells
	gap := float64(m) + 3 // x offset of the right grid
	for c := range m {
		cs = append(cs, label(float64(c), 1, fmt.Sprintf("C%d", c+1)), label(gap+float64(c), 1, fmt.Sprintf("C%d", c+1)))
	}
	grid := func(side ovp.Side, x0 float64, name string) {
		for i := range l.OV.Len(side) {
			cs = append(cs, label(x0-1.2, -float64(i), fmt.Sprintf("%s%d", name, i)))
			for c := range m {
				k := cell{X: x0 + float64(c), Y: -float64(i), Fill: white, Outline: light, Width: vg.Points(1)}
				if l.OV.Bit(side, i, c) {
					k.Fill = dark
				}
				cs = append(cs, k)
			}
		}
	}
	grid(ovp.A, 0, "a")
	grid(ovp.B, gap, "b")
	pairs := orthogonalPairs(l)
	rows := max(l.OV.N(), l.OV.M())
	for k, pr := range pairs {
		col := pairColors[k%len(pairColors)]
		for c := range m {
			cs = append(cs, cell{X: float64(c), Y: -float64(pr[0]), Outline: col, Width: vg.Points(3)},
				cell{X: gap + float64(c), Y: -float64(pr[1]), Outline: col, Width: vg.Points(3)})
		}
		cs = append(cs, cell{X: float64(m) + 0.5, Y: -float64(rows) - 0.3 - float64(k), Text: fmt.Sprintf("a%d · b%d = 0", pr[0], pr[1]), Ink: col})
	}
	if len(pairs) == 0 {
		cs = append(cs, cell{X: float64(m) + 0.5, Y: -float64(rows) - 0.3, Text: "no orthogonal pair: F is unsatisfiable"})
	}
	cs = append(cs, label(float64(m)/2-0.5, 2.2, "left side: a_i"), label(gap+float64(m)/2-0.5, 2.2, "right side: b_j"))
	p.Add(cs)
	p.X.Min, p.X.Max = -2, gap+float64(m)+0.5
	h := vg.Length(rows+len(pairs)+5) * vg.Inch * 0.42
	return &Figure{Name: "ov", Title: "The OV vectors", plot: p, w: 12 * vg.Inch, h: max(h, 5*vg.Inch),
		Alt: fmt.Sprintf("The %d vectors a_i and %d vectors b_j as 0/1 grids with %d columns; %d orthogonal pairs are outlined.",
			l.OV.N(), l.OV.M(), m, len(pairs))}, nil
}

// heat maps t ∈ [0, 1] to a colour from dark blue (0) to yellow (1).
func heat(t float64) color.Color {
	t = math.Max(0, math.Min(1, t))
	lo, hi := [3]float64{20, 30, 90}, [3]float64{253, 231, 37}
	mid := [3]float64{33, 145, 140}
	var c [3]float64
	for k := range c {
		if t < 0.5 {
			c[k] = lo[k] + (mid[k]-lo[k])*2*t
		} else {
			c[k] = mid[k] + (hi[k]-mid[k])*(2*t-1)
		}
	}
	return color.RGBA{uint8(c[0]), uint8(c[1]), uint8(c[2]), 255}
}

// Logits draws QKᵀ/d as a heat map, the real keys then the reference
// keys, each cell with its value; orthogonal pairs (logit 0 on a real key)
// are outlined.
func Logits(l *explain.Lesson) (*Figure, error) {
	pm := l.Instance.Params
	n, keys := l.Logits.Dims()
	lo := 0.0
	for i := range n {
		for j := range keys {
			lo = math.Min(lo, l.Logits.At(i, j))
		}
	}
	p := newPlot("The logits QKᵀ/d: 0 (yellow) only for orthogonal pairs and the reference keys")
	p.HideAxes()
	var cs cells
	for j := range keys {
		x := float64(j)
		if j >= pm.M {
			x += 0.5
		}
		cs = append(cs, label(x, 1, fmt.Sprintf("k%d", j)))
	}
	for i := range n {
		cs = append(cs, label(-1.2, -float64(i), fmt.Sprintf("q%d", i)))
		for j := range keys {
			v := l.Logits.At(i, j)
			x := float64(j)
			if j >= pm.M {
				x += 0.5
			}
			t := 1.0
			if lo < 0 {
				t = 1 - v/lo
			}
			k := cell{X: x, Y: -float64(i), Fill: heat(t), Text: explain.Num(v, 1), Ink: white, Size: cellSize - 3}
			if t > 0.6 {
				k.Ink = dark
			}
			if j < pm.M && l.Dots[i][j] == 0 {
				k.Outline, k.Width = vermilion, vg.Points(4)
			}
			cs = append(cs, k)
		}
	}
	cs = append(cs, label(float64(pm.M)/2-0.5, 2.2, "real keys k_j = −β·b_j"),
		label(float64(pm.M)+float64(keys-pm.M)/2, 2.2, "reference keys k = 0"))
	p.Add(cs)
	return &Figure{Name: "logits", Title: "The logits", plot: p, w: 13 * vg.Inch, h: vg.Length(n+4) * 0.55 * vg.Inch,
		Alt: fmt.Sprintf("Heat map of the %d×%d logits, from %s (dark) to 0 (yellow, the orthogonal pairs and the reference keys); orthogonal pairs are outlined.",
			n, keys, explain.Num(lo, 1))}, nil
}

// T draws T_i (exact) and T̃_i (the polynomial method at exact
// attention's budget, step 9) as bars per row, against τ and τ ± tol.
func T(l *explain.Lesson) (*Figure, error) {
	pm := l.Instance.Params
	exact := make(plotter.Values, pm.N)
	top := pm.Threshold + pm.Tolerance
	for i := range exact {
		exact[i] = l.T.At(i, 0)
		top = math.Max(top, exact[i])
	}
	p := newPlot("Each row's share T_i of attention on real keys, against τ")
	p.X.Label.Text = "row i (query q_i)"
	p.Y.Label.Text = "T_i"
	w := vg.Points(22)
	be, err := plotter.NewBarChart(exact, w)
	if err != nil {
		return nil, err
	}
	be.Color, be.LineStyle.Width = blue, 0
	be.Offset = -w / 2
	p.Add(be)
	p.Legend.Add("exact T_i", be)
	if b := l.Fast.Budget; b.Ran {
		approx := plotter.Values(b.T)
		for _, x := range approx {
			top = math.Max(top, x)
		}
		ba, err := plotter.NewBarChart(approx, w)
		if err != nil {
			return nil, err
		}
		ba.Color, ba.LineStyle.Width = vermilion, 0
		ba.Offset = w / 2
		p.Add(ba)
		p.Legend.Add(fmt.Sprintf("polynomial method, r ≤ n (degree %d)", b.Degree), ba)
	}
	for _, h := range []struct {
		y      float64
		name   string
		dashed bool
	}{{pm.Threshold, "τ", false}, {pm.Threshold + pm.Tolerance, "τ ± tol", true}, {pm.Threshold - pm.Tolerance, "", true}} {
		line, err := plotter.NewLine(plotter.XYs{{X: -0.6, Y: h.y}, {X: float64(pm.N) - 0.4, Y: h.y}})
		if err != nil {
			return nil, err
		}
		line.Color, line.Width = dark, vg.Points(2.5)
		if h.dashed {
			line.Dashes = []vg.Length{vg.Points(8), vg.Points(5)}
			line.Width = vg.Points(1.5)
		}
		p.Add(line)
		if h.name != "" {
			p.Legend.Add(h.name, line)
		}
	}
	p.Y.Min, p.Y.Max = 0, top*1.4 // headroom for the legend
	p.X.Min, p.X.Max = -0.7, float64(pm.N)-0.3
	p.NominalX(labels("q", pm.N)...)
	p.Legend.Top, p.Legend.Left = true, false
	return &Figure{Name: "t", Title: "T against the threshold", plot: p, w: 12 * vg.Inch, h: 6.5 * vg.Inch,
		Alt: fmt.Sprintf("Bars of the exact T_i for %d rows against the threshold τ = %s and τ ± tol (exact rows above τ have an orthogonal partner), beside the polynomial method's T̃_i at the budget r ≤ n.",
			pm.N, explain.Num(pm.Threshold, 4))}, nil
}

func labels(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return out
}

// polyFloor is where relative errors of exactly 0 are drawn on the log axis.
const polyFloor = 1e-17

// Poly draws |P(x)/e^x − 1| on [−R, R] for the degree step 9 needs and the
// degree the budget allows, with the needed degree's certificate and the
// target ε as horizontal lines.
func Poly(l *explain.Lesson) (*Figure, error) {
	fp := l.Fast
	need := fp.Need()
	R := need.R
	p := newPlot(fmt.Sprintf("P against e^x on [−R, R], R = %s", explain.Num(R, 2)))
	p.X.Label.Text = "logit x"
	p.Y.Label.Text = "relative error |P(x)/e^x − 1|"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = decades{}
	ymin, ymax := math.Inf(1), 0.0
	curve := func(g int, name string, col color.Color) error {
		if g > expapprox.MaxBuildDegree {
			return nil
		}
		P := expapprox.New(R, g)
		xys := make(plotter.XYs, 401)
		for k := range xys {
			x := -R + 2*R*float64(k)/400
			e := math.Abs(P.Eval(x)*math.Exp(-x) - 1)
			if !(e > polyFloor) {
				e = polyFloor
			}
			xys[k] = plotter.XY{X: x, Y: e}
			ymin, ymax = math.Min(ymin, e), math.Max(ymax, e)
		}
		line, err := plotter.NewLine(xys)
		if err != nil {
			return err
		}
		line.Color, line.Width = col, vg.Points(3)
		p.Add(line)
		p.Legend.Add(name, line)
		return nil
	}
	if err := curve(need.Degree, fmt.Sprintf("degree %d (needed)", need.Degree), blue); err != nil {
		return nil, err
	}
	if b := fp.Budget; b.Degree != need.Degree {
		if err := curve(b.Degree, fmt.Sprintf("degree %d (fits r ≤ n)", b.Degree), vermilion); err != nil {
			return nil, err
		}
	}
	for _, h := range []struct {
		y    float64
		name string
		col  color.Color
		dash bool
	}{{float64(need.CertErr), "certificate of degree " + fmt.Sprint(need.Degree) + ": " + explain.Sig(float64(need.CertErr), 3), blue, true},
		{fp.Eps, "target ε = " + explain.Num(fp.Eps, 3), dark, false}} {
		if !(h.y > 0) || math.IsInf(h.y, 0) {
			continue
		}
		line, err := plotter.NewLine(plotter.XYs{{X: -R, Y: h.y}, {X: R, Y: h.y}})
		if err != nil {
			return nil, err
		}
		line.Color, line.Width = h.col, vg.Points(2)
		if h.dash {
			line.Dashes = []vg.Length{vg.Points(8), vg.Points(5)}
		}
		p.Add(line)
		p.Legend.Add(h.name, line)
		ymin, ymax = math.Min(ymin, h.y), math.Max(ymax, h.y)
	}
	p.Y.Min, p.Y.Max = math.Max(polyFloor, ymin/3), ymax*1e6 // headroom for the legend
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.Padding = vg.Points(4)
	return &Figure{Name: "poly", Title: "The polynomial of step 9", plot: p, w: 12 * vg.Inch, h: 6.5 * vg.Inch,
		Alt: fmt.Sprintf("Relative error of the degree-%d polynomial against e^x on [−%s, %s], below its certificate %s.",
			need.Degree, explain.Num(R, 2), explain.Num(R, 2), explain.Sig(float64(need.CertErr), 3))}, nil
}

// decades labels a log axis at powers of ten ("1e-08"), at most 8 labels,
// with unlabelled ticks at the other decades.
type decades struct{}

func (decades) Ticks(lo, hi float64) []plot.Tick {
	a, b := int(math.Floor(math.Log10(lo))), int(math.Ceil(math.Log10(hi)))
	step := max(1, (b-a+7)/8)
	var ts []plot.Tick
	for e := a; e <= b; e++ {
		t := plot.Tick{Value: math.Pow(10, float64(e))}
		if e%step == 0 {
			t.Label = fmt.Sprintf("1e%d", e)
		}
		ts = append(ts, t)
	}
	return ts
}
