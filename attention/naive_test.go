package attention

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestNaiveByHand checks the reference on a case computed by hand: with
// d = 1, q = 1 and keys 0, ln 2 the weights are 1 and 2.
func TestNaiveByHand(t *testing.T) {
	q := mat.NewDense(1, 1, []float64{1})
	k := mat.NewDense(2, 1, []float64{0, math.Ln2})
	v := mat.NewDense(2, 2, []float64{3, 0, 6, 1})
	got := Naive(q, k, v)
	want := []float64{(3 + 2*6) / 3.0, 2 / 3.0}
	for c, w := range want {
		if g := got.T.At(0, c); !(math.Abs(g-w) <= 1e-15) {
			t.Errorf("T[0][%d] = %v; want %v", c, g, w)
		}
	}
	if g, w := got.LogNorm[0], math.Log(3); !(math.Abs(g-w) <= 1e-15) {
		t.Errorf("LogNorm = %v; want %v", g, w)
	}
	if g := got.MaxLogit[0]; g != math.Ln2 {
		t.Errorf("MaxLogit = %v; want ln 2", g)
	}
}

// TestNaiveHugeLogits checks that logits of ±1e4 neither overflow nor NaN.
func TestNaiveHugeLogits(t *testing.T) {
	q := mat.NewDense(1, 1, []float64{100})
	k := mat.NewDense(3, 1, []float64{100, -100, 99.99})
	v := mat.NewDense(3, 1, []float64{1, 2, 3})
	got := Naive(q, k, v).T.At(0, 0)
	// weights 1, exp(-2e4) ≈ 0, exp(-1) relative to the max.
	w := (1 + 3*math.Exp(-1)) / (1 + math.Exp(-1))
	if !(math.Abs(got-w) <= 1e-14) {
		t.Errorf("T = %v; want %v", got, w)
	}
}
