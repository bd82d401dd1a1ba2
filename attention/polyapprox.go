package attention

import (
	"math"
	"math/big"
	"sync"
)

// ExpPoly is a polynomial P(x) = Σ_{t≤g} Coef[t]·x^t that approximates e^x
// with a certified relative error on the interval [−R, R]:
//
//	|P(x) − e^x| ≤ CertErr · e^x   for every real x with |x| ≤ R,
//
// where P has exactly the float64 coefficients in Coef (the rounding of the
// coefficients to float64 is part of the certificate; the rounding of
// evaluating P is not: [Poly] bounds it separately).
//
// Two candidates are built and the one with the smaller certificate kept:
//
//   - the Chebyshev series of e^x on [−R, R] truncated at degree g,
//     e^{R·y} = I_0(R) + 2·Σ_{k≥1} I_k(R)·T_k(y) with y = x/R and I_k the
//     modified Bessel functions (Abramowitz–Stegun 9.6.34), converted to the
//     monomial basis in 512-bit arithmetic and rounded once to float64; its
//     a-priori certificate is the truncation part of polyAPrioriError plus
//     the coefficient rounding (1.0001u + 2^−400)·Σ_t |Coef[t]|·R^t·e^R;
//   - for R ≤ 16 and g ≤ 60, a near-best approximation in the relative
//     sense (Lawson's algorithm), certified a posteriori by
//     polyPosterioriError, a rigorous bound for its float64 coefficients.
//
// The truncated series loses a factor up to e^R in relative terms (its
// error is uniform in absolute terms); the relative one does not, so it
// needs a lower degree when R is not small (ε = 1e−6: g = 13 instead of 15
// at R = 4, 19 instead of 25 at R = 8). The certificates are within
// 1.1–1.8× of the error measured on a dense grid (tests check ≤ 3×).
type ExpPoly struct {
	R       float64
	Coef    []float64
	CertErr float64
}

// expPolyPrec is the precision, in bits, of the Bessel series and of the
// Chebyshev-to-monomial conversion.
const expPolyPrec = 512

// polyPieces is the number of pieces of [−R, R] on which the near-minimax
// polynomial is certified.
const polyPieces = 16

// maxPolyDegree caps every degree search.
const maxPolyDegree = 2000

// PolyCertifiedError returns the certified relative error
// sup_{|x|≤R} |P(x) − e^x|/e^x of the degree-g polynomial P that [Poly]
// uses, NewExpPoly(R, g).CertErr (for g > 300, where building P is slow,
// the a-priori bound of the truncated Chebyshev series). The experiments and
// the solver share it. Cost O(g·(g+R)²) big-float operations, a few ms for
// small g.
func PolyCertifiedError(R float64, g int) float64 {
	if g <= polyBuildMaxDegree && R <= polyMaxRadius {
		return expPoly(R, g).CertErr
	}
	return polyAPrioriError(R, g)
}

// polyBuildMaxDegree is the largest degree for which the certificate is
// computed from the built polynomial.
const polyBuildMaxDegree = 300

// polyAPrioriError returns a rigorous upper bound on the relative error of
// the truncated Chebyshev series of degree g built by [NewExpPoly], float64
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
func polyAPrioriError(R float64, g int) float64 {
	if g < 0 {
		panic("attention: PolyCertifiedError with negative degree")
	}
	if R < 0 || math.IsNaN(R) {
		panic("attention: PolyCertifiedError with negative or NaN radius")
	}
	if R == 0 {
		return 0 // e^x = 1 = P(x) on {0}: the series is exact
	}
	if math.IsInf(R, 1) {
		return math.Inf(1)
	}
	const u = 0x1p-53
	logRound := math.Log(2*(u*1.0001+0x1p-400)) + math.Sqrt2*R
	return polyTruncBound(R, g) + math.Exp(R+logRound)*(1+1e-10)
}

// polyTruncBound is the truncation and underflow part of the certificate
// (see PolyCertifiedError), for R > 0.
func polyTruncBound(R float64, g int) float64 {
	gf := float64(g)
	var logTail float64 // log of 2·Σ_{k>g} I_k(R)
	if R < 2*(gf+2) {
		lg, _ := math.Lgamma(gf + 2)
		logTail = math.Ln2 + (gf+1)*math.Log(R/2) - lg + R*R/(4*(gf+2)) - math.Log1p(-R/(2*(gf+2)))
	} else {
		logTail = R
	}
	logUnder := math.Log(gf+1) - 1074*math.Ln2 + gf*math.Log(math.Max(1, R))
	// The float64 evaluation of this formula is accurate to a few ulps per
	// operation; the factor covers it with a wide margin.
	return (math.Exp(R+logTail) + math.Exp(R+logUnder)) * (1 + 1e-10)
}

// PolyDegree returns the least degree g whose certified relative error
// [PolyCertifiedError](R, g) is at most eps, and that error, scanning
// degrees from an estimate (the certificate decreases with g). When no degree reaches eps
// (float64 coefficients put a floor of about u·e^{2R} under any relative
// bound), it returns the degree past which the bound stops improving, with
// its error > eps: callers must compare.
func PolyDegree(R, eps float64) (g int, certErr float64) {
	if !(eps > 0) {
		panic("attention: PolyDegree needs eps > 0")
	}
	g, certErr, _ = polyDegreeBuild(R, eps)
	return g, certErr
}

// polyDegreeBuild is PolyDegree also returning the polynomial it certified
// (nil when g > polyBuildMaxDegree: then the certificate is a priori).
// The a-posteriori certificate is typically below the a-priori one by a
// factor up to about e^R, so the scan starts at the a-priori degree for
// 4·e^R·eps and moves up (at most to the a-priori degree for eps, which is
// certified) or down from there.
func polyDegreeBuild(R, eps float64) (int, float64, *ExpPoly) {
	hi, ehi := polyAPrioriDegree(R, eps)
	if hi > polyBuildMaxDegree || R > polyMaxRadius {
		return hi, ehi, nil
	}
	if ehi > eps {
		// Floor case of the a-priori bound: the least degree near it that
		// the built polynomial certifies, else the best certificate.
		var best *ExpPoly
		for g := max(0, hi-8); g <= min(hi+8, polyBuildMaxDegree); g++ {
			p := expPoly(R, g)
			if p.CertErr <= eps {
				return g, p.CertErr, p
			}
			if best == nil || p.CertErr < best.CertErr*(1-1e-3) {
				best = p
			}
		}
		return len(best.Coef) - 1, best.CertErr, best
	}
	start, _ := polyAPrioriDegree(R, math.Min(4*math.Exp(R)*eps, 0.5))
	g := min(max(0, start-1), hi)
	p := expPoly(R, g)
	for p.CertErr > eps && g < hi {
		g++
		p = expPoly(R, g)
	}
	for g > 0 {
		q := expPoly(R, g-1)
		if q.CertErr > eps {
			break
		}
		g, p = g-1, q
	}
	return g, p.CertErr, p
}

// polyAPrioriDegree is PolyDegree for the O(1) bound polyAPrioriError.
func polyAPrioriDegree(R, eps float64) (g int, certErr float64) {
	best, bestErr := 0, polyAPrioriError(R, 0)
	for g := 0; g <= maxPolyDegree; g++ {
		e := polyAPrioriError(R, g)
		if e <= eps {
			return g, e
		}
		if e < bestErr*(1-1e-3) {
			best, bestErr = g, e
		} else if g > best+8 && R < 2*float64(g) {
			break // past the floor: no further degree helps
		}
	}
	return best, bestErr
}

// NewExpPoly builds the degree-g approximation of e^x on [−R, R] with the
// smaller certificate (see [ExpPoly]). Cost O(g·(g + R + 600)) operations
// on 512-bit floats for the series, and O(16·(g + eR + 60)²) on 320-bit
// floats for the a-posteriori certificate: about 8 ms at g = 6, R = 0.8 and
// 0.1 s at g = 40, R = 8. R must be finite and ≥ 0. Results are memoised
// per (R, g); the caller owns the returned copy.
func NewExpPoly(R float64, g int) *ExpPoly {
	p := expPoly(R, g)
	return &ExpPoly{R: p.R, Coef: append([]float64(nil), p.Coef...), CertErr: p.CertErr}
}

// expPolyMemo caches built polynomials: the degree search, the experiments'
// sweeps and explain's tables ask for the same (R, g) many times, and each
// build costs milliseconds to seconds of big-float work.
var expPolyMemo struct {
	sync.Mutex
	m map[[2]float64]*ExpPoly
}

// expPolyMemoMax bounds the cache; it is cleared when full.
const expPolyMemoMax = 1 << 12

// expPoly is NewExpPoly without the copy: the result is shared and must not
// be modified.
func expPoly(R float64, g int) *ExpPoly {
	key := [2]float64{R, float64(g)}
	expPolyMemo.Lock()
	p, ok := expPolyMemo.m[key]
	expPolyMemo.Unlock()
	if ok {
		return p
	}
	p = buildExpPoly(R, g)
	expPolyMemo.Lock()
	if expPolyMemo.m == nil || len(expPolyMemo.m) >= expPolyMemoMax {
		expPolyMemo.m = make(map[[2]float64]*ExpPoly)
	}
	expPolyMemo.m[key] = p
	expPolyMemo.Unlock()
	return p
}

// buildExpPoly builds the polynomial of NewExpPoly.
func buildExpPoly(R float64, g int) *ExpPoly {
	if g < 0 || g > maxPolyDegree {
		panic("attention: NewExpPoly degree out of range")
	}
	if R < 0 || math.IsNaN(R) || math.IsInf(R, 0) {
		panic("attention: NewExpPoly radius must be finite and ≥ 0")
	}
	p := &ExpPoly{R: R, Coef: make([]float64, g+1)}
	if R == 0 {
		p.Coef[0] = 1
		return p
	}
	p.Coef = polyChebToMonomial(polyChebExpCoefs(R, g), R)
	// The certificate of these coefficients: truncation, plus their rounding
	// (≤ (1.0001u + 2^−400)·|c_t| each) measured by Σ_t |c_t|·R^t·e^R.
	const u = 0x1p-53
	p.CertErr = polyTruncBound(R, g) + (u*1.0001+0x1p-400)*p.AbsSum(R)*math.Exp(R)*(1+1e-10)
	// The same polynomial checked a posteriori, and the near-minimax one.
	if R <= polyMinimaxMaxR && g >= 1 && g <= polyMinimaxMaxDegree {
		p.CertErr = math.Min(p.CertErr, polyPosterioriError(R, p.Coef, 1))
		if mm := polyMinimax(R, g); mm != nil {
			if e := polyPosterioriError(R, mm, polyPieces); e < p.CertErr {
				p.Coef, p.CertErr = mm, e
			}
		}
	}
	return p
}

// polyChebToMonomial converts Σ_k β_k·T_k(x/R) to monomial coefficients
// c_t of x^t, in 512-bit arithmetic, rounded once to float64.
func polyChebToMonomial(beta []*big.Float, R float64) []float64 {
	g := len(beta) - 1
	coef := make([]float64, g+1)
	// Chebyshev polynomials T_k(y) = Σ_t tau[k][t]·y^t by T_{k+1} = 2y·T_k − T_{k−1},
	// accumulating C_t = Σ_k β_k·tau[k][t] on the way.
	prev := []*big.Int{big.NewInt(1)}               // T_0
	cur := []*big.Int{big.NewInt(0), big.NewInt(1)} // T_1
	acc := make([]*big.Float, g+1)
	for t := range acc {
		acc[t] = polyBig()
	}
	addTimes := func(tau []*big.Int, b *big.Float) {
		tmp := polyBig()
		for t, c := range tau {
			if c.Sign() != 0 && t <= g {
				tmp.SetInt(c)
				tmp.Mul(tmp, b)
				acc[t].Add(acc[t], tmp)
			}
		}
	}
	addTimes(prev, beta[0])
	for k := 1; k <= g; k++ {
		addTimes(cur, beta[k])
		next := make([]*big.Int, k+2)
		for t := range next {
			next[t] = new(big.Int)
			if t >= 1 && t-1 < len(cur) {
				next[t].Lsh(cur[t-1], 1)
			}
			if t < len(prev) {
				next[t].Sub(next[t], prev[t])
			}
		}
		prev, cur = cur, next
	}
	// c_t = C_t / R^t.
	rt := polyBig().SetFloat64(1)
	bR := polyBig().SetFloat64(R)
	for t := range acc {
		c := polyBig().Quo(acc[t], rt)
		coef[t], _ = c.Float64()
		rt.Mul(rt, bR)
	}
	return coef
}

// Eval returns P(x) by Horner's rule (for tests and diagnostics; the
// attention kernel never evaluates P directly).
func (p *ExpPoly) Eval(x float64) float64 {
	s := 0.0
	for t := len(p.Coef) - 1; t >= 0; t-- {
		s = s*x + p.Coef[t]
	}
	return s
}

// AbsSum returns Σ_t |Coef[t]|·y^t, the quantity that bounds the rounding
// error of evaluating P at arguments |x| ≤ y.
func (p *ExpPoly) AbsSum(y float64) float64 {
	s := 0.0
	for t := len(p.Coef) - 1; t >= 0; t-- {
		s = s*y + math.Abs(p.Coef[t])
	}
	return s
}

func polyBig() *big.Float { return new(big.Float).SetPrec(expPolyPrec) }

// polyChebExpCoefs returns β_0 = I_0(R), β_k = 2·I_k(R) for k = 1..g, the
// Chebyshev coefficients of e^{R·y} on [−1, 1], from the power series
// I_k(R) = Σ_m (R/2)^{2m+k}/(m!(m+k)!) (all terms positive, so the 512-bit
// sum is accurate to about 2^−500 relative).
func polyChebExpCoefs(R float64, g int) []*big.Float {
	half := polyBig().SetFloat64(R / 2) // exact: halving a float64
	h2 := polyBig().Mul(half, half)
	out := make([]*big.Float, g+1)
	lead := polyBig().SetFloat64(1) // (R/2)^k / k!
	eps := polyBig().SetMantExp(polyBig().SetFloat64(1), -expPolyPrec-8)
	for k := 0; k <= g; k++ {
		if k > 0 {
			lead.Mul(lead, half)
			lead.Quo(lead, polyBig().SetInt64(int64(k)))
		}
		sum := polyBig().Set(lead)
		term := polyBig().Set(lead)
		thr := polyBig()
		for m := 1; ; m++ {
			term.Mul(term, h2)
			term.Quo(term, polyBig().SetInt64(int64(m)*int64(m+k)))
			sum.Add(sum, term)
			// Once terms shrink by at least half, the rest is below term.
			if float64(m)*float64(m+k) > 2*R*R/4 && term.Cmp(thr.Mul(sum, eps)) < 0 {
				break
			}
		}
		if k > 0 {
			sum.Mul(sum, polyBig().SetFloat64(2))
		}
		out[k] = sum
	}
	return out
}
