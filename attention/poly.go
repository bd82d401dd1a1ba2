package attention

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/hardnesslab/hardness/attention/expapprox"
	"github.com/hardnesslab/hardness/internal/memlimit"
	"gonum.org/v1/gonum/mat"
)

func init() {
	Register(Info{Name: "poly"}, func(o Options) (Algorithm, error) { return NewPoly(o) })
}

// Poly is the polynomial method, the upper bound of Alman and Song (2023)
// (degrees as in Aggarwal and Alman, CCC 2022; docs/design.md §3):
// exp is replaced on the logit interval [−R, R] by a polynomial P of degree
// g with a certified relative error ε_P ([expapprox.New]), and
//
//	P(⟨q,k⟩/d) = Σ_{|α|≤g} w_α·q^α·k^α = ⟨φ(q), ψ(k)⟩
//
// with r = C(d+g, g) features (all monomials of degree ≤ g), so that
// T̃ = diag(U1·(U2ᵀ·1))⁻¹·U1·(U2ᵀ·V) never forms the n×n matrix A.
// Cost O((n_q + n_k)·r·(d_v + 1)) time, O(workers·r·(d_v+1)) memory beyond
// the inputs and output; all cores. The certified additive error on T is
// 2ε_P/(1−ε_P)·‖V‖_max plus a rigorous bound on the float64 rounding
// ([Poly.Analyze]); it is +Inf when ε_P ≥ 1.
//
// The degree comes from Options: Degree fixes g (a budget); otherwise
// MaxRank fixes the largest g with r ≤ MaxRank (capped where the bound stops
// improving); otherwise Eps ∈ (0, 1) selects the least g with ε_P ≤ Eps
// ([expapprox.Select]). Options.Eps is ignored when Degree or MaxRank is set.
type Poly struct {
	opts Options

	mu    sync.Mutex
	cache *expapprox.Choice // degree and polynomial for the last (R, d)
}

// NewPoly returns the polynomial method configured by o. It returns an
// error when o selects no degree or has out-of-range fields.
func NewPoly(o Options) (*Poly, error) {
	switch {
	case o.Degree < 0 || o.Degree > expapprox.MaxDegree:
		return nil, fmt.Errorf("poly: degree %d out of range [0, %d]", o.Degree, expapprox.MaxDegree)
	case o.MaxRank < 0:
		return nil, fmt.Errorf("poly: max rank %d is negative", o.MaxRank)
	case o.Degree == 0 && o.MaxRank == 0 && !(o.Eps > 0 && o.Eps < 1):
		return nil, fmt.Errorf("poly: eps %g out of range: want 0 < eps < 1, or set a degree or a max rank", o.Eps)
	case o.Workers < 0:
		return nil, fmt.Errorf("poly: workers %d is negative", o.Workers)
	}
	return &Poly{opts: o}, nil
}

// Name returns "poly".
func (*Poly) Name() string { return "poly" }

// PolyInfo is the analysis behind a [Poly] plan: what the polynomial method
// will do on given inputs and what it certifies.
type PolyInfo struct {
	R      float64 // logit radius: every ⟨q_i,k_j⟩/d lies in [−R, R]
	Degree int     // g
	Rank   float64 // r = C(d+g, g) (float64: may exceed int)
	// CertRelErr is the certified relative error ε_P of P on [−R, R],
	// [expapprox.CertifiedError](R, g); ≥ 1 means the bound is vacuous.
	CertRelErr float64
	// TargetEps is Options.Eps when it chose the degree, else 0.
	TargetEps float64
	// Reason says why the target ε is not met, or why the degree is below
	// the budget (--degree, --max-rank); empty otherwise
	// ([expapprox.Choice]).
	Reason string
	// ApproxBound = 2ε_P/(1−ε_P)·‖V‖_max, the additive error on Att from
	// replacing exp by P; RoundingBound bounds the float64 rounding of the
	// whole computation (see [Poly.bounds]). ErrBound is their sum (with one
	// more rounding for the final division), +Inf when ε_P ≥ 1.
	ApproxBound, RoundingBound, ErrBound float64
	VMax                                 float64 // ‖V‖_max = max |v_jc|
	Flops                                float64 // predicted flops of the polynomial method
	ExactFlops                           float64 // 2·n_q·n_k·(d + d_v), plus n_q·n_k exponentials
	Bytes                                int64   // predicted working memory beyond inputs
	Workers                              int
	Notes                                []string

	poly *expapprox.Poly // the polynomial
	pbar float64         // upper bound on Σ_t |c_t|·R^t
	// Q, K and V are scaled by 2^−eq, 2^−ek, 2^−ev (exact) so that every
	// feature is at most 1 in magnitude and max|V| ≤ 2; lnW is
	// ln Σ_f |w_f| for the scaled features.
	eq, ek, ev int
	lnW        float64
	// oneWorker is Bytes with one worker: the least memory fewer workers
	// can reach.
	oneWorker int64
}

// Vacuous reports whether the certificate says nothing (ε_P ≥ 1): the
// output may be arbitrarily wrong.
func (in *PolyInfo) Vacuous() bool { return !(in.CertRelErr < 1) }

// LogitRadius returns R = max_i ‖q_i‖ · max_j ‖k_j‖ / d, rounded up so that
// |⟨q_i,k_j⟩/d| ≤ R holds for the exact real logits (Cauchy–Schwarz), and
// an error naming the first non-finite entry. The norms are computed on
// rows scaled by a power of two, so entries up to the float64 limit are
// fine; R is +Inf when the product overflows. Cost O((n_q + n_k)·d).
func LogitRadius(q, k *mat.Dense) (float64, error) {
	mq, err := polyMaxNorm("Q", q)
	if err != nil {
		return 0, err
	}
	mk, err := polyMaxNorm("K", k)
	if err != nil {
		return 0, err
	}
	return polyRadius(mq, mk, q), nil
}

// MaxRowNorm returns max_i ‖x_i‖ as the polynomial method computes it
// (for [Options.MaxQNorm] and [Options.MaxKNorm]), and an error naming the
// first non-finite entry.
func MaxRowNorm(x *mat.Dense) (float64, error) { return polyMaxNorm("matrix", x) }

// norms returns the largest row norms of q and k, or the whole instance's
// from the options (which must not be smaller).
func (p *Poly) norms(q, k *mat.Dense) (mq, mk float64, err error) {
	if mq, err = polyMaxNorm("Q", q); err != nil {
		return 0, 0, err
	}
	if mk, err = polyMaxNorm("K", k); err != nil {
		return 0, 0, err
	}
	for _, o := range []struct {
		name      string
		given, in float64
		dst       *float64
	}{{"Q", p.opts.MaxQNorm, mq, &mq}, {"K", p.opts.MaxKNorm, mk, &mk}} {
		if o.given > 0 {
			if o.given < o.in {
				return 0, 0, fmt.Errorf("poly: the given largest row norm of %s, %.17g, is below the inputs' %.17g", o.name, o.given, o.in)
			}
			*o.dst = o.given
		}
	}
	return mq, mk, nil
}

// polyRadius is LogitRadius from the two largest row norms.
func polyRadius(mq, mk float64, q *mat.Dense) float64 {
	_, d := q.Dims()
	// Each norm has relative error ≤ γ_{d+1} (plus 2^−1074·d absolute on
	// the scaled sum of squares, ≥ 1/4: far below u); the product and the
	// quotient add 2 roundings: inflate by (1 + 2(d+8)u), far above γ_{2d+4}.
	r := mq * mk / float64(d)
	return r * (1 + float64(2*(d+8))*0x1p-53)
}

// polyMaxNorm returns max_i ‖x_i‖, each norm computed as
// 2^e·sqrt(Σ_j (x_ij·2^−e)²) with 2^e ≥ max_j |x_ij| (exact scaling), and an
// error naming the first non-finite entry.
func polyMaxNorm(name string, x *mat.Dense) (float64, error) {
	n, d := x.Dims()
	m := 0.0
	for i := range n {
		row := x.RawRowView(i)[:d]
		big := 0.0
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, fmt.Errorf("poly: %s[%d][%d] = %v is not finite", name, i, j, v)
			}
			big = math.Max(big, math.Abs(v))
		}
		if big == 0 {
			continue
		}
		if big < 0x1p500 && big > 0x1p-500 {
			// No overflow, and squares below 2^−1022 are at most d·2^−1074
			// against a sum ≥ 2^−1000: the plain sum is as accurate.
			s := 0.0
			for _, v := range row {
				s += v * v
			}
			m = math.Max(m, math.Sqrt(s))
			continue
		}
		_, e := math.Frexp(big)
		e = min(max(e, -1000), 1023)
		sc, s := math.Ldexp(1, -e), 0.0
		for _, v := range row {
			s += (v * sc) * (v * sc)
		}
		m = math.Max(m, math.Ldexp(math.Sqrt(s), e))
	}
	return m, nil
}

// polyNormExponent returns e with m·2^−e ≤ 1 (m ≥ 0 a row norm), clamped
// to [−1000, 1023] so that 2^±e are normal numbers.
func polyNormExponent(m float64) int {
	if !(m > 0) || math.IsInf(m, 0) {
		return 0
	}
	_, e := math.Frexp(m)
	return min(max(e, -1000), 1023)
}

// polyLogAbsSum returns ln Σ_t |c_t|·e^{t·lnS} (−Inf for P = 0), by
// log-sum-exp so that it cannot overflow.
func polyLogAbsSum(coef []float64, lnS float64) float64 {
	terms := make([]float64, 0, len(coef))
	top := math.Inf(-1)
	for t, c := range coef {
		if c != 0 {
			x := math.Log(math.Abs(c)) + float64(t)*lnS
			terms = append(terms, x)
			top = math.Max(top, x)
		}
	}
	if math.IsInf(top, -1) {
		return top
	}
	s := 0.0
	for _, x := range terms {
		s += math.Exp(x - top)
	}
	return top + math.Log(s)
}

func polyMaxAbs(name string, x *mat.Dense) (float64, error) {
	n, d := x.Dims()
	m := 0.0
	for i := range n {
		for j, v := range x.RawRowView(i)[:d] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, fmt.Errorf("poly: %s[%d][%d] = %v is not finite", name, i, j, v)
			}
			m = math.Max(m, math.Abs(v))
		}
	}
	return m, nil
}

// Analyze computes the degree, rank, certified bounds, predicted cost and
// memory for these inputs, without the memory check of Plan. Cost
// O((n_q + n_k)·d) plus the construction and certification of P (a few ms
// to a second, growing with g and R; see [expapprox.Select]).
func (p *Poly) Analyze(q, k, v *mat.Dense) (*PolyInfo, error) {
	nq, nk, d, dv, err := Shapes(q, k, v)
	if err != nil {
		return nil, err
	}
	mq, mk, err := p.norms(q, k)
	if err != nil {
		return nil, err
	}
	vmax, err := polyMaxAbs("V", v)
	if err != nil {
		return nil, err
	}
	R := polyRadius(mq, mk, q)
	if !(R <= expapprox.MaxRadius) {
		return nil, fmt.Errorf("poly: logit radius R = %.4g exceeds %g: e^R is beyond float64 and no polynomial in float64 can certify anything; use exact attention", R, float64(expapprox.MaxRadius))
	}
	in := &PolyInfo{R: R, VMax: vmax, Workers: busyWorkers(p.workers(), max(nq, nk), polyBlockRows),
		eq: polyNormExponent(mq), ek: polyNormExponent(mk), ev: valueExponent(vmax)}
	c, err := p.choose(R, d)
	if err != nil {
		return nil, err
	}
	in.Degree, in.TargetEps, in.poly, in.Reason = c.Degree, c.TargetEps, c.Poly, c.Reason
	in.Rank, in.CertRelErr = c.Rank, c.CertErr
	in.pbar = in.poly.AbsSum(R) * (1 + 1e-12)
	// Every intermediate sum of polyStream is at most 16·n_k·W with
	// W = Σ_f |w_f| = Σ_t |c_t|·2^{(e_q+e_k)t} (see bounds): the rounding
	// model assumes no overflow, so check it here.
	in.lnW = polyLogAbsSum(in.poly.Coef, float64(in.eq+in.ek)*math.Ln2)
	if !(in.lnW+math.Log(16*float64(nk)) < math.Log(math.MaxFloat64)) {
		return nil, fmt.Errorf("poly: the feature weights of degree %d at R = %.4g sum to e^%.4g: the sums over %d keys would overflow float64; lower the degree or use exact attention",
			in.Degree, R, in.lnW, nk)
	}
	p.bounds(in, nk, d)
	in.costs(nq, nk, d, dv)
	in.notes(nq, nk)
	return in, nil
}

func (p *Poly) workers() int { return workerCount(p.opts) }

// choose is [expapprox.Select] for the options, remembering the last
// (R, d), so that Plan followed by Attend on the same inputs builds P once.
func (p *Poly) choose(R float64, d int) (expapprox.Choice, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cache != nil && p.cache.R == R && p.cache.D == d {
		return *p.cache, nil
	}
	o := p.opts
	c, err := expapprox.Select(R, d, expapprox.Target{Eps: o.Eps, Degree: o.Degree, MaxRank: o.MaxRank})
	if err != nil {
		return c, fmt.Errorf("poly: %w", err)
	}
	p.cache = &c
	return c, nil
}

// bounds fills the certified error terms. With p_ij = P(x_ij) = e^{x_ij}(1+η),
// |η| ≤ ε_P < 1, the exact-arithmetic output T̃ differs from Att by at most
// 2ε_P/(1−ε_P)·‖V‖_max (the weights move by Σ_j |w̃_j − w_j| ≤ 2ε_P/(1−ε_P)).
//
// Rounding. polyStream works on Q, K, V scaled by powers of two (exact), so
// that every feature q̂^α, k̂^α is at most 1 and max|V̂| ≤ 2; its sums then
// stay below 16·n_k·W, W = Σ_f |w_f|, which Analyze checks is finite: that
// is the no-overflow assumption of the model below. In floating point with
// gradual underflow every product is x·y·(1+δ) + η, |δ| ≤ u, |η| ≤ 2^−1075,
// and sums are x+y·(1+δ) (Higham, §2.2). The δs give, for the numerator and
// the denominator sums, an error at most γ_m·Σ_j S_ij·(max|V̂| resp. 1),
// with S_ij = Σ_f |w_f q_i^α k_j^α| ≤ Σ_t |c_t|·R^t =: P̄(R) and
// m = [polyRoundingDepth]. The ηs: each of the ≤ 4g+8 products on a path
// adds ≤ 2^−1075 times factors of magnitude ≤ max(1, |w_f|, n_k·|w_f|),
// so U = (4g+8)·2^−1075·(2n_k·W + r + n_k·(Σ_{t≤g} d^t + r)) bounds them in
// total. The denominator is at least D = n_k·(1−ε_P)·e^{−R}; with
// κ = γ_m·ρ + U/D, ρ = P̄(R)·e^R/(1−ε_P), the output moves by at most
// (2γ_m·ρ·‖V‖_max + 3·(U/D)·2^{e_v})/(1 − κ) (scaled back by 2^{e_v}),
// plus u·|T̂| for the final division and 2^{e_v−1074} for a subnormal
// quotient.
func (p *Poly) bounds(in *PolyInfo, nk, d int) {
	eps := in.CertRelErr
	if !(eps < 1) || math.IsInf(in.Rank, 1) {
		in.ApproxBound, in.RoundingBound, in.ErrBound = math.Inf(1), math.Inf(1), math.Inf(1)
		return
	}
	in.ApproxBound = 2 * eps / (1 - eps) * in.VMax
	r := math.Min(in.Rank, 1<<50)
	gm := polyGamma(polyRoundingDepth(nk, int(r), in.Degree))
	rho := in.pbar * math.Exp(in.R) / (1 - eps)
	g, n := float64(in.Degree), float64(nk)
	lnSumDt := math.Log(g+1) + g*math.Log(math.Max(float64(d), 1)) // ≥ ln Σ_{t≤g} d^t
	lnU := math.Log(4*g+8) - 1075*math.Ln2 +
		polyLogSum(math.Log(2*n)+in.lnW, math.Log(r), math.Log(n)+polyLogSum(lnSumDt, math.Log(r)))
	ue := math.Exp(lnU + in.R - math.Log(n) - math.Log1p(-eps)) // U/D
	kappa := gm*rho + ue
	if !(kappa < 1) {
		in.RoundingBound, in.ErrBound = math.Inf(1), math.Inf(1)
		return
	}
	in.RoundingBound = (2*gm*rho*in.VMax + 3*ue*math.Ldexp(1, in.ev)) / (1 - kappa)
	const u = 0x1p-53
	in.ErrBound = ((in.ApproxBound+in.RoundingBound)*(1+u) + u*in.VMax + math.Ldexp(1, in.ev-1074)) * (1 + 1e-12)
}

// polyLogSum returns ln(e^a + e^b + …) without overflow.
func polyLogSum(xs ...float64) float64 {
	top := math.Inf(-1)
	for _, x := range xs {
		top = math.Max(top, x)
	}
	if math.IsInf(top, 0) {
		return top
	}
	s := 0.0
	for _, x := range xs {
		s += math.Exp(x - top)
	}
	return top + math.Log(s)
}

// costs fills the predicted flops and memory.
func (in *PolyInfo) costs(nq, nk, d, dv int) {
	r := in.Rank
	w := float64(dv + 1)
	in.Flops = float64(nq+nk)*r*(1+2*w) + r*w*float64(in.Workers+1)
	in.ExactFlops = 2 * float64(nq) * float64(nk) * float64(d+dv)
	// Program (parent, coord, multi, and two temporaries while building:
	// 24 bytes), weights (8), per-worker accumulator r·(d_v+1) and block
	// buffers (≤ r·polyB stored features, d + d_v + 1 + 3⌈(d_v+1)/3⌉ rows
	// of polyB), the weighted sums regrouped by 3 columns, and the output
	// n_q·d_v (see polystream.go).
	w3 := float64(polyPad3(dv + 1))
	block := r*polyB + (float64(d)+w+w3)*polyB
	bytes := func(workers int) int64 {
		b := r*32 + float64(workers)*(r*w+block)*8 + r*w3*8 + float64(nq*dv)*8
		return int64(math.Min(b, math.MaxInt64/2))
	}
	in.Bytes, in.oneWorker = bytes(in.Workers), bytes(1)
}

// notes fills the human-readable facts and warnings.
func (in *PolyInfo) notes(nq, nk int) {
	add := func(f string, a ...any) { in.Notes = append(in.Notes, fmt.Sprintf(f, a...)) }
	add("logit radius R = %.4g, degree g = %d, rank r = C(d+g, g) = %.6g", in.R, in.Degree, in.Rank)
	add("certified relative error of P on [-R, R]: %.3g", in.CertRelErr)
	switch {
	case in.Vacuous() && in.TargetEps > 0:
		// The search already tried every degree it could: more is no remedy.
		add("WARNING: the certified error is ≥ 1: the bound is vacuous and the output is untrustworthy; eps = %g is not met: %s", in.TargetEps, in.Reason)
	case in.Vacuous():
		add("WARNING: the certified error is ≥ 1: the bound is vacuous and the output is untrustworthy (a larger degree or rank helps only where some float64 polynomial certifies [−R, R]; --eps searches for one)")
	case in.TargetEps > 0 && in.CertRelErr > in.TargetEps:
		add("WARNING: eps = %g is not met: %s", in.TargetEps, in.Reason)
	}
	if in.TargetEps == 0 && in.Reason != "" {
		add("%s", in.Reason)
	}
	if !math.IsInf(in.ErrBound, 1) {
		add("certified additive error on Att: %.3g (approximation 2ε/(1-ε)·‖V‖ = %.3g, rounding %.3g)",
			in.ErrBound, in.ApproxBound, in.RoundingBound)
		if in.ErrBound >= 2*in.VMax && in.VMax > 0 {
			add("WARNING: the additive bound is ≥ 2·‖V‖ = %.3g: it says nothing (any row of values meets it)", 2*in.VMax)
		}
	}
	add("predicted cost %.3g flops vs exact %.3g flops (n_q·n_k·(d+d_v)·2): exact/poly = %.3g", in.Flops, in.ExactFlops, in.ExactFlops/in.Flops)
	n := max(nq, nk)
	switch {
	case in.Flops >= in.ExactFlops && in.Rank >= float64(n):
		add("WARNING: rank r = %.6g ≥ n = %d, and the predicted cost is not below exact attention's: exact attention is cheaper", in.Rank, n)
	case in.Flops >= in.ExactFlops:
		add("WARNING: the predicted cost is not below exact attention's (though rank r = %.6g < n = %d): exact attention is cheaper", in.Rank, n)
	case in.Rank >= float64(n):
		add("WARNING: rank r = %.6g ≥ n = %d: no fewer features than keys (the predicted cost is still below exact attention's, which pays d + d_v per pair)", in.Rank, n)
	}
	add("predicted memory %s", memlimit.Bytes(in.Bytes))
}

// Plan reports g, r, the certified bound on Att's additive error, the
// predicted cost against exact and the memory; it refuses (a
// *memlimit.Error) beyond Options.MaxMemory. ErrBound is +Inf when the
// certificate is vacuous (ε_P ≥ 1). See [Poly.Analyze] for the fields.
func (p *Poly) Plan(q, k, v *mat.Dense) (*Plan, error) {
	in, err := p.Analyze(q, k, v)
	if err != nil {
		return nil, err
	}
	if err := p.checkMemory(in); err != nil {
		return nil, err
	}
	return &Plan{Algo: "poly", Flops: in.Flops, Bytes: in.Bytes, ErrBound: in.ErrBound, Notes: in.Notes}, nil
}

func (p *Poly) checkMemory(in *PolyInfo) error {
	what := fmt.Sprintf("polynomial attention with degree %d and rank %.6g", in.Degree, in.Rank)
	need := in.Bytes
	if in.Rank > 1<<40 {
		need = math.MaxInt64
	}
	hint := "lower the degree (--eps larger, --degree or --max-rank)"
	limit := p.opts.MaxMemory
	if limit <= 0 {
		limit = memlimit.Default
	}
	if in.Rank <= 1<<40 && in.oneWorker <= limit {
		hint += " or use fewer workers" // one worker would fit
	}
	return memlimit.Check(what, need, p.opts.MaxMemory, hint)
}

// ErrNonPositiveNormaliser is returned when a row sum Σ_j P(x_ij) comes out
// ≤ 0 or non-finite, which a certified relative error < 1 rules out: the
// degree is too low for the inputs.
var ErrNonPositiveNormaliser = errors.New("poly: a row normaliser is not positive")

// Attend computes T̃ (see [Poly]) streaming: workers accumulate
// U2ᵀ·[V 1] over key blocks into private r×(d_v+1) accumulators, which are
// summed; then query blocks are mapped through it. It honours ctx between
// blocks. Output.ErrBound is the certified bound of Plan (+Inf if vacuous).
func (p *Poly) Attend(ctx context.Context, q, k, v *mat.Dense) (*Output, error) {
	in, err := p.Analyze(q, k, v)
	if err != nil {
		return nil, err
	}
	if err := p.checkMemory(in); err != nil {
		return nil, err
	}
	_, d := q.Dims()
	r := int(in.Rank)
	mono := newPolyMonomials(d, in.Degree, r)
	w := mono.weights(in.poly.Coef, in.eq+in.ek)
	sc := polyScale{q: math.Ldexp(1, -in.eq), k: math.Ldexp(1, -in.ek), v: math.Ldexp(1, -in.ev), out: math.Ldexp(1, in.ev)}
	t, err := polyStream(ctx, mono, w, q, k, v, in.Workers, p.opts.Progress, sc)
	if err != nil {
		return nil, err
	}
	cause := "the certificate is vacuous at this degree"
	if !in.Vacuous() {
		cause = "float64 overflow despite the checks: please report"
	}
	if err := outputFinite("poly", t, cause); err != nil {
		return nil, err
	}
	return &Output{T: t, ErrBound: in.ErrBound}, nil
}

// Options returns the options the algorithm was configured with.
func (p *Poly) Options() Options { return p.opts }
