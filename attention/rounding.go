package attention

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// unit64 is float64's unit roundoff 2⁻⁵³.
const unit64 = 0x1p-53

// exp64RelErr bounds the relative error of every float64 exp the exact
// algorithms call on a normal result: Exp and its vector kernels are
// within 1 ulp of e^x (TestExpExact, TestExpVector), math.Exp within 2;
// an ulp is at most 2u relative, and 4 ulp = 8u leaves room.
const exp64RelErr = 8 * unit64

func gamma64(n float64) float64 { return n * unit64 / (1 - n*unit64) }

// RoundingBound64 bounds max_ij |T̂_ij − Att(Q,K,V)_ij|, the float64
// rounding error of the exact algorithms ([Stream] on every kernel set,
// with any key tiles and any split of the keys into blocks merged by
// [Output.MergeKeys], [Naive] and [Bitpacked], whose logits −c·a·b round
// less than a dot product), for n_k keys of dimension d, where r
// bounds Σ_c |q_ic·k_jc|/d for every pair (max‖q_i‖·max‖k_j‖/d does, by
// Cauchy–Schwarz, and so does B² with B the largest |entry|) and vmax
// bounds |V|. Let u = 2⁻⁵³ and γ_n = n·u/(1 − n·u).
//
//   - A logit's dot product is off by at most γ_d·d·r, so its argument of
//     exp by γ_d·r (the row's shift, a computed logit, is common to the
//     row's weights and cancels in the softmax).
//   - Each exp argument (s − m)·fl(1/d) adds three roundings, γ₃ times
//     |s − m|/d ≤ 2r; a rescale by α = exp((m_old − m_new)·fl(1/d)) adds
//     γ₃·(m_new − m_old)/d, and as the running maximum only rises these
//     telescope to at most γ₃·2r per weight over all its rescales; merges
//     of key blocks do the same with the block maxima (and their rounding
//     to logit units), another γ₃·4r; one γ₃·r more covers computed logits
//     above r by a relative γ_d. So every weight's argument is off by
//     δ ≤ (γ_d + 9γ₃)·r.
//   - Every exp is within ε_e = 8u relative. A weight passes through at
//     most S = 2·n_k stages (a rescale per key tile, a merge per key
//     block; tiles and blocks hold at least one key), each an exp and at
//     most 5 roundings: a factor (1 + ε_e)·(1 + 13u)^S in all. The sums of
//     P·V and of the weights add each term through at most n_k + 4S more
//     roundings: γ_{9n_k}.
//   - So every term of Σ_j w_j·v_j and of Σ_j w_j is off by a relative
//     ρ ≤ e^δ·(1 + ε_e)·(1 + 13u)^S·(1 + γ_{9n_k}) − 1; as Σ_j w_j(v_j − T)
//     = 0, the quotient moves by at most 2ρ/(1 − ρ)·vmax, and the division
//     adds u·vmax. The denominator is at least 1 − ρ (the row maximum's
//     weight is e⁰ = 1), so results in the subnormal range, each off by at
//     most 2⁻¹⁰⁷⁴ absolute in at most 32·(n_k + 1)² operations per entry,
//     add at most 2·32·(n_k + 1)²·2⁻¹⁰⁷⁴·(1 + vmax).
//
// It returns +Inf when ρ ≥ 1/2 (logits too large for a useful float64
// bound) or r or vmax is not finite.
// TestRoundingBound64 checks it against 200-bit references on inputs
// with logits up to ±600, key tiles, key blocks and every kernel set. Cost
// O(1).
func RoundingBound64(r, vmax float64, nk, d int) float64 {
	s := 2 * float64(nk)
	delta := (gamma64(float64(d)) + 9*gamma64(3)) * r
	rho := math.Exp(delta)*(1+exp64RelErr)*math.Pow(1+13*unit64, s)*(1+gamma64(9*float64(nk))) - 1
	if !(rho < 0.5) || math.IsNaN(r) || math.IsInf(r, 0) || math.IsNaN(vmax) || math.IsInf(vmax, 0) {
		return math.Inf(1)
	}
	n1 := float64(nk) + 1
	return vmax*(2*rho/(1-rho)+unit64) + 2*32*n1*n1*0x1p-1074*(1+vmax)
}

// roundingBound is RoundingBound64 for the inputs q, k, v with r =
// max‖q_i‖·max‖k_j‖/d (rounded up). Cost O((n_q + n_k)·d + n_k·d_v).
func roundingBound(q, k, v *mat.Dense) float64 {
	_, d := q.Dims()
	nk, _ := k.Dims()
	r := maxRowNorm(q) * maxRowNorm(k) / float64(d) * (1 + 4*unit64)
	return RoundingBound64(r, maxAbs(v), nk, d)
}

// maxRowNorm returns max_i ‖a_i‖ (rounded up by a relative d·u).
func maxRowNorm(a *mat.Dense) float64 {
	raw := a.RawMatrix()
	best := 0.0
	for i := range raw.Rows {
		s := 0.0
		for _, x := range raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols] {
			s += x * x
		}
		best = max(best, s)
	}
	return math.Sqrt(best) * (1 + gamma64(float64(raw.Cols)+2))
}
