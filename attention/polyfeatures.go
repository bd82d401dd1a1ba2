package attention

import (
	"math"

	"github.com/hardnesslab/hardness/attention/expapprox"
)

// Rank returns r = C(d+g, g), the number of polynomial-method features
// ([expapprox.Rank]).
func Rank(d, g int) float64 { return expapprox.Rank(d, g) }

// polyMonomials is the generation program of all monomials of degree ≤ g in d
// variables, in graded order: feature f > 0 is feature parent[f] times
// coordinate coord[f], so evaluating a feature costs one multiplication.
// Feature 0 is the constant 1; features start[t] … start[t+1]−1 have degree t.
type polyMonomials struct {
	d, g   int
	parent []int32
	coord  []int32
	// multi[f] = t!/α! (the multinomial coefficient of x^α in (x_1+…+x_d)^t),
	// rounded to float64 (exact below 2^53).
	multi []float64
	start []int
	// last[p] is the largest coordinate of monomial p (0 for the constant),
	// kept for the parents p < start[g]: the children of p are contiguous,
	// p·x_l for l = last[p] … d−1, in the order of their parents.
	last []int32
}

// newPolyMonomials builds the program: a monomial x^α with |α| = t is generated
// once, from the parent obtained by removing one copy of its largest
// coordinate, so children of a parent whose largest coordinate is L use the
// coordinates L … d−1. Cost O(r) time and memory (24 bytes per feature).
func newPolyMonomials(d, g, r int) *polyMonomials {
	m := &polyMonomials{d: d, g: g, parent: make([]int32, r), coord: make([]int32, r),
		multi: make([]float64, r), start: make([]int, g+2)}
	last := make([]int32, r)    // largest coordinate of the monomial (0 for the constant)
	lastExp := make([]int32, r) // its exponent
	m.last = last
	m.multi[0] = 1
	n := 1
	m.start[1] = 1
	for t := 1; t <= g; t++ {
		for p := m.start[t-1]; p < m.start[t]; p++ {
			for l := last[p]; l < int32(d); l++ {
				e := int32(1)
				if l == last[p] && p > 0 {
					e = lastExp[p] + 1
				}
				m.parent[n], m.coord[n], last[n], lastExp[n] = int32(p), l, l, e
				m.multi[n] = m.multi[p] * float64(t) / float64(e)
				n++
			}
		}
		m.start[t+1] = n
	}
	if n != r {
		panic("attention: monomial count disagrees with Rank")
	}
	m.last = last[:m.start[g]:m.start[g]]
	return m
}

// eval writes the monomials x^α of x (length d) into dst (length r): one
// multiplication each, parent times coordinate; the children of parent p
// are p·x_l for l = last[p] … d−1, stored contiguously.
func (m *polyMonomials) eval(dst, x []float64) {
	dst[0] = 1
	c, d := 1, m.d
	x = x[:d]
	for p, l := range m.last {
		s := dst[p]
		for j := int(l); j < d; j++ {
			dst[c] = s * x[j]
			c++
		}
	}
}

// weights returns w_f = c_t·S^t·(t!/α!) with S = 2^E/d for each feature f
// of degree t, so that Σ_f w_f·q̂^α·k̂^α = Σ_t c_t·(⟨q,k⟩/d)^t = P(⟨q,k⟩/d)
// by the multinomial theorem, for features of the scaled rows
// q̂·k̂ = 2^{−E}·q·k (polyScale). c_t·S^t is c_t/d^t (d^t by repeated
// products) times 2^{Et} (exact), or, where d^t or the quotient leaves the
// normal range, c_t times a normalised mantissa of d^{−t}; either way each
// w_f carries a relative rounding error ≤ γ_{3t+2}.
func (m *polyMonomials) weights(coef []float64, E int) []float64 {
	w := make([]float64, len(m.multi))
	scale := make([]float64, m.g+1) // c_t·S^t
	d := float64(m.d)
	dt := 1.0                       // d^t
	invM, invE := math.Frexp(1 / d) // 1/d = invM·2^invE
	pm, pe := 1.0, 0                // d^{−t} ≈ pm·2^pe, pm ∈ [0.5, 1)
	for t := range scale {
		if q := coef[t] / dt; !math.IsInf(dt, 0) && (q == 0 || math.Abs(q) >= 0x1p-1022) {
			scale[t] = math.Ldexp(q, E*t)
		} else {
			scale[t] = math.Ldexp(coef[t]*pm, pe+E*t)
		}
		dt *= d
		fm, fe := math.Frexp(pm * invM)
		pm, pe = fm, pe+invE+fe
	}
	for t := 0; t <= m.g; t++ {
		for f := m.start[t]; f < m.start[t+1]; f++ {
			w[f] = scale[t] * m.multi[f]
		}
	}
	return w
}

// polyRoundingDepth bounds the number of floating-point roundings on any path
// from the inputs to a term w_f·q_i^α·(k_j^α·v_j) of the polynomial-method
// sums: t−1 for each of q^α and k^α, 3t+2 for w_f (t!/α!, d^t, the
// quotient and the product), 3 products, and n_k − 1 + r − 1 additions in any
// order; t ≤ g. Then |computed − exact| ≤ γ_m·Σ|terms| (Higham, §3.1, §3.5).
func polyRoundingDepth(nk, r, g int) int { return nk + r + 6*g + 8 }

// polyGamma returns γ_m = m·u/(1 − m·u) (Higham, Accuracy and Stability of
// Numerical Algorithms, 2nd ed., Lemma 3.1), +Inf when m·u ≥ 1.
func polyGamma(m int) float64 {
	const u = 0x1p-53
	mu := float64(m) * u
	if mu >= 1 {
		return math.Inf(1)
	}
	return mu / (1 - mu)
}
