package explain

import (
	"context"
	"errors"
	"math"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/attention/expapprox"
	"github.com/hardnesslab/hardness/reduction"
	"gonum.org/v1/gonum/mat"
)

// fastPathBs are the entry bounds of the table of step 9, besides the
// instance's own B.
var fastPathBs = []float64{0.5, 1, 1.5, 2, 3, 4}

// FastPath is the one computation behind step 9 (the text, its table, the
// figure of P and the explainer page all read it): the polynomial method,
// the theorem's upper bound, on the lesson's instance. Every radius comes
// from [attention.LogitRadius] and every degree from [expapprox.Select],
// the functions the solver itself calls.
type FastPath struct {
	N       int     `json:"n"`         // n = max(N, 2M)
	D       int     `json:"d"`         // dimension of q and k
	B       float64 `json:"B"`         // the instance's entry bound
	SqrtLnN float64 `json:"sqrt_ln_n"` // √ln n
	// Tol = 3/(8(M+1)) is the error on T the decoder tolerates; Eps =
	// Tol/(2 + Tol) the relative error of P that guarantees it, since
	// 2ε/(1−ε)·‖V‖ < Tol with ‖V‖ = 1.
	Tol float64 `json:"tol"`
	Eps float64 `json:"eps"`
	// Rows is the instance with Q and K rescaled to entry bound b, for each
	// b of fastPathBs and last (Instance true) the instance itself.
	Rows []FastRow `json:"rows"`
	// Budget is the run at exact attention's budget, r ≤ n.
	Budget BudgetRun `json:"budget"`
}

// FastRow is the polynomial method's need at one entry bound.
type FastRow struct {
	B        float64          `json:"B"`
	C        float64          `json:"c"`      // B/√ln n
	R        float64          `json:"R"`      // logit radius of the rescaled Q, K
	Degree   int              `json:"degree"` // least degree certifying Eps, or the best one
	CertErr  reduction.Number `json:"cert_err"`
	Rank     reduction.Number `json:"rank"`      // C(d+g, g)
	RankN    reduction.Number `json:"rank_n"`    // r/n
	Instance bool             `json:"instance"`  // this is the lesson's own instance
	Reached  bool             `json:"certified"` // CertErr ≤ Eps
}

// BudgetRun is the polynomial method run with r ≤ n features.
type BudgetRun struct {
	MaxRank  int              `json:"max_rank"`
	Degree   int              `json:"degree"`
	Rank     reduction.Number `json:"rank"`
	CertErr  reduction.Number `json:"cert_err"`  // certified relative error of P
	ErrBound reduction.Number `json:"err_bound"` // certified additive error on T
	Trusted  bool             `json:"trusted"`   // ErrBound < Tol
	Ran      bool             `json:"ran"`       // false: a row sum came out ≤ 0
	Measured reduction.Number `json:"measured"`  // max |T̃_i − T_i| against exact T
	Verdict  string           `json:"verdict"`   // decoded as hardness run would
	T        []float64        `json:"t"`         // T̃ (nil when not Ran)
}

// Need is the row of the instance itself: the degree and rank it needs.
func (fp *FastPath) Need() FastRow { return fp.Rows[len(fp.Rows)-1] }

// R is the instance's logit radius.
func (fp *FastPath) R() float64 { return fp.Need().R }

// computeFastPath runs step 9's computation on the lesson's instance; exact
// is the exact T of step 7 and verdict decodes an approximate T.
func computeFastPath(ctx context.Context, in *reduction.Instance, exact *mat.Dense, verdict func(*mat.Dense) string) (*FastPath, error) {
	p := in.Params
	fp := &FastPath{N: p.Size, D: p.D, B: p.B, SqrtLnN: p.SqrtLnN, Tol: p.Tolerance,
		Eps: p.Tolerance / (2 + p.Tolerance)}
	bs := append(append([]float64(nil), fastPathBs...), p.B)
	for k, b := range bs {
		row, err := fastRow(in, b, fp.Eps)
		if err != nil {
			return nil, err
		}
		row.Instance = k == len(bs)-1
		row.RankN = row.Rank / reduction.Number(p.Size)
		fp.Rows = append(fp.Rows, row)
	}
	err := fp.runBudget(ctx, in, exact, verdict)
	return fp, err
}

// fastRow is the need at entry bound b: Q and K scaled by b/B, their logit
// radius, and the solver's degree for eps there.
func fastRow(in *reduction.Instance, b, eps float64) (FastRow, error) {
	p := in.Params
	q, k := in.Q, in.K
	if b != p.B {
		q, k = scaled(in.Q, b/p.B), scaled(in.K, b/p.B)
	}
	R, err := attention.LogitRadius(q, k)
	if err != nil {
		return FastRow{}, err
	}
	c, err := expapprox.Select(R, p.D, expapprox.Target{Eps: eps})
	if err != nil {
		return FastRow{}, err
	}
	return FastRow{B: b, C: b / p.SqrtLnN, R: R, Degree: c.Degree, CertErr: reduction.Number(c.CertErr), Rank: reduction.Number(c.Rank),
		Reached: c.CertErr <= eps}, nil
}

func scaled(x *mat.Dense, s float64) *mat.Dense {
	var y mat.Dense
	y.Scale(s, x)
	return &y
}

// runBudget runs attention.Poly with MaxRank n and decodes its output.
func (fp *FastPath) runBudget(ctx context.Context, in *reduction.Instance, exact *mat.Dense, verdict func(*mat.Dense) string) error {
	o := attention.Options{MaxRank: fp.N}
	pm, err := attention.NewPoly(o)
	if err != nil {
		return err
	}
	info, err := pm.Analyze(in.Q, in.K, in.V)
	if err != nil {
		return err
	}
	b := &fp.Budget
	*b = BudgetRun{MaxRank: fp.N, Degree: info.Degree, Rank: reduction.Number(info.Rank), CertErr: reduction.Number(info.CertRelErr),
		ErrBound: reduction.Number(info.ErrBound), Trusted: in.Params.Trusted(info.ErrBound)}
	out, err := pm.Attend(ctx, in.Q, in.K, in.V)
	switch {
	case errors.Is(err, attention.ErrNonPositiveNormaliser):
		b.Measured, b.Verdict = reduction.Number(math.Inf(1)), "no answer: a row sum of P came out ≤ 0"
		return nil
	case err != nil:
		return err
	}
	b.Ran = true
	for i := range in.Params.N {
		b.T = append(b.T, out.T.At(i, 0))
		b.Measured = reduction.Number(math.Max(float64(b.Measured), math.Abs(out.T.At(i, 0)-exact.At(i, 0))))
	}
	b.Verdict = verdict(out.T)
	return nil
}

// analyzeSolver is attention.Poly's analysis at target eps: what the solver
// itself would plan.
func analyzeSolver(q, k, v *mat.Dense, eps float64) (*attention.PolyInfo, error) {
	pm, err := attention.NewPoly(attention.Options{Eps: eps})
	if err != nil {
		return nil, err
	}
	return pm.Analyze(q, k, v)
}
