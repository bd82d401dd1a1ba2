package expapprox

import (
	"math"
	"math/big"
)

// MaxBuildDegree caps the degree [Select] builds when every certificate
// within a budget is vacuous (≥ 1) and it takes the largest degree that
// fits.
const MaxBuildDegree = 300

// APrioriError returns a rigorous upper bound on the relative error of
// the truncated Chebyshev series of degree g built by [New], float64
// coefficients included, without building it. Cost O(1).
//
// The bound is the sum of three terms, each multiplied by e^R = 1/min e^x:
//
//   - truncation: |e^x − P(x)| ≤ 2·Σ_{k>g} I_k(R), and
//     I_k(R) ≤ (R/2)^k/k!·exp(R²/(4(k+1))) (bound (m+k)! ≥ k!(k+1)^m in the
//     series of I_k), so for R < 2(g+2)
//     Σ_{k>g} I_k(R) ≤ (R/2)^{g+1}/(g+1)! · exp(R²/(4(g+2))) / (1 − R/(2(g+2)));
//     otherwise Σ_{k>g} I_k(R) ≤ e^R/2.
//   - coefficient rounding: each coefficient is rounded once (relative error
//     ≤ u = 2^−53, plus 2^−400 for the 512-bit conversion), and
//     Σ_t |c_t|·R^t ≤ Σ_k |β_k|·|T_k(i)| ≤ 2·Σ_k I_k(R)(1+√2)^k ≤ 2·e^{√2·R}
//     (generating function Σ_k I_k(R)·s^k = e^{R(s+1/s)/2}).
//   - underflow of tiny coefficients to subnormals: at most (g+1)·2^−1074·max(1,R)^g.
//
// The result is +Inf when it overflows; it may exceed 1 (then the bound is
// vacuous). In the regime where it is useful (R well below 2(g+2)) it is
// tighter than the Chebyshev-interpolation bound R^{g+1}·e^R/(2^g·(g+1)!)·e^R
// (which loses e^R twice) by about e^{R/2}, and than the Taylor remainder
// e^R·R^{g+1}/(g+1)! by about 2^g.
func APrioriError(R float64, g int) float64 {
	if g < 0 {
		panic("expapprox: CertifiedError with negative degree")
	}
	if R < 0 || math.IsNaN(R) {
		panic("expapprox: CertifiedError with negative or NaN radius")
	}
	if R == 0 {
		return 0 // e^x = 1 = P(x) on {0}: the series is exact
	}
	if math.IsInf(R, 1) {
		return math.Inf(1)
	}
	const u = 0x1p-53
	logRound := math.Log(2*(u*1.0001+0x1p-400)) + math.Sqrt2*R
	return truncBound(R, g) + math.Exp(R+logRound)*(1+1e-10)
}

// truncBound is the truncation and underflow part of the certificate
// (see CertifiedError), for R > 0.
func truncBound(R float64, g int) float64 {
	gf := float64(g)
	var logTail float64 // log of 2·Σ_{k>g} I_k(R)
	logTail = R         // 2·Σ_{k>g} I_k(R) ≤ I_0(R) + 2·Σ_{k≥1} I_k(R) = e^R
	if R < 2*(gf+2) {
		lg, _ := math.Lgamma(gf + 2)
		// Taking the smaller of the two keeps the bound nondecreasing in R.
		logTail = math.Min(logTail, math.Ln2+(gf+1)*math.Log(R/2)-lg+R*R/(4*(gf+2))-math.Log1p(-R/(2*(gf+2))))
	}
	logUnder := math.Log(gf+1) - 1074*math.Ln2 + gf*math.Log(math.Max(1, R))
	// The float64 evaluation of this formula is accurate to a few ulps per
	// operation; the factor covers it with a wide margin.
	return (math.Exp(R+logTail) + math.Exp(R+logUnder)) * (1 + 1e-10)
}

// posterioriError returns a rigorous bound on sup_{|x|≤R} |P(x)e^{−x} − 1|
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
func posterioriError(R float64, coef []float64, pieces int) float64 {
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
	bR := bigP().SetFloat64(R)
	cR := make([]*big.Float, g+1) // c_t·R^t
	pw := bigP().SetFloat64(1)
	for t := range cR {
		cR[t] = bigP().Mul(bigP().SetFloat64(coef[t]), pw)
		pw.Mul(pw, bR)
	}
	tR := make([]*big.Float, n+1) // (−R)^j / j!
	tR[0] = bigP().SetFloat64(1)
	for j := 1; j <= n; j++ {
		tR[j] = bigP().Mul(tR[j-1], bR)
		tR[j].Quo(tR[j], bigP().SetInt64(int64(-j)))
	}
	deg := g + n
	e := make([]*big.Float, deg+1)
	for m := range e {
		e[m] = bigP()
	}
	tmp := bigP()
	for i, c := range cR {
		for j, t := range tR {
			e[i+j].Add(e[i+j], tmp.Mul(c, t))
		}
	}
	e[0].Sub(e[0], bigP().SetFloat64(1))
	// Cover [−1, 1] by pieces [b_s, b_{s+1}] with b_s ≈ −cos(πs/S) (exactly
	// −1 and 1 at the ends, shared float64 boundaries in between); on each,
	// bound |E(c + δz)|, z ∈ [−1, 1], by its Chebyshev coefficient sum and
	// take the maximum.
	worst := bigP()
	shifted := make([]*big.Float, deg+1)
	for k := range shifted {
		shifted[k] = bigP()
	}
	for sIdx := range pieces {
		lo, hi := -math.Cos(math.Pi*float64(sIdx)/float64(pieces)), -math.Cos(math.Pi*float64(sIdx+1)/float64(pieces))
		if sIdx == 0 {
			lo = -1
		}
		if sIdx == pieces-1 {
			hi = 1
		}
		c := bigP().Add(bigP().SetFloat64(lo), bigP().SetFloat64(hi))
		c.SetMantExp(c, -1)
		delta := bigP().Sub(bigP().SetFloat64(hi), bigP().SetFloat64(lo))
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
		pw := bigP().SetFloat64(1)
		for k := range shifted {
			shifted[k].Mul(shifted[k], pw)
			pw.Mul(pw, delta)
		}
		if b := chebAbsSum(shifted); b.Cmp(worst) > 0 {
			worst.Set(b)
		}
	}
	s, _ := worst.Float64()
	margin := 0x1p-300 * 4 * pbar * math.Exp(R) * float64((deg+1)*(deg+1)) * math.Pow(2, float64(deg))
	return (s + tail + margin) * (1 + 1e-10)
}

// chebAbsSum returns Σ_k |β_k| for Σ_m a_m·z^m = Σ_k β_k·T_k(z), using
// z^m = 2^{1−m}·Σ_j C(m, j)·T_{m−2j}(z) (the j = m/2 term halved); it bounds
// the polynomial's maximum modulus on [−1, 1]. Cost O(deg²).
func chebAbsSum(a []*big.Float) *big.Float {
	deg := len(a) - 1
	beta := make([]*big.Float, deg+1)
	for k := range beta {
		beta[k] = bigP()
	}
	row := []*big.Int{big.NewInt(1)} // binomials C(m, ·)
	bin, tmp := bigP(), bigP()
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
	sum := bigP()
	for _, b := range beta {
		sum.Add(sum, tmp.Abs(b))
	}
	return sum
}

// posterioriPrec is the precision, in bits, of the a-posteriori check.
const posterioriPrec = 320

func bigP() *big.Float { return new(big.Float).SetPrec(posterioriPrec) }
