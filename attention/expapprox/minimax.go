package expapprox

import (
	"math"
	"math/big"

	"gonum.org/v1/gonum/mat"
)

// The near-minimax candidate is tried for R ≤ minimaxMaxR (beyond it
// float64 coefficients cannot give a useful relative error anyway) and
// degrees 1 … minimaxMaxDegree.
const (
	minimaxMaxR      = 16
	minimaxMaxDegree = 60
)

// minimax returns the monomial coefficients of a near-best polynomial
// approximation of e^x on [−R, R] in the relative sense,
// min_P max |P(x)·e^{−x} − 1|, by Lawson's iteratively reweighted least
// squares (C. L. Lawson, 1961) in the Chebyshev basis on a Chebyshev grid
// of 8(g+1)+32 points. The construction needs no rigour: its certificate
// is computed afterwards by posterioriError. It returns nil when the
// least-squares problem cannot be solved. Cost O(iterations·points·g²).
func minimax(R float64, g int) []float64 {
	m := 8*(g+1) + 32
	a := mat.NewDense(m, g+1, nil)
	for i := range m {
		y := math.Cos(math.Pi * float64(i) / float64(m-1))
		wx := math.Exp(-R * y)
		t0, t1 := 1.0, y
		for k := 0; k <= g; k++ {
			a.Set(i, k, t0*wx)
			t0, t1 = t1, 2*y*t1-t0
		}
	}
	w := make([]float64, m)
	for i := range w {
		w[i] = 1 / float64(m)
	}
	var best []float64
	bestErr := math.Inf(1)
	aw := mat.NewDense(m, g+1, nil)
	bw := mat.NewVecDense(m, nil)
	var x, res mat.VecDense
	for range 40 {
		for i := range m {
			s := math.Sqrt(w[i])
			for k := 0; k <= g; k++ {
				aw.Set(i, k, a.At(i, k)*s)
			}
			bw.SetVec(i, s)
		}
		if err := x.SolveVec(aw, bw); err != nil {
			break
		}
		res.MulVec(a, &x)
		worst, sum := 0.0, 0.0
		for i := range m {
			e := math.Abs(res.AtVec(i) - 1)
			worst = math.Max(worst, e)
			w[i] *= e
			sum += w[i]
		}
		if worst < bestErr {
			bestErr = worst
			best = append(best[:0], x.RawVector().Data...)
		}
		if !(sum > 0) {
			break
		}
		for i := range w {
			w[i] /= sum
		}
	}
	if best == nil {
		return nil
	}
	beta := make([]*big.Float, g+1)
	for k, b := range best {
		beta[k] = bigS().SetFloat64(b)
	}
	return chebToMonomial(beta, R)
}
