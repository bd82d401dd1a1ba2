package reduction

import (
	"fmt"
	"math"

	"github.com/hardnesslab/hardness/ovp"
)

// FormTight names the OV construction with one reference key (see the
// package documentation, # The tight form); Params.Form is empty for the
// construction of docs/design.md §2.2 with M reference keys.
const FormTight = "tight"

// TightOVParams returns the constants of the tight OV construction for N
// query vectors, M key vectors of dimension m, gap δ ∈ (0, 1] and a
// requested decoder tolerance tol ∈ (0, 1/4): one zero reference key,
// K = (1+4·tol)/(1−4·tol), β² = ln(K·M)/δ, τ = (1/2 + 1/(K+1))/2. Any T̃
// within tol of T on every row decodes every row correctly. It returns an
// error for sizes below 1 or δ, tol out of range.
func TightOVParams(n, m, dim int, delta, tol float64) (Params, error) {
	if err := checkSizes(n, m, dim); err != nil {
		return Params{}, err
	}
	if !(delta > 0 && delta <= 1) {
		return Params{}, fmt.Errorf("reduction: gap δ = %g, want 0 < δ ≤ 1", delta)
	}
	if !(tol > 0 && tol < 0.25) {
		return Params{}, fmt.Errorf("reduction: tolerance %g, want 0 < tol < 1/4", tol)
	}
	k := (1 + 4*tol) / (1 - 4*tol)
	beta := math.Sqrt(math.Log(k*float64(m)) / delta)
	keys := m + 1
	p := Params{
		Route: RouteOV, Form: FormTight, N: n, M: m, Dim: dim, D: dim, Keys: keys, Size: max(n, keys),
		Delta: delta, Scale: beta, B: math.Max(beta, 1),
		YesLower: 0.5, NoUpper: 1 / (k + 1),
		SqrtLnN: math.Sqrt(math.Log(float64(max(n, keys)))),
	}
	p.Threshold = (p.YesLower + p.NoUpper) / 2
	p.Tolerance = (p.YesLower - p.NoUpper) / 2
	p.BOverSqrtLnN = p.B / p.SqrtLnN
	return p, nil
}

// TightTolerance is the decoder tolerance of the tight form in the
// pipeline (Options.Form = FormTight): 3/20, K = 4, β² = ln(4M)/δ.
const TightTolerance = 0.15

// FromOVTight builds Q, K, V of the tight form from the OV instance x, the
// gap δ and the requested tolerance tol: q_i = β·a_i, k_j = −β·b_j with
// v_j = 1 for the M real keys, and one zero reference key with value 0
// (TightOVParams gives β). If x is δ-gapped, T_i ≥ 1/2 on YES rows and
// T_i ≤ 1/(K+1) on NO rows. Time and memory O((N+M)·m).
func FromOVTight(x *ovp.Instance, delta, tol float64) (*Instance, error) {
	p, err := TightOVParams(x.N(), x.M(), max(x.Dim(), 1), delta, tol)
	if err != nil {
		return nil, err
	}
	return buildAll(OVProblem(x), p)
}
