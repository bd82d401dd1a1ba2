package reduction

import (
	"context"
	"fmt"
	"math"

	"github.com/hardnesslab/hardness/ovp"
)

// FormPaper names the constructions with the instance properties Alman and
// Song state for their hard instances: every logit in [0, B'] and the M
// reference keys at the row maximum B' (see the package documentation,
// # The paper's form).
const FormPaper = "paper"

// PaperOVParams returns the constants of the OV construction in the
// paper's form for N query vectors, M key vectors of dimension m, gap
// δ ∈ (0, 1] and e shift coordinates (0 ≤ e ≤ m; e must be at least the
// largest ⟨a_i, b_j⟩, e.g. the least of the largest weights of the two
// sides): d = m + e, β² = ln(4(M+1))·(m+e)/(δ·m), and the threshold and
// tolerance of the default form, τ = 5/(8(M+1)), tol = 3/(8(M+1)).
func PaperOVParams(n, m, dim, e int, delta float64) (Params, error) {
	if e < 0 || e > dim {
		return Params{}, fmt.Errorf("reduction: %d shift coordinates, want 0 ≤ e ≤ m = %d", e, dim)
	}
	p, err := OVParams(n, m, dim, delta)
	if err != nil {
		return Params{}, err
	}
	beta := math.Sqrt(lnRef(m) * float64(dim+e) / (delta * float64(dim)))
	q := newParams(RouteOV, n, m, dim, dim+e, beta, beta)
	q.Delta, q.Form, q.Shift = p.Delta, FormPaper, e
	return q, nil
}

// FromOVPaper builds Q, K, V in the paper's form from the OV instance x
// and the gap δ: with e = min(max_i |a_i|, max_j |b_j|) ≥ every ⟨a_i, b_j⟩
// shift coordinates and d = m + e,
//
//	q_i     = β·(a_i, 𝟏_e)
//	k_j     = β·(−b_j, 𝟏_e),  v_j = 1     (j = 1..M)
//	k_{M+j} = β·(0, 𝟏_e),     v = 0       (M reference keys)
//
// so every logit is β²(e − ⟨a_i, b_j⟩)/d ∈ [0, β²e/d] and the reference
// logit β²e/d is the row maximum. Time and memory O((N+M)·(m+e)).
func FromOVPaper(x *ovp.Instance, delta float64) (*Instance, error) {
	o := &ovRoute{vec: instanceVectors{x}, x: x}
	e, err := o.shift(context.Background())
	if err != nil {
		return nil, err
	}
	p, err := PaperOVParams(x.N(), x.M(), max(x.Dim(), 1), e, delta)
	if err != nil {
		return nil, err
	}
	return buildAll(o, p)
}

// PaperANNParams returns the constants of the Gap-ANN construction in the
// paper's form: s as in [ANNParams], reference keys s·√d·𝟏 at the row
// maximum s²·d0, and with w = e^(s²·t) = (4(M+1))^(t/(far−t))
//
//	YES: T_i ≥ 1/(1 + M·w),   NO: T_i ≤ 1/(1 + 4(M+1)·w),
//
// τ their midpoint and the tolerance half their difference. It returns an
// error where ANNParams does, and when the tolerance underflows float64.
func PaperANNParams(n, m, d0, t int, eps float64) (Params, error) {
	p, err := ANNParams(n, m, d0, t, eps)
	if err != nil {
		return Params{}, err
	}
	p.Form = FormPaper
	w := math.Exp(p.Scale * p.Scale * float64(t))
	mf := float64(m)
	p.YesLower, p.NoUpper = 1/(1+mf*w), 1/(1+4*(mf+1)*w)
	p.Threshold = (p.YesLower + p.NoUpper) / 2
	p.Tolerance = (p.YesLower - p.NoUpper) / 2
	if !(p.Tolerance > 0) || math.IsInf(w, 1) {
		return Params{}, fmt.Errorf("reduction: the paper's form at t = %d, far = %d, M = %d has tolerance (4(M+1))^(−t/(far−t))/M below float64's range; use the default form", t, p.Far, m)
	}
	return p, nil
}

// FromGapANNPaper builds Q, K, V from the Hamming instance x in the
// paper's form (docs/design.md §2.3 as written): q_i = s√d·(a_i, 1−a_i),
// real keys s√d·(b_j, 1−b_j) with value 1, and M reference keys s√d·𝟏 with
// value 0, whose logit s²·d0 is the row maximum; every logit
// s²(d0 − dist) lies in [0, s²·d0]. Time and memory O((N+M)·d0).
func FromGapANNPaper(x *ovp.Instance, t int, eps float64) (*Instance, error) {
	p, err := PaperANNParams(x.N(), x.M(), x.Dim(), t, eps)
	if err != nil {
		return nil, err
	}
	return buildAll(&annRoute{x: x, t: t, eps: eps}, p)
}

func fill(row []float64, v float64) {
	for k := range row {
		row[k] = v
	}
}
