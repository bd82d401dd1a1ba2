package experiments

import (
	"errors"
	"fmt"
	"math"
)

// Fit is a least-squares line through (ln x, ln y): y ≈ e^Intercept·x^Slope.
// Slope is the power-law exponent, e.g. 2 for a quadratic-time algorithm.
type Fit struct {
	Slope, Intercept float64
	// R2 is the coefficient of determination of the fit in log space
	// (1 when the points lie on a line; NaN when all ln y are equal).
	R2 float64
	// N is the number of points fitted.
	N int
}

// ErrFit is returned when a fit is impossible: fewer than two distinct x
// values, or a non-positive or non-finite value.
var ErrFit = errors.New("experiments: cannot fit a power law")

// FitLogLog fits ln y = Intercept + Slope·ln x by ordinary least squares.
// Every x and y must be positive and finite, with at least two distinct x.
// Cost O(len(x)).
func FitLogLog(x, y []float64) (Fit, error) {
	if len(x) != len(y) {
		panic(fmt.Sprintf("experiments: FitLogLog with %d x and %d y values", len(x), len(y)))
	}
	lx := make([]float64, len(x))
	ly := make([]float64, len(y))
	for i := range x {
		if !(x[i] > 0 && y[i] > 0) || math.IsInf(x[i], 0) || math.IsInf(y[i], 0) {
			return Fit{}, fmt.Errorf("%w: point %d is (%g, %g), want positive finite values", ErrFit, i, x[i], y[i])
		}
		lx[i], ly[i] = math.Log(x[i]), math.Log(y[i])
	}
	slope, icept, r2, err := fitLine(lx, ly)
	if err != nil {
		return Fit{}, err
	}
	return Fit{Slope: slope, Intercept: icept, R2: r2, N: len(x)}, nil
}

// fitLine is ordinary least squares y = a + b·x, returning b, a and R².
func fitLine(x, y []float64) (b, a, r2 float64, err error) {
	n := float64(len(x))
	if len(x) < 2 {
		return 0, 0, 0, fmt.Errorf("%w: %d points, want at least 2", ErrFit, len(x))
	}
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= n
	my /= n
	var sxx, sxy, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxx += dx * dx
		sxy += dx * dy
		syy += dy * dy
	}
	if sxx == 0 {
		return 0, 0, 0, fmt.Errorf("%w: all x values are equal", ErrFit)
	}
	b = sxy / sxx
	a = my - b*mx
	r2 = math.NaN()
	if syy > 0 {
		var sse float64
		for i := range x {
			e := y[i] - (a + b*x[i])
			sse += e * e
		}
		r2 = 1 - sse/syy
	}
	return b, a, r2, nil
}

// At returns the fitted y at x.
func (f Fit) At(x float64) float64 { return math.Exp(f.Intercept + f.Slope*math.Log(x)) }

// String formats the fit as "y ≈ 1.2e-09·x^2.01 (R² 0.999, 5 points)".
func (f Fit) String() string {
	return fmt.Sprintf("y ≈ %.3g·x^%.3f (R² %.4f, %d points)", math.Exp(f.Intercept), f.Slope, f.R2, f.N)
}

// Crossover returns the x > 0 where the fitted power laws a and b are equal:
// ln x = (b.Intercept − a.Intercept)/(a.Slope − b.Slope). ok is false when
// the slopes are equal (parallel lines never cross).
func Crossover(a, b Fit) (x float64, ok bool) {
	ds := a.Slope - b.Slope
	if ds == 0 {
		return 0, false
	}
	x = math.Exp((b.Intercept - a.Intercept) / ds)
	return x, !math.IsInf(x, 0) && x > 0
}

// Crossing returns the first x at which the piecewise-linear curve through
// (x[i], y[i]) reaches level, interpolating linearly between the two
// points that bracket it (x must be increasing). With log set, it
// interpolates ln y against ln x instead (for power laws; x, y and level
// must then be positive). ok is false when the curve never reaches level.
func Crossing(x, y []float64, level float64, log bool) (at float64, ok bool) {
	if len(x) != len(y) {
		panic(fmt.Sprintf("experiments: Crossing with %d x and %d y values", len(x), len(y)))
	}
	tx := func(v float64) float64 {
		if log {
			return math.Log(v)
		}
		return v
	}
	l := tx(level)
	for i := range x {
		yi := tx(y[i])
		if yi == l {
			return x[i], true
		}
		if i == 0 {
			continue
		}
		yp := tx(y[i-1])
		if (yp < l) != (yi < l) && !math.IsNaN(yp) && !math.IsNaN(yi) {
			t := (l - yp) / (yi - yp)
			x0, x1 := tx(x[i-1]), tx(x[i])
			at = x0 + t*(x1-x0)
			if log {
				at = math.Exp(at)
			}
			return at, true
		}
	}
	return 0, false
}

// CrossoverData returns the first x at which curve y1 stops being below
// (or above) curve y2, both sampled at the same increasing x, by log-log
// interpolation of the ratio y1/y2 through 1. ok is false when the curves
// do not cross inside the sampled range.
func CrossoverData(x, y1, y2 []float64) (at float64, ok bool) {
	if len(y1) != len(x) || len(y2) != len(x) {
		panic("experiments: CrossoverData with unequal lengths")
	}
	ratio := make([]float64, len(x))
	for i := range x {
		ratio[i] = y1[i] / y2[i]
	}
	return Crossing(x, ratio, 1, true)
}
