package experiments

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestFitLogLog(t *testing.T) {
	tests := []struct {
		name      string
		x, y      []float64
		slope, c0 float64 // y = c0·x^slope
	}{
		{"linear", []float64{1, 2, 4, 8}, []float64{3, 6, 12, 24}, 1, 3},
		{"quadratic", []float64{1024, 2048, 4096}, []float64{1e-9 * 1024 * 1024, 1e-9 * 2048 * 2048, 1e-9 * 4096 * 4096}, 2, 1e-9},
		{"constant", []float64{1, 10, 100}, []float64{5, 5, 5}, 0, 5},
		{"inverse sqrt", []float64{1, 4, 16, 64}, []float64{1, 0.5, 0.25, 0.125}, -0.5, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := FitLogLog(tc.x, tc.y)
			if err != nil {
				t.Fatal(err)
			}
			if !(math.Abs(f.Slope-tc.slope) <= 1e-12) || !(math.Abs(math.Exp(f.Intercept)-tc.c0) <= 1e-9*tc.c0) {
				t.Errorf("FitLogLog = %v; want slope %g, constant %g", f, tc.slope, tc.c0)
			}
			if tc.slope != 0 && !(math.Abs(f.R2-1) <= 1e-12) {
				t.Errorf("FitLogLog R² = %g; want 1 for exact power law", f.R2)
			}
			if got := f.At(tc.x[1]); !(math.Abs(got-tc.y[1]) <= 1e-9*tc.y[1]) {
				t.Errorf("Fit.At(%g) = %g; want %g", tc.x[1], got, tc.y[1])
			}
		})
	}
}

// TestFitLogLogNoisy checks the fit against a slow direct minimisation of
// the squared residuals over a grid of slopes.
func TestFitLogLogNoisy(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	var x, y []float64
	for k := 10; k <= 18; k++ {
		n := math.Ldexp(1, k)
		x = append(x, n)
		y = append(y, 2e-9*n*n*math.Exp(0.1*r.NormFloat64()))
	}
	f, err := FitLogLog(x, y)
	if err != nil {
		t.Fatal(err)
	}
	sse := func(b float64) float64 {
		// best intercept for slope b is the mean residual
		var a float64
		for i := range x {
			a += math.Log(y[i]) - b*math.Log(x[i])
		}
		a /= float64(len(x))
		var s float64
		for i := range x {
			e := math.Log(y[i]) - a - b*math.Log(x[i])
			s += e * e
		}
		return s
	}
	best, bestS := 0.0, math.Inf(1)
	for b := 1.5; b <= 2.5; b += 1e-5 {
		if s := sse(b); s < bestS {
			best, bestS = b, s
		}
	}
	if !(math.Abs(f.Slope-best) <= 2e-5) {
		t.Errorf("FitLogLog slope = %.6f; want %.6f (grid minimum)", f.Slope, best)
	}
	if f.R2 < 0.9 || f.R2 > 1 {
		t.Errorf("FitLogLog R² = %g; want in [0.9, 1]", f.R2)
	}
}

func TestFitLogLogErrors(t *testing.T) {
	tests := []struct {
		name string
		x, y []float64
	}{
		{"one point", []float64{1}, []float64{1}},
		{"equal x", []float64{2, 2}, []float64{1, 3}},
		{"zero y", []float64{1, 2}, []float64{0, 1}},
		{"negative x", []float64{-1, 2}, []float64{1, 1}},
		{"infinite y", []float64{1, 2}, []float64{1, math.Inf(1)}},
		{"NaN", []float64{1, 2}, []float64{math.NaN(), 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := FitLogLog(tc.x, tc.y); !errors.Is(err, ErrFit) {
				t.Errorf("FitLogLog(%v, %v) error = %v; want ErrFit", tc.x, tc.y, err)
			}
		})
	}
}

func TestCrossover(t *testing.T) {
	// exact: 1e-9·n², fast: 1e-6·n → equal at n = 1000.
	a := Fit{Slope: 2, Intercept: math.Log(1e-9)}
	b := Fit{Slope: 1, Intercept: math.Log(1e-6)}
	x, ok := Crossover(a, b)
	if !ok || !(math.Abs(x-1000) <= 1e-6) {
		t.Errorf("Crossover = %g, %v; want 1000, true", x, ok)
	}
	if _, ok := Crossover(a, Fit{Slope: 2}); ok {
		t.Errorf("Crossover of parallel fits ok = true; want false")
	}
}

func TestCrossing(t *testing.T) {
	tests := []struct {
		name  string
		x, y  []float64
		level float64
		log   bool
		want  float64
		ok    bool
	}{
		{"linear up", []float64{0, 1, 2}, []float64{1, 2, 3}, 2.5, false, 1.5, true},
		{"linear down", []float64{0, 1, 2}, []float64{3, 2, 1}, 2.5, false, 0.5, true},
		{"at a point", []float64{0, 1, 2}, []float64{1, 2, 3}, 2, false, 1, true},
		{"never", []float64{0, 1, 2}, []float64{1, 2, 3}, 4, false, 0, false},
		{"log", []float64{1, 100}, []float64{1, 10000}, 100, true, 10, true},
		{"first of two", []float64{0, 1, 2, 3}, []float64{0, 2, 0, 2}, 1, false, 0.5, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Crossing(tc.x, tc.y, tc.level, tc.log)
			if ok != tc.ok || (ok && !(math.Abs(got-tc.want) <= 1e-9)) {
				t.Errorf("Crossing(%v, %v, %g) = %g, %v; want %g, %v", tc.x, tc.y, tc.level, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestCrossoverData(t *testing.T) {
	x := []float64{256, 512, 1024, 2048, 4096}
	var exact, fast []float64
	for _, n := range x {
		exact = append(exact, 1e-9*n*n)
		fast = append(fast, 1e-6*n)
	}
	got, ok := CrossoverData(x, exact, fast)
	if !ok || math.Abs(got-1000)/1000 > 1e-9 {
		t.Errorf("CrossoverData = %g, %v; want 1000, true", got, ok)
	}
}
