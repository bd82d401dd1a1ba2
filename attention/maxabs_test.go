package attention

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestMaxAbsAgainstLoop: the bit-pattern maximum equals the obvious loop
// on random matrices and views (odd widths, strides), and gives NaN when
// any entry is NaN, +Inf for ±Inf.
func TestMaxAbsAgainstLoop(t *testing.T) {
	slow := func(a *mat.Dense) float64 {
		m := 0.0
		r, c := a.Dims()
		for i := range r {
			for j := range c {
				x := a.At(i, j)
				if math.IsNaN(x) {
					return x
				}
				m = math.Max(m, math.Abs(x))
			}
		}
		return m
	}
	rng := rand.New(rand.NewPCG(1, 2))
	specials := []float64{0, math.Copysign(0, -1), 1e-310, -1e308, math.Inf(1), math.Inf(-1), math.NaN()}
	for trial := range 300 {
		r, c := 1+rng.IntN(6), 1+rng.IntN(9)
		a := mat.NewDense(r+1, c+2, nil)
		for i := range r + 1 {
			for j := range c + 2 {
				x := rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))
				if rng.IntN(20) == 0 && trial%2 == 0 {
					x = specials[rng.IntN(len(specials))]
				}
				a.Set(i, j, x)
			}
		}
		v := a.Slice(1, r+1, 1, c+1).(*mat.Dense)
		got, want := maxAbs(v), slow(v)
		if !(got == want || math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("trial %d: maxAbs = %v; want %v", trial, got, want)
		}
	}
}
