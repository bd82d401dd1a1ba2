package attention

import (
	"math"
	"math/big"

	"gonum.org/v1/gonum/mat"
)

// The near-minimax candidate is tried for R ≤ polyMinimaxMaxR (beyond it
// float64 coefficients cannot give a useful relative error anyway) and
// degrees 1 … polyMinimaxMaxDegree.
const (
	polyMinimaxMaxR      = 16
	polyMinimaxMaxDegree = 60
)

// polyMinimax returns the monomial coefficients of a near-best polynomial
// approximation of e^x on [−R, R] in the relative sense,
// min_P max |P(x)·e^{−x} − 1|, by Lawson's iteratively reweighted least
// squares (C. L. Lawson, 1961) in the Chebyshev basis on a Chebyshev grid
// of 8(g+1)+32 points. The construction needs no rigour: its certificate
// is computed afterwards by polyPosterioriError. It returns nil when the
// least-squares problem cannot be solved. Cost O(iterations·points·g²).
func polyMinimax(R float64, g int) []float64 {
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
		beta[k] = polyBig().SetFloat64(b)
	}
	return polyChebToMonomial(beta, R)
}

// polyPosterioriError returns a rigorous bound on sup_{|x|≤R} |P(x)e^{−x} − 1|
// for P(x) = Σ_t coef[t]·x^t, the float64 coefficients taken exactly.
//
// With y = x/R and T_N(z) = Σ_{j≤N} z^j/j!, write
// P(x)e^{−x} − 1 = E(y) + P(x)·(e^{−x} − T_N(−x)), E(y) = P(Ry)·T_N(−Ry) − 1.
// E is a polynomial of degree g+N computed in 320-bit arithmetic and
// expanded in Chebyshev polynomials, y^m = 2^{1−m}·Σ_j C(m, j)·T_{m−2j}(y)
// (the j = m/2 term halved), so sup_{[−1,1]} |E| ≤ Σ_k |β_k|. The second
// term is at most P̄(R)·R^{N+1}·e^R/(N+1)! (Lagrange remainder), with
// P̄(R) = Σ_t |coef[t]|·R^t; N is chosen to make it below 1e−24. A margin
// 2^−300·4·P̄(R)·e^R·(g+N+1)²·2^{g+N} covers the 320-bit rounding (the
// factor 2^{g+N} for the growth of coefficients in the Taylor shifts). Cost O((g+N)²)
// big-float operations, N ≈ e·R + 60.
func polyPosterioriError(R float64, coef []float64, pieces int) float64 {
	g := len(coef) - 1
	pbar := 0.0
	for t := g; t >= 0; t-- {
		pbar = pbar*R + math.Abs(coef[t])
	}
	pbar *= 1 + 1e-12
	logTarget := math.Log(1e-24)
	n := int(math.Ceil(R)) + 8
	for {
		lg, _ := math.Lgamma(float64(n + 2))
		if math.Log(pbar)+float64(n+1)*math.Log(R)+R-lg < logTarget {
			break
		}
		n++
	}
	lg, _ := math.Lgamma(float64(n + 2))
	tail := math.Exp(math.Log(pbar) + float64(n+1)*math.Log(R) + R - lg)
	bR := polyBigP().SetFloat64(R)
	cR := make([]*big.Float, g+1) // c_t·R^t
	pw := polyBigP().SetFloat64(1)
	for t := range cR {
		cR[t] = polyBigP().Mul(polyBigP().SetFloat64(coef[t]), pw)
		pw.Mul(pw, bR)
	}
	tR := make([]*big.Float, n+1) // (−R)^j / j!
	tR[0] = polyBigP().SetFloat64(1)
	for j := 1; j <= n; j++ {
		tR[j] = polyBigP().Mul(tR[j-1], bR)
		tR[j].Quo(tR[j], polyBigP().SetInt64(int64(-j)))
	}
	deg := g + n
	e := make([]*big.Float, deg+1)
	for m := range e {
		e[m] = polyBigP()
	}
	tmp := polyBigP()
	for i, c := range cR {
		for j, t := range tR {
			e[i+j].Add(e[i+j], tmp.Mul(c, t))
		}
	}
	e[0].Sub(e[0], polyBigP().SetFloat64(1))
	// Cover [−1, 1] by pieces [b_s, b_{s+1}] with b_s ≈ −cos(πs/S) (exactly
	// −1 and 1 at the ends, shared float64 boundaries in between); on each,
	// bound |E(c + δz)|, z ∈ [−1, 1], by its Chebyshev coefficient sum and
	// take the maximum.
	worst := polyBigP()
	shifted := make([]*big.Float, deg+1)
	for k := range shifted {
		shifted[k] = polyBigP()
	}
	for sIdx := range pieces {
		lo, hi := -math.Cos(math.Pi*float64(sIdx)/float64(pieces)), -math.Cos(math.Pi*float64(sIdx+1)/float64(pieces))
		if sIdx == 0 {
			lo = -1
		}
		if sIdx == pieces-1 {
			hi = 1
		}
		c := polyBigP().Add(polyBigP().SetFloat64(lo), polyBigP().SetFloat64(hi))
		c.SetMantExp(c, -1)
		delta := polyBigP().Sub(polyBigP().SetFloat64(hi), polyBigP().SetFloat64(lo))
		delta.SetMantExp(delta, -1)
		// Taylor shift: shifted(z) = E(c + z), then scale z by δ.
		for k := range shifted {
			shifted[k].Set(e[k])
		}
		for i := 0; i < deg; i++ {
			for j := deg - 1; j >= i; j-- {
				shifted[j].Add(shifted[j], tmp.Mul(c, shifted[j+1]))
			}
		}
		pw := polyBigP().SetFloat64(1)
		for k := range shifted {
			shifted[k].Mul(shifted[k], pw)
			pw.Mul(pw, delta)
		}
		if b := polyChebAbsSum(shifted); b.Cmp(worst) > 0 {
			worst.Set(b)
		}
	}
	s, _ := worst.Float64()
	margin := 0x1p-300 * 4 * pbar * math.Exp(R) * float64((deg+1)*(deg+1)) * math.Pow(2, float64(deg))
	return (s + tail + margin) * (1 + 1e-10)
}

// polyChebAbsSum returns Σ_k |β_k| for Σ_m a_m·z^m = Σ_k β_k·T_k(z), using
// z^m = 2^{1−m}·Σ_j C(m, j)·T_{m−2j}(z) (the j = m/2 term halved); it bounds
// the polynomial's maximum modulus on [−1, 1]. Cost O(deg²).
func polyChebAbsSum(a []*big.Float) *big.Float {
	deg := len(a) - 1
	beta := make([]*big.Float, deg+1)
	for k := range beta {
		beta[k] = polyBigP()
	}
	row := []*big.Int{big.NewInt(1)} // binomials C(m, ·)
	bin, tmp := polyBigP(), polyBigP()
	for m := 0; m <= deg; m++ {
		if m > 0 {
			next := make([]*big.Int, m+1)
			next[0], next[m] = big.NewInt(1), big.NewInt(1)
			for j := 1; j < m; j++ {
				next[j] = new(big.Int).Add(row[j-1], row[j])
			}
			row = next
		}
		if a[m].Sign() == 0 {
			continue
		}
		for j := 0; 2*j <= m; j++ {
			bin.SetInt(row[j])
			exp := 1 - m
			if 2*j == m {
				exp-- // the T_0 term is halved
			}
			bin.SetMantExp(bin, exp)
			beta[m-2*j].Add(beta[m-2*j], tmp.Mul(a[m], bin))
		}
	}
	sum := polyBigP()
	for _, b := range beta {
		sum.Add(sum, tmp.Abs(b))
	}
	return sum
}

// polyPosterioriPrec is the precision, in bits, of the a-posteriori check.
const polyPosterioriPrec = 320

func polyBigP() *big.Float { return new(big.Float).SetPrec(polyPosterioriPrec) }
