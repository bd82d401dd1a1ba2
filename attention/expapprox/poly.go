package expapprox

import (
	"math"
	"math/big"
	"sync"
)

// Poly is a polynomial P(x) = Σ_{t≤g} Coef[t]·x^t that approximates e^x
// with a certified relative error on the interval [−R, R]:
//
//	|P(x) − e^x| ≤ CertErr · e^x   for every real x with |x| ≤ R,
//
// where P has exactly the float64 coefficients in Coef (the rounding of the
// coefficients to float64 is part of the certificate; the rounding of
// evaluating P is not: the attention solver bounds it separately).
//
// Two candidates are built and the one with the smaller certificate kept:
//
//   - the Chebyshev series of e^x on [−R, R] truncated at degree g,
//     e^{R·y} = I_0(R) + 2·Σ_{k≥1} I_k(R)·T_k(y) with y = x/R and I_k the
//     modified Bessel functions (Abramowitz–Stegun 9.6.34), converted to the
//     monomial basis in 512-bit arithmetic and rounded once to float64; its
//     a-priori certificate is the truncation part of APrioriError plus
//     the coefficient rounding (1.0001u + 2^−400)·Σ_t |Coef[t]|·R^t·e^R;
//   - for R ≤ 16 and g ≤ 60, a near-best approximation in the relative
//     sense (Lawson's algorithm), certified a posteriori by
//     posterioriError, a rigorous bound for its float64 coefficients.
//
// The truncated series loses a factor up to e^R in relative terms (its
// error is uniform in absolute terms); the relative one does not, so it
// needs a lower degree when R is not small (ε = 1e−6: g = 13 instead of 15
// at R = 4, 19 instead of 25 at R = 8). The certificates are within
// 1.1–1.8× of the error measured on a dense grid (tests check ≤ 3×).
type Poly struct {
	R       float64
	Coef    []float64
	CertErr float64
}

// seriesPrec is the precision, in bits, of the Bessel series and of the
// Chebyshev-to-monomial conversion.
const seriesPrec = 512

// pieces is the number of pieces of [−R, R] on which the near-minimax
// polynomial is certified.
const pieces = 16

// MaxDegree caps every degree search.
const MaxDegree = 2000

// New builds the degree-g approximation of e^x on [−R, R] with the
// smaller certificate (see [Poly]). Cost O(g·(g + R + 600)) operations
// on 512-bit floats for the series, and O(16·(g + eR + 60)²) on 320-bit
// floats for the a-posteriori certificate: about 8 ms at g = 6, R = 0.8 and
// 0.1 s at g = 40, R = 8. R must be finite and ≥ 0. Results are memoised
// per (R, g); the caller owns the returned copy.
func New(R float64, g int) *Poly {
	p := shared(R, g)
	return &Poly{R: p.R, Coef: append([]float64(nil), p.Coef...), CertErr: p.CertErr}
}

// memo caches built polynomials: the degree search, the experiments'
// sweeps and explain's tables ask for the same polynomials many times, and
// each build costs milliseconds to seconds of big-float work.
var memo struct {
	sync.Mutex
	m map[memoKey]*Poly
}

// memoKey names a polynomial: New(R, g), or a table entry (table true).
type memoKey struct {
	R     float64
	g     int
	table bool
}

// memoMax bounds the cache; it is cleared when full.
const memoMax = 1 << 12

// memoized returns the cached polynomial for key, building it with mk on
// a miss. The result is shared and must not be modified.
func memoized(key memoKey, mk func() *Poly) *Poly {
	memo.Lock()
	p, ok := memo.m[key]
	memo.Unlock()
	if ok {
		return p
	}
	p = mk()
	memo.Lock()
	if memo.m == nil || len(memo.m) >= memoMax {
		memo.m = make(map[memoKey]*Poly)
	}
	memo.m[key] = p
	memo.Unlock()
	return p
}

// shared is New without the copy: the result is shared and must not
// be modified.
func shared(R float64, g int) *Poly {
	return memoized(memoKey{R: R, g: g}, func() *Poly { return build(R, g) })
}

// build builds the polynomial of New.
func build(R float64, g int) *Poly {
	if g < 0 || g > MaxDegree {
		panic("expapprox: New degree out of range")
	}
	if R < 0 || math.IsNaN(R) || math.IsInf(R, 0) {
		panic("expapprox: New radius must be finite and ≥ 0")
	}
	p := &Poly{R: R, Coef: make([]float64, g+1)}
	if R == 0 {
		p.Coef[0] = 1
		return p
	}
	p.Coef = chebToMonomial(chebExpCoefs(R, g), R)
	// The certificate of these coefficients: truncation, plus their rounding
	// (≤ (1.0001u + 2^−400)·|c_t| each) measured by Σ_t |c_t|·R^t·e^R.
	const u = 0x1p-53
	p.CertErr = truncBound(R, g) + (u*1.0001+0x1p-400)*p.AbsSum(R)*math.Exp(R)*(1+1e-10)
	// The same polynomial checked a posteriori, and the near-minimax one.
	if R <= minimaxMaxR && g >= 1 && g <= minimaxMaxDegree {
		p.CertErr = math.Min(p.CertErr, posterioriError(R, p.Coef, 1))
		if mm := minimax(R, g); mm != nil {
			if e := posterioriError(R, mm, pieces); e < p.CertErr {
				p.Coef, p.CertErr = mm, e
			}
		}
	}
	return p
}

// chebToMonomial converts Σ_k β_k·T_k(x/R) to monomial coefficients
// c_t of x^t, in 512-bit arithmetic, rounded once to float64.
func chebToMonomial(beta []*big.Float, R float64) []float64 {
	g := len(beta) - 1
	coef := make([]float64, g+1)
	// Chebyshev polynomials T_k(y) = Σ_t tau[k][t]·y^t by T_{k+1} = 2y·T_k − T_{k−1},
	// accumulating C_t = Σ_k β_k·tau[k][t] on the way.
	prev := []*big.Int{big.NewInt(1)}               // T_0
	cur := []*big.Int{big.NewInt(0), big.NewInt(1)} // T_1
	acc := make([]*big.Float, g+1)
	for t := range acc {
		acc[t] = bigS()
	}
	addTimes := func(tau []*big.Int, b *big.Float) {
		tmp := bigS()
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
	rt := bigS().SetFloat64(1)
	bR := bigS().SetFloat64(R)
	for t := range acc {
		c := bigS().Quo(acc[t], rt)
		coef[t], _ = c.Float64()
		rt.Mul(rt, bR)
	}
	return coef
}

// Eval returns P(x) by Horner's rule (for tests and diagnostics; the
// attention kernel never evaluates P directly).
func (p *Poly) Eval(x float64) float64 {
	s := 0.0
	for t := len(p.Coef) - 1; t >= 0; t-- {
		s = s*x + p.Coef[t]
	}
	return s
}

// AbsSum returns Σ_t |Coef[t]|·y^t, the quantity that bounds the rounding
// error of evaluating P at arguments |x| ≤ y.
func (p *Poly) AbsSum(y float64) float64 {
	s := 0.0
	for t := len(p.Coef) - 1; t >= 0; t-- {
		s = s*y + math.Abs(p.Coef[t])
	}
	return s
}

func bigS() *big.Float { return new(big.Float).SetPrec(seriesPrec) }

// chebExpCoefs returns β_0 = I_0(R), β_k = 2·I_k(R) for k = 1..g, the
// Chebyshev coefficients of e^{R·y} on [−1, 1], from the power series
// I_k(R) = Σ_m (R/2)^{2m+k}/(m!(m+k)!) (all terms positive, so the 512-bit
// sum is accurate to about 2^−500 relative).
func chebExpCoefs(R float64, g int) []*big.Float {
	half := bigS().SetFloat64(R / 2) // exact: halving a float64
	h2 := bigS().Mul(half, half)
	out := make([]*big.Float, g+1)
	lead := bigS().SetFloat64(1) // (R/2)^k / k!
	eps := bigS().SetMantExp(bigS().SetFloat64(1), -seriesPrec-8)
	for k := 0; k <= g; k++ {
		if k > 0 {
			lead.Mul(lead, half)
			lead.Quo(lead, bigS().SetInt64(int64(k)))
		}
		sum := bigS().Set(lead)
		term := bigS().Set(lead)
		thr := bigS()
		for m := 1; ; m++ {
			term.Mul(term, h2)
			term.Quo(term, bigS().SetInt64(int64(m)*int64(m+k)))
			sum.Add(sum, term)
			// Once terms shrink by at least half, the rest is below term.
			if float64(m)*float64(m+k) > 2*R*R/4 && term.Cmp(thr.Mul(sum, eps)) < 0 {
				break
			}
		}
		if k > 0 {
			sum.Mul(sum, bigS().SetFloat64(2))
		}
		out[k] = sum
	}
	return out
}

// MaxRadius is the largest radius R for which anything is built or
// certified: beyond it e^{±R} leaves the float64 range.
const MaxRadius = 700
