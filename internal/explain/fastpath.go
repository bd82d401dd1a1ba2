package explain

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/reduction"
	"github.com/hardnesslab/hardness/sat"
	"gonum.org/v1/gonum/mat"
)

// fastPathBs are the entry bounds of the table of step 9, besides the
// instance's own B.
var fastPathBs = []float64{0.5, 1, 1.5, 2, 3, 4}

// fastPath is step 9: the polynomial method (the upper bound of the
// theorem) on this instance, with the degree and rank it would need, what
// it gives on exact attention's budget, and how the needed degree and rank
// grow with B. Every degree, rank and bound comes from the solver itself
// (attention.Poly's Analyze and Attend, attention.Rank).
func (l *lesson) fastPath(ctx context.Context) error {
	p := l.in.Params
	d := l.doc
	// 2ε/(1−ε)·‖V‖∞ < tol with ‖V‖∞ = 1 ⇔ ε < tol/(2 + tol).
	eps := p.Tolerance / (2 + p.Tolerance)
	need, err := analyze(attention.Options{Eps: eps}, l.in)
	if err != nil {
		return err
	}
	d.Heading(2, "9. The fast path, and why it fails here")
	d.Para("The polynomial method replaces exp by a polynomial P of degree g " +
		"with relative error ε on the logit interval [−R, R] and factors " +
		"P(⟨q,k⟩/d) = ⟨φ(q), ψ(k)⟩ through r = C(d+g, g) features: time " +
		"n·r·d instead of n²·d, near-linear when r is small. Deciding every " +
		"row needs an error on T below tol = 3/(8(M+1)), so ε < tol/(2 + tol). " +
		"Here the solver bounds the logits by R = max‖q‖·max‖k‖/d:")
	lines := []string{
		fmt.Sprintf("R = %s (B² = %s),  tol = %s,  ε < %s", Num(need.R, 3), Num(p.B*p.B, 3), Sci(p.Tolerance, 3), Sci(eps, 3)),
	}
	if need.CertRelErr <= eps {
		lines = append(lines,
			fmt.Sprintf("least certified degree g = %d (ε = %s)", need.Degree, Sig(need.CertRelErr, 2)),
			fmt.Sprintf("rank r = C(%d+%d, %d) = %s = %s·n", p.D, need.Degree, need.Degree, Count(need.Rank), Sig(need.Rank/float64(p.Size), 3)))
	} else {
		lines = append(lines, fmt.Sprintf("no degree reaches ε in float64: the best, g = %d, certifies only ε = %s",
			need.Degree, Sig(need.CertRelErr, 2)))
	}
	d.Pre(lines...)
	if need.CertRelErr > eps {
		d.Para("No degree is enough: P's coefficients grow like e^R while e^x " +
			"can be as small as e^(−R), so rounding the coefficients to float64 " +
			"alone costs a relative error of about 2^(−53)·e^((1+√2)R).")
	}
	if err := l.fastRun(ctx); err != nil {
		return err
	}
	return l.fastTable(eps)
}

// analyze returns the polynomial method's analysis of the instance under o.
func analyze(o attention.Options, in *reduction.Instance) (*attention.PolyInfo, error) {
	pm, err := attention.NewPoly(o)
	if err != nil {
		return nil, err
	}
	return pm.Analyze(in.Q, in.K, in.V)
}

// fastRun runs the polynomial method with exact attention's budget,
// r ≤ n, and decodes its output.
func (l *lesson) fastRun(ctx context.Context) error {
	p := l.in.Params
	d := l.doc
	o := attention.Options{MaxRank: p.Size}
	info, err := analyze(o, l.in)
	if err != nil {
		return err
	}
	pm, err := attention.NewPoly(o)
	if err != nil {
		return err
	}
	trusted := "above tol: the decoder cannot trust it"
	if p.Trusted(info.ErrBound) {
		trusted = "below tol: the decoder can trust it"
	}
	d.Para("With exact attention's budget, r ≤ n = %d features, the solver "+
		"takes the largest degree that fits and certifies a bound on the "+
		"error of T before running; the measured error is against the exact "+
		"T of step 7.", p.Size)
	lines := []string{
		fmt.Sprintf("budget r ≤ %d:   degree g = %d, rank r = %s", p.Size, info.Degree, Count(info.Rank)),
		fmt.Sprintf("certified error: %s, %s", Sig(info.ErrBound, 2), trusted),
	}
	out, err := pm.Attend(ctx, l.in.Q, l.in.K, l.in.V)
	switch {
	case errors.Is(err, attention.ErrNonPositiveNormaliser):
		lines = append(lines, "result:          no answer: a row sum of P came out ≤ 0")
	case err != nil:
		return err
	default:
		measured := 0.0
		for i := range p.N {
			measured = math.Max(measured, math.Abs(out.T.At(i, 0)-l.out.T.At(i, 0)))
		}
		lines = append(lines,
			fmt.Sprintf("measured error:  %s", Sig(measured, 2)),
			"verdict from T̃:  "+l.fastVerdict(out.T))
	}
	d.Pre(lines...)
	return nil
}

// fastTable shows how the certified degree and the rank grow with B, at
// this instance's d and ε.
func (l *lesson) fastTable(eps float64) error {
	p := l.in.Params
	d := l.doc
	d.Para("Why it blows up: the degree must grow like B² (Aggarwal and "+
		"Alman 2022), and the rank r = C(d+g, g) with it. The same functions "+
		"the solver uses, at this instance's d = %d and ε = %s (this "+
		"instance's B %s; the method beats exact attention only while "+
		"r < n, and \"none\" means the solver finds no degree that reaches "+
		"ε in float64; the certified ε is then that of the degree it settles on):",
		p.D, Sci(eps, 3), Marked)
	t := &Table{Header: []string{"B", "B/√ln n", "R = B²", "degree g", "certified ε", "rank r", "r/n"}}
	bs := append(append([]float64(nil), fastPathBs...), p.B)
	for k, b := range bs {
		g, e, err := solverDegree(b*b, eps)
		if err != nil {
			return err
		}
		deg, rank, rn := fmt.Sprint(g), "—", "—"
		if e <= eps {
			r := attention.Rank(p.D, g)
			rank, rn = Count(r), Sig(r/float64(p.Size), 3)
		} else {
			deg = "none"
		}
		t.Rows = append(t.Rows, []Cell{
			{Text: Num(b, 2), Mark: markIf(k == len(bs)-1)}, {Text: Num(b/p.SqrtLnN, 2)}, {Text: Num(b*b, 2)},
			{Text: deg}, {Text: Sig(e, 2)}, {Text: rank}, {Text: rn}})
	}
	d.Table(t)
	d.Para("For d = Θ(log n) and B = Θ(√log n) the degree is Θ(log n) and " +
		"r = C(d+g, g) is a polynomial in n whose exponent grows with B/√ln n: " +
		"the fast path is no longer near-linear. That is the upper bound's " +
		"limit, and the reduction above shows it is no accident: a truly " +
		"subquadratic algorithm at that B would decide SAT faster than SETH allows.")
	return nil
}

// solverDegree returns the degree the polynomial method picks for target
// relative error eps on logits in [−R, R], and the relative error it then
// certifies, by asking the solver itself (Poly.Analyze) about a one-entry
// instance q = k = √R, d = 1, whose logit radius is R.
func solverDegree(R, eps float64) (int, float64, error) {
	x := mat.NewDense(1, 1, []float64{math.Sqrt(R)})
	pm, err := attention.NewPoly(attention.Options{Eps: eps})
	if err != nil {
		return 0, 0, err
	}
	info, err := pm.Analyze(x, x, mat.NewDense(1, 1, []float64{1}))
	if err != nil {
		return 0, 0, err
	}
	return info.Degree, info.CertRelErr, nil
}

// fastVerdict decodes an approximate T̃ as `hardness run` would: the
// verdict, and for SAT the witness row's partner and its check against φ.
func (l *lesson) fastVerdict(t *mat.Dense) string {
	dec := reduction.Decide(t, l.in.Params)
	truth := l.giniStatus == sat.Sat
	switch dec.Verdict {
	case reduction.Sat:
		j := reduction.Partner(l.ov.Instance, dec.Row)
		if j < 0 {
			return fmt.Sprintf("DECODING FAILURE (q%d is above τ, has no partner)", dec.Row)
		}
		if sat.Verify(l.f, l.ov.Assignment(dec.Row, j)) != nil {
			return fmt.Sprintf("DECODING FAILURE (the witness of q%d fails)", dec.Row)
		}
		return fmt.Sprintf("SAT, witness a%d ⊥ b%d verifies (luck: nothing certified it)", dec.Row, j)
	case reduction.Unsat:
		if truth {
			return "UNSAT, wrong: gini says SAT"
		}
		return "UNSAT, right (luck: nothing certified it)"
	}
	return dec.Verdict.String()
}
