package explain

import (
	"fmt"

	"github.com/hardnesslab/hardness/reduction"
	"github.com/hardnesslab/hardness/sat"
	"gonum.org/v1/gonum/mat"
)

// fastPath is step 9: the polynomial method (the upper bound of the
// theorem) on this instance. It writes only numbers of fp, the one
// computation ([FastPath]); TestStep9OneComputation checks that.
func (l *lesson) fastPath() {
	fp := l.fast
	need := fp.Need()
	d := l.doc
	d.Heading(2, "9. The fast path, and why it fails here")
	d.Para("The polynomial method, the theorem's upper bound, replaces e^x by a " +
		"polynomial P of degree g with relative error ε on [−R, R], where R " +
		"bounds every logit, and factors P(⟨q,k⟩/d) = ⟨φ(q), ψ(k)⟩ through " +
		"feature maps φ, ψ with r = C(d+g, g) coordinates: time about n·r " +
		"instead of n²·d, so it pays only while r is small next to n. Deciding every row needs an error " +
		"on T below tol = 3/(8(M+1)), that is ε < tol/(2 + tol). On this instance:")
	lines := []string{
		fmt.Sprintf("logit radius  R = max‖q‖·max‖k‖/d = %s  (at most B² = %s)", Num(need.R, 2), Num(fp.B*fp.B, 2)),
		fmt.Sprintf("accuracy      tol = %s, so ε < %s", Num(fp.Tol, 3), Num(fp.Eps, 3)),
	}
	if need.Reached {
		lines = append(lines, fmt.Sprintf("degree        g = %d, the least certifying ε on [−R, R] (ε = %s)", need.Degree, Sig(float64(need.CertErr), 3)))
	} else {
		lines = append(lines, fmt.Sprintf("degree        none reaches ε in float64¹; the best, g = %d, gives %s", need.Degree, Sig(float64(need.CertErr), 3)))
	}
	lines = append(lines, fmt.Sprintf("rank          r = C(%d+%d, %d) = %s = %s·n", fp.D, need.Degree, need.Degree,
		Count(float64(need.Rank)), Sig(float64(need.RankN), 3)))
	d.Pre(lines...)
	d.Para("The wall is mathematical¹. e^x changes by a factor e^(2R) across " +
		"[−R, R], and no polynomial of degree much below R follows it within a " +
		"relative ε (Aggarwal and Alman 2022): the degree grows like R, which " +
		"grows like B². The rank C(d+g, g) then grows like a power of n once g " +
		"is comparable to d = Θ(log n): with B = c·√ln n, g = Θ(c²·log n) and " +
		"r = n^Θ(1), at least n for c large enough. The same instance with Q " +
		"and K rescaled to other entry bounds B shows the growth (R is the " +
		"logit radius of the rescaled Q, K; this instance's row " + Marked + "):")
	l.fastTable()
	l.budgetRun()
	l.doc.Figure("t", "T_i of every row (blue) against τ and τ ± tol, and the polynomial method's T̃_i at the budget r ≤ n (orange).")
	l.doc.Figure("poly", "The relative error of P against e^x on [−R, R]: the degree step 9 needs, under its certificate, and the degree that fits r ≤ n.")
	d.Para("¹ Floating point adds a second wall, a numerical one: P's " +
		"terms c_t·x^t are close to those of e^x's Taylor series, so at x = −R " +
		"they add up to about e^R in absolute value while e^x falls to e^(−R); " +
		"rounding the coefficients to float64 alone costs a relative error of " +
		"about 2^(−53)·e^(2R) there, and the certificates the tool can prove " +
		"are larger still. " +
		"For large R none of the float64 polynomials the degree search tries " +
		"(its certified table) reaches ε; a degree marked ¹ is then the best " +
		"one it found, and its certificate is above ε. That is a limit of these " +
		"constructions, not a proof that no polynomial could. The rank passes " +
		"n long before that matters.")
}

// fastTable is step 9's table: fp.Rows.
func (l *lesson) fastTable() {
	fp := l.fast
	t := &Table{Header: []string{"B", "B/√ln n", "R", "degree g", "certified ε", "rank r", "r/n"}}
	for _, r := range fp.Rows {
		deg := fmt.Sprint(r.Degree)
		if !r.Reached {
			deg += "¹"
		}
		t.Rows = append(t.Rows, []Cell{
			{Text: Num(r.B, 2), Mark: markIf(r.Instance)}, {Text: Num(r.C, 2)}, {Text: Num(r.R, 2)},
			{Text: deg}, {Text: Sig(float64(r.CertErr), 3)},
			{Text: Count(float64(r.Rank))}, {Text: Sig(float64(r.RankN), 3)}})
	}
	l.doc.Table(t)
}

// budgetRun reports fp.Budget: the method squeezed into r ≤ n.
func (l *lesson) budgetRun() {
	b := l.fast.Budget
	trusted := "above tol: the decoder cannot trust it"
	if b.Trusted {
		trusted = "below tol: the decoder can trust it"
	}
	l.doc.Para("Squeezed into exact attention's budget, r ≤ n = %d, the solver "+
		"takes the largest degree that fits and certifies the error of T "+
		"before running; the measured error is against the exact T of step 7.", b.MaxRank)
	lines := []string{
		fmt.Sprintf("budget r ≤ %d:   degree g = %d, rank r = %s", b.MaxRank, b.Degree, Count(float64(b.Rank))),
		fmt.Sprintf("certified error: %s, %s", Sig(float64(b.ErrBound), 2), trusted),
	}
	if b.Ran {
		lines = append(lines, fmt.Sprintf("measured error:  %s", Sig(float64(b.Measured), 2)))
	}
	l.doc.Pre(append(lines, "verdict from T̃:  "+b.Verdict)...)
}

// fastVerdict decodes an approximate T̃ as `hardness run` would: the
// verdict, and for SAT the witness row's partner and its check against F.
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
