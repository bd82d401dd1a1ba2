package reduction

import (
	"fmt"
	"math"

	"github.com/hardnesslab/hardness/ovp"
)

// Route names a construction.
type Route string

// The two constructions of the package documentation.
const (
	RouteOV  Route = "ov"  // OV → attention, docs/design.md §2.2
	RouteANN Route = "ann" // Hamming Gap-ANN → attention, docs/design.md §2.3
)

// Params are the constants of one construction; see the package
// documentation for their derivation. All are pure functions of the
// instance's sizes and the gap, computed by [OVParams] and [ANNParams].
type Params struct {
	Route Route `json:"route"`
	// Form is the variant of the route's construction: empty for the
	// construction of docs/design.md §2.2 and §2.3, [FormTight] for one reference key.
	Form string `json:"form,omitempty"`
	N    int    `json:"n_queries"` // query vectors: rows of Q
	M    int    `json:"m_keys"`    // real keys; K has 2M rows
	Dim  int    `json:"dim"`       // m (OV) or d0 (ANN)
	D    int    `json:"d"`         // columns of Q and K: m (OV) or 2·d0 (ANN)
	Keys int    `json:"keys"`      // rows of K and V: 2M
	Size int    `json:"n"`         // n = max(N, 2M)

	Delta float64 `json:"delta,omitempty"` // OV gap δ
	T     int     `json:"t,omitempty"`     // ANN distance threshold t
	Eps   float64 `json:"eps,omitempty"`   // ANN gap ε
	Far   int     `json:"far,omitempty"`   // ANN: NO pairs have distance ≥ Far
	// Shift is the number e of shift coordinates of the OV construction in
	// the paper's form (d = m + e), 0 otherwise.
	Shift int `json:"shift,omitempty"`

	// Scale is β (OV) or s (ANN): β² = ln(4(M+1))/δ, s² = ln(4(M+1))/(far−t).
	Scale float64 `json:"scale"`
	// B is the largest |entry| of Q, K and V: max(β, 1) or max(s·√d, 1).
	B float64 `json:"B"`
	// Threshold τ = 5/(8(M+1)): row i is YES iff T_i > τ.
	Threshold float64 `json:"threshold"`
	// Tolerance = 3/(8(M+1)): any T̃ with max_i |T̃_i − T_i| below it decodes
	// every row correctly.
	Tolerance float64 `json:"tolerance"`
	// YesLower = 1/(M+1) bounds T_i below on YES rows; NoUpper = 1/(4M+5)
	// bounds it above on NO rows.
	YesLower float64 `json:"yes_lower"`
	NoUpper  float64 `json:"no_upper"`
	// SqrtLnN = √(ln n) and BOverSqrtLnN = B/√(ln n): the theorem's regime
	// is this ratio bounded.
	SqrtLnN      float64 `json:"sqrt_ln_n"`
	BOverSqrtLnN float64 `json:"B_over_sqrt_ln_n"`
}

// OVParams returns the constants of the OV construction for N query
// vectors, M key vectors of dimension m and gap δ ∈ (0, 1]. It returns an
// error for sizes below 1 or a gap outside (0, 1].
func OVParams(n, m, dim int, delta float64) (Params, error) {
	if err := checkSizes(n, m, dim); err != nil {
		return Params{}, err
	}
	if !(delta > 0 && delta <= 1) {
		return Params{}, fmt.Errorf("reduction: gap δ = %g, want 0 < δ ≤ 1", delta)
	}
	beta := math.Sqrt(lnRef(m) / delta)
	p := newParams(RouteOV, n, m, dim, dim, beta, beta)
	p.Delta = delta
	return p, nil
}

// ANNParams returns the constants of the Gap-ANN construction for N query
// and M key vectors in {0,1}^d0, distance threshold t ∈ [0, d0] and gap
// ε > 0. Distances are integers, so a NO pair has distance at least
// far = max(t+1, ⌈(1+ε)t⌉) (ovp.Hamming.Far) and the construction uses the
// integer gap far − t ≥ max(1, ε·t): s² = ln(4(M+1))/(far − t). It returns
// an error for sizes below 1 or t, ε out of range.
func ANNParams(n, m, d0, t int, eps float64) (Params, error) {
	if err := checkSizes(n, m, d0); err != nil {
		return Params{}, err
	}
	if t < 0 || t > d0 {
		return Params{}, fmt.Errorf("reduction: threshold t = %d, want 0 ≤ t ≤ d0 = %d", t, d0)
	}
	if !(eps > 0 && !math.IsInf(eps, 1)) {
		return Params{}, fmt.Errorf("reduction: gap ε = %g, want ε > 0", eps)
	}
	far := Far(t, eps)
	s := math.Sqrt(lnRef(m) / float64(far-t))
	d := 2 * d0
	p := newParams(RouteANN, n, m, d0, d, s, s*math.Sqrt(float64(d)))
	p.T, p.Eps, p.Far = t, eps, far
	return p, nil
}

// Far returns max(t+1, ⌈(1+ε)t⌉), the least integer distance a NO pair of
// a Gap-ANN instance with threshold t and gap ε can have (the same rounding
// as ovp.Hamming.Far).
func Far(t int, eps float64) int { return ovp.FarDistance(t, eps) }

func checkSizes(n, m, dim int) error {
	if n < 1 || m < 1 || dim < 1 {
		return fmt.Errorf("reduction: sizes N = %d, M = %d, dimension %d; want all ≥ 1", n, m, dim)
	}
	return nil
}

// lnRef returns ln(4(M+1)), the logit gap that pushes a NO row's mass down
// to a quarter of a YES row's.
func lnRef(m int) float64 { return math.Log(4 * (float64(m) + 1)) }

// newParams fills the fields shared by both routes; maxQK is the largest
// |entry| of Q and K.
func newParams(r Route, n, m, dim, d int, scale, maxQK float64) Params {
	size := max(n, 2*m)
	mp1 := float64(m) + 1
	p := Params{
		Route: r, N: n, M: m, Dim: dim, D: d, Keys: 2 * m, Size: size,
		Scale:     scale,
		B:         math.Max(maxQK, 1),
		Threshold: 5 / (8 * mp1),
		Tolerance: 3 / (8 * mp1),
		YesLower:  1 / mp1,
		NoUpper:   1 / (4*float64(m) + 5),
		SqrtLnN:   math.Sqrt(math.Log(float64(size))),
	}
	p.BOverSqrtLnN = p.B / p.SqrtLnN
	return p
}

// MatrixBytes returns the memory of Q, K, V and T in float64: 8·(N·d +
// 2M·d + 2M + N) bytes.
func (p Params) MatrixBytes() int64 {
	n, k, d := int64(p.N), int64(p.Keys), int64(p.D)
	return 8 * (n*d + k*d + k + n)
}

// Trusted reports whether an algorithm with certified additive error
// errBound decodes every row correctly: errBound < Tolerance.
func (p Params) Trusted(errBound float64) bool { return errBound < p.Tolerance }

// TrivialGap reports whether the OV gap is no larger than 1/m, the gap
// every instance has because inner products are integers: then B grows
// like √(m·ln M) rather than √(ln n) (package documentation).
func (p Params) TrivialGap() bool {
	return p.Route != RouteANN && p.Delta*float64(p.Dim) <= 1+1e-9
}

// RatioBound returns the bound on B/√(ln n) that the package documentation
// proves (# OV → attention, # Gap-ANN → attention, # The tight form,
// # The paper's form), and whether its hypotheses hold for these sizes.
// The proofs assume that B is the scaled entry (β, or s·√d, at least 1,
// rather than the entry 1 of V) and that L ≤ 2·ln n, that is e^L ≤ n²,
// where L is the logit gap the construction buys: ln(4(M+1)) (default OV
// form, paper's OV form, Gap-ANN) or ln(K·M) (tight form), with
// β² = L·(m+e)/(δ·m) (e = 0 except in the paper's OV form) and
// s²·(far − t) = L. Then
//
//	OV, every form: B/√ln n ≤ √(2(m+e)/(m·δ))   (√(2/δ) for e = 0, ≤ 2/√δ)
//	Gap-ANN:        B/√ln n ≤ 2·√(d0/(far − t)) ≤ 2/√(ε·t/d0)
//
// For the default OV form e^L ≤ n² reads 4(M+1) ≤ n², true for every M ≥ 2
// (n ≥ 2M) and for M = 1 iff N ≥ 3. For the OV forms the condition is
// also necessary: when it fails the bound is false, since
// B²/ln n = L·(m+e)/(m·δ·ln n). ok is false, and the bound must not be
// printed, when a hypothesis fails.
func (p Params) RatioBound() (bound float64, ok bool) {
	if p.Size < 2 {
		return math.NaN(), false
	}
	var l, entry float64
	switch {
	case p.Route == RouteANN:
		l, entry = p.Scale*p.Scale*float64(p.Far-p.T), p.Scale*math.Sqrt(float64(p.D))
		bound = 2 * math.Sqrt(float64(p.Dim)/float64(p.Far-p.T))
	default:
		widen := float64(p.Dim+p.Shift) / float64(p.Dim)
		l, entry = p.Scale*p.Scale*p.Delta/widen, p.Scale
		bound = math.Sqrt(2 * widen / p.Delta)
	}
	return bound, entry >= 1 && l <= 2*math.Log(float64(p.Size))*(1+1e-12)
}
