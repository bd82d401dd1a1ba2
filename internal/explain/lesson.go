package explain

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"math"
	"strings"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/reduction"
	"github.com/hardnesslab/hardness/sat"
	"gonum.org/v1/gonum/mat"
)

// The largest formula a lesson prints. Step 2 lists 2^h + 2^(v−h)
// partial assignments, step 3 an inner-product matrix of 2^(v−h) columns,
// step 5 matrices of m columns; beyond 6 variables (8 columns of logits) and
// 10 clauses (K's rows of m entries) they no longer fit 80 columns.
const (
	MaxVars    = 6
	MaxClauses = 10
)

// TooLargeError reports a formula too large to print.
type TooLargeError struct{ Vars, Clauses int }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the formula has %d variables and %d clauses, too large to explain: "+
		"explain prints every partial assignment and matrices with one column per clause, "+
		"which fit an 80-column screen up to %d variables and %d clauses; "+
		"run `hardness run FILE` for the same pipeline with a summary report",
		e.Vars, e.Clauses, MaxVars, MaxClauses)
}

var (
	//go:embed example.cnf
	exampleCNF []byte
	//go:embed example-unsat.cnf
	exampleUnsatCNF []byte
)

// Example returns the built-in formula of `hardness explain`: 6 variables,
// 8 clauses, satisfied by exactly 2 of its 64 assignments, so that the
// inner-product matrix has a few zeros among many non-zeros. With unsat it
// returns the same formula plus a ninth clause that both satisfying
// assignments falsify, which makes it unsatisfiable.
func Example(unsat bool) *sat.Formula {
	data, name := exampleCNF, "example.cnf"
	if unsat {
		data, name = exampleUnsatCNF, "example-unsat.cnf"
	}
	f, err := sat.ReadDIMACS(bytes.NewReader(data), name)
	if err != nil {
		panic("explain: embedded " + name + ": " + err.Error())
	}
	return f
}

// Lesson is an explained formula: the document and every intermediate
// object of the pipeline, which the figures and the explainer page draw.
type Lesson struct {
	Doc     *Doc
	Name    string
	Formula *sat.Formula
	OV      *ovp.CNF
	// Instance holds Q, K, V and the parameters (B, τ, the tolerance).
	Instance *reduction.Instance
	Dots     [][]int    // ⟨a_i, b_j⟩
	Logits   *mat.Dense // QKᵀ/d, N × 2M
	T        *mat.Dense // exact attention output, N × 1
	Decision reduction.Decision
	Gini     sat.Status // gini's verdict
	Fast     *FastPath  // step 9
	Scale    *Scaling   // step 10
}

// lesson builds a Lesson.
type lesson struct {
	doc   *Doc
	name  string
	f     *sat.Formula
	ov    *ovp.CNF
	in    *reduction.Instance
	out   *attention.Output
	dots  [][]int // ⟨a_i, b_j⟩
	x     *mat.Dense
	dec   reduction.Decision
	fast  *FastPath
	scale *Scaling

	giniStatus sat.Status // gini's verdict, set by decode
}

// New explains the whole reduction on f, called name in the text (a file
// name or "the built-in example"). It returns a *TooLargeError for
// formulas beyond MaxVars or MaxClauses, and an error for a formula without
// clauses. gini runs under ctx. Cost: exponential in f.Vars, which is
// bounded by MaxVars, plus step 10's fixed few seconds (memoised).
func New(ctx context.Context, f *sat.Formula, name string) (*Lesson, error) {
	if f.Vars > MaxVars || len(f.Clauses) > MaxClauses {
		return nil, &TooLargeError{Vars: f.Vars, Clauses: len(f.Clauses)}
	}
	if len(f.Clauses) == 0 {
		return nil, fmt.Errorf("%s has no clauses, so every assignment satisfies it: there is nothing to reduce", name)
	}
	ov, err := ovp.FromCNF(f, ovp.CNFOptions{})
	if err != nil {
		return nil, err
	}
	l := &lesson{doc: &Doc{}, name: name, f: f, ov: ov}
	l.dots = make([][]int, ov.N())
	for i := range l.dots {
		l.dots[i] = make([]int, ov.M())
		for j := range l.dots[i] {
			l.dots[i][j] = ov.Dot(i, j)
		}
	}
	l.doc.Heading(1, "From SAT to attention, step by step")
	l.formula()
	l.vectors()
	l.innerProducts()
	if err := l.parameters(); err != nil {
		return nil, err
	}
	l.matrices()
	l.logits()
	if err := l.decode(ctx); err != nil {
		return nil, err
	}
	if l.fast, err = computeFastPath(ctx, l.in, l.out.T, l.fastVerdict); err != nil {
		return nil, err
	}
	l.fastPath()
	if l.scale, err = computeScaling(ctx, l.fast.Eps); err != nil {
		return nil, err
	}
	l.scaling()
	return &Lesson{Doc: l.doc, Name: name, Formula: f, OV: ov, Instance: l.in, Dots: l.dots, Logits: l.x,
		T: l.out.T, Decision: l.dec, Gini: l.giniStatus, Fast: l.fast, Scale: l.scale}, nil
}

func (l *lesson) m() int { return len(l.f.Clauses) }

// varRange returns the variables x(lo)..x(hi) as a phrase.
// count is n and the noun, plural unless n is 1.
func count(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// literals returns the literals of c whose variables lie in [lo, hi].
func literals(c sat.Clause, lo, hi int) string {
	var parts []string
	for _, x := range c {
		if x.Var() >= lo && x.Var() <= hi {
			parts = append(parts, strings.Trim(sat.Clause{x}.String(), "()"))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ∨ ")
}

func (l *lesson) formula() {
	v, m, h := l.f.Vars, l.m(), l.ov.Split
	d := l.doc
	d.Heading(2, "1. The formula and the split")
	d.Para("The formula F (%s) has v = %s and m = %s. Split-and-list "+
		"(Williams 2005) puts the first h = %d (%s) on the left side and "+
		"the other %d (%s) on the right side, so that each half can be listed on its "+
		"own: 2^%d + 2^%d = %d partial assignments instead of 2^%d = %d full ones.",
		l.name, count(v, "variable"), count(m, "clause"), h, reduction.VarRange(1, h), v-h, reduction.VarRange(h+1, v), h, v-h, l.ov.N()+l.ov.M(), v, 1<<v)
	t := &Table{Header: []string{"clause", "literals on the left", "literals on the right"}, Left: 3}
	for c, cl := range l.f.Clauses {
		t.Rows = append(t.Rows, []Cell{{Text: fmt.Sprintf("C%d", c+1)},
			{Text: literals(cl, 1, h)}, {Text: literals(cl, h+1, v)}})
	}
	d.Table(t)
}

// partialTable lists the partial assignments of side s with their vectors.
func (l *lesson) partialTable(s ovp.Side, lo, hi int) *Table {
	name := "a"
	if s == ovp.B {
		name = "b"
	}
	t := &Table{Header: []string{name}}
	for x := lo; x <= hi; x++ {
		t.Header = append(t.Header, fmt.Sprintf("x%d", x))
	}
	for c := range l.m() {
		t.Header = append(t.Header, fmt.Sprintf("C%d", c+1))
	}
	for i := range l.ov.Len(s) {
		row := []Cell{{Text: fmt.Sprintf("%s%d", name, i)}}
		var full sat.Assignment
		if s == ovp.A {
			full = l.ov.Assignment(i, 0)
		} else {
			full = l.ov.Assignment(0, i)
		}
		for x := lo; x <= hi; x++ {
			row = append(row, Cell{Text: bit(full[x])})
		}
		for c := range l.m() {
			row = append(row, Cell{Text: bit(l.ov.Bit(s, i, c))})
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func bit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func (l *lesson) vectors() {
	h, v := l.ov.Split, l.f.Vars
	d := l.doc
	d.Heading(2, "2. Every partial assignment and its vector")
	d.Para("Each partial assignment σ of the left side becomes a vector a_σ with one "+
		"coordinate per clause: a_σ[c] = 1 when σ makes none of the literals "+
		"of C_c true, so the clause is still open and only the right side can satisfy "+
		"it. The left side lists the %s of %s (1 is true, 0 false):", count(l.ov.N(), "assignment"), reduction.VarRange(1, h))
	d.Table(l.partialTable(ovp.A, 1, h))
	d.Para("The right side's vectors b_π are built the same way from its partial assignments π of %s (%s):", reduction.VarRange(h+1, v), count(l.ov.M(), "assignment"))
	d.Table(l.partialTable(ovp.B, h+1, v))
}

func (l *lesson) innerProducts() {
	d := l.doc
	d.Heading(2, "3. Inner products count falsified clauses")
	d.Para("⟨a_σ, b_π⟩ counts the clauses that both halves leave open, which are "+
		"exactly the clauses the full assignment σ ∪ π falsifies. So an "+
		"orthogonal pair (inner product 0, %s) is a satisfying assignment, "+
		"and deciding SAT is finding an orthogonal pair: the Orthogonal "+
		"Vectors problem.", Marked)
	rows, cols := labels("a", l.ov.N()), labels("b", l.ov.M())
	d.Table(Matrix("⟨a,b⟩", rows, cols, func(i, j int) float64 { return float64(l.dots[i][j]) }, 0,
		func(i, j int) Mark { return markIf(l.dots[i][j] == 0) }))
	hist := map[int]int{}
	top := 0
	for _, r := range l.dots {
		for _, x := range r {
			hist[x]++
			top = max(top, x)
		}
	}
	t := &Table{Header: []string{"inner product"}}
	counts := []Cell{{Text: "pairs"}}
	for x := 0; x <= top; x++ {
		t.Header = append(t.Header, fmt.Sprint(x))
		counts = append(counts, Cell{Text: fmt.Sprint(hist[x]), Mark: markIf(x == 0 && hist[0] > 0)})
	}
	t.Rows = [][]Cell{counts}
	d.Para("How many of the %d pairs falsify 0, 1, 2, … clauses:", l.ov.Pairs())
	d.Table(t)
	d.Figure("ov", "The vectors as 0/1 grids, one column per clause; each orthogonal pair's two rows are outlined in one colour.")
}

func markIf(b bool) Mark {
	if b {
		return Good
	}
	return None
}

func labels(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return out
}

func (l *lesson) parameters() error {
	m := l.m()
	delta := 1 / float64(m)
	in, err := reduction.FromOV(l.ov.Instance, delta)
	if err != nil {
		return err
	}
	l.in = in
	p := in.Params
	lnRef := math.Log(4 * float64(p.M+1))
	d := l.doc
	d.Heading(2, "4. Choosing β and the entry bound B")
	d.Para("Inner products are integers, so every pair is orthogonal or has "+
		"⟨a, b⟩ ≥ 1 = δ·m with gap δ = 1/m. The reduction scales the vectors "+
		"by β, with β² = ln(4(M+1))/δ, so that an orthogonal pair weighs "+
		"at least 4(M+1) = %d times as much in attention as any other pair; the "+
		"entries of Q and K are then bounded by B = β.", 4*(p.M+1))
	d.Pre(
		fmt.Sprintf("δ  = 1/m = 1/%d = %s", m, Num(p.Delta, 4)),
		fmt.Sprintf("β² = ln(4(M+1))/δ = ln(4·%d)/%s = %s/%s = %s",
			p.M+1, Num(p.Delta, 4), Num(lnRef, 4), Num(p.Delta, 4), Num(p.Scale*p.Scale, 3)),
		fmt.Sprintf("B  = max(β, 1) = √%s = %s", Num(p.Scale*p.Scale, 3), Num(p.B, 3)),
		fmt.Sprintf("n  = max(N, 2M) = max(%d, %d) = %d,  √ln n = √%s = %s",
			p.N, p.Keys, p.Size, Num(math.Log(float64(p.Size)), 3), Num(p.SqrtLnN, 3)),
		fmt.Sprintf("B/√ln n = %s/%s = %s", Num(p.B, 3), Num(p.SqrtLnN, 3), Num(p.BOverSqrtLnN, 3)),
	)
	d.Para("The theorem's hard regime is B = Θ(√log n). With the gap δ = 1/m " +
		"that any formula guarantees, B = √(m·ln(4(M+1))) grows like log n " +
		"when m is about log n and the split is balanced, as here, above " +
		"that regime; formulas whose every " +
		"assignment falsifies a constant fraction δ of the clauses, and " +
		"planted Gap-OV instances (hardness gen ov --planted), keep " +
		"B/√ln n bounded by √(2/δ) (once M ≥ 2), inside it.")
	return nil
}

func (l *lesson) matrices() {
	p := l.in.Params
	d := l.doc
	d.Heading(2, "5. Q, K and V")
	d.Para("Query q_i = β·a_i (N = %s); key k_j = −β·b_j with value 1 for "+
		"the %s, then %s k = 0 with value 0; every "+
		"row has d = m = %s. Q:", count(p.N, "row"), count(p.M, "real key"), count(p.M, "reference key"), count(p.D, "column"))
	cols := labels("c", p.D)
	for c := range cols {
		cols[c] = fmt.Sprintf("C%d", c+1)
	}
	d.Table(Matrix("Q", labels("q", p.N), cols, l.in.Q.At, 2, nil))
	d.Para("K (rows k%d..k%d are the real keys, k%d..k%d the reference keys):", 0, p.M-1, p.M, p.Keys-1)
	d.Table(Matrix("K", labels("k", p.Keys), cols, l.in.K.At, 2, nil))
	d.Para("V, one value per key (shown as a row):")
	d.Table(Matrix("V", []string{"v"}, labels("k", p.Keys), func(_, j int) float64 { return l.in.V.At(j, 0) }, 0, nil))
}

func (l *lesson) logits() {
	p := l.in.Params
	x := mat.NewDense(p.N, p.Keys, nil)
	l.x = x
	x.Mul(l.in.Q, l.in.K.T())
	x.Scale(1/float64(p.D), x)
	refMax := 0.0
	for i := range p.N {
		for j := p.M; j < p.Keys; j++ {
			refMax = math.Max(refMax, math.Abs(x.At(i, j)))
		}
	}
	lnRef := math.Log(4 * float64(p.M+1))
	d := l.doc
	d.Heading(2, "6. The logits")
	d.Para("logit_ij = ⟨q_i, k_j⟩/d = −β²·⟨a_i, b_j⟩/m: 0 for an orthogonal "+
		"pair and at most −β²δ = −ln(4(M+1)) = −%s otherwise, so the weight "+
		"exp(logit) of a pair is 1 if it is orthogonal and at most "+
		"1/(4(M+1)) = 1/%d if not. Logits of the real keys, orthogonal pairs %s:",
		Num(lnRef, 3), 4*(p.M+1), Marked)
	d.Table(Matrix("logit", labels("q", p.N), labels("k", p.M), x.At, 2,
		func(i, j int) Mark { return markIf(l.dots[i][j] == 0) }))
	if refMax == 0 {
		d.Para("The %s logit 0 in every row, the largest "+
			"possible: they are the yardstick the real keys are measured against.", count(p.M, "reference key")+map[bool]string{true: " has", false: " have"}[p.M == 1])
	} else {
		d.Para("The %s logits of absolute value up to %s.", count(p.M, "reference key")+map[bool]string{true: " has", false: " have"}[p.M == 1], Sci(refMax, 3))
	}
	d.Figure("logits", "The logits QKᵀ/d as a heat map: 0 (yellow) only for orthogonal pairs and the reference keys.")
	l.out = attention.Naive(l.in.Q, l.in.K, l.in.V)
	l.outputTable(x)
}

func (l *lesson) outputTable(x *mat.Dense) {
	p := l.in.Params
	d := l.doc
	d.Heading(2, "7. The output T and the threshold")
	d.Para("T_i = Att(Q, K, V)_i is the share of row i's attention that goes "+
		"to real keys: S_i/(S_i + M) with S_i = Σ_j exp(logit_ij) over the "+
		"real keys. A row with an orthogonal partner has S_i ≥ 1, so "+
		"T_i ≥ 1/(M+1) = %s; a row without one has T_i ≤ 1/(4M+5) = %s. "+
		"The threshold τ = 5/(8(M+1)) = %s lies between, and any "+
		"approximation within 3/(8(M+1)) = %s of T still decides every row "+
		"(rows above τ %s). T computed exactly, by the definition:",
		Num(p.YesLower, 4), Num(p.NoUpper, 4), Num(p.Threshold, 4), Num(p.Tolerance, 4), Marked)
	t := &Table{Header: []string{"row", "S_i", "T_i", "orthogonal partners"}}
	for i := range p.N {
		s := 0.0
		zeros := 0
		for j := range p.M {
			s += math.Exp(x.At(i, j))
			if l.dots[i][j] == 0 {
				zeros++
			}
		}
		ti := l.out.T.At(i, 0)
		t.Rows = append(t.Rows, []Cell{{Text: fmt.Sprintf("q%d", i)}, {Text: Num(s, 4)},
			{Text: Num(ti, 4), Mark: markIf(ti > p.Threshold)}, {Text: fmt.Sprint(zeros)}})
	}
	d.Table(t)
}

func (l *lesson) decode(ctx context.Context) error {
	p := l.in.Params
	dec := reduction.Decide(l.out.T, p)
	l.dec = dec
	d := l.doc
	d.Heading(2, "8. Decoding, checked by gini")
	var lines []string
	switch dec.Verdict {
	case reduction.Sat:
		i := dec.Row
		j := reduction.Partner(l.ov.Instance, i)
		if j < 0 {
			return fmt.Errorf("explain: row q%d is above τ but has no orthogonal partner (decoding failure)", i)
		}
		a := l.ov.Assignment(i, j)
		check := "satisfies all clauses"
		if err := sat.Verify(l.f, a); err != nil {
			check = err.Error()
		}
		d.Para("The verdict is read from T alone: %s above τ, so F is "+
			"satisfiable. The largest, row q%d, is the witness; a linear scan "+
			"of the right side finds its partner b%d with ⟨a%d, b%d⟩ = 0, and the pair "+
			"maps back to a full assignment, which is checked against F.",
			rowsAbove(dec.Above), i, j, i, j)
		lines = append(lines,
			fmt.Sprintf("verdict from T: SAT (T_%d = %s > τ = %s)", i, Num(float64(dec.Max), 4), Num(p.Threshold, 4)),
			fmt.Sprintf("witness pair:   a%d ⊥ b%d", i, j),
			fmt.Sprintf("assignment:     %s", assignmentString(a)),
			fmt.Sprintf("check:          %s", check))
	case reduction.Unsat:
		d.Para("The verdict is read from T alone: no row lies above τ, so no " +
			"pair is orthogonal and no assignment satisfies F.")
		lines = append(lines, fmt.Sprintf("verdict from T: UNSAT (largest T_i = %s ≤ τ = %s)",
			Num(float64(dec.MaxBelow), 4), Num(p.Threshold, 4)))
	default:
		return fmt.Errorf("explain: exact attention gave verdict %s", dec.Verdict)
	}
	res, err := sat.Solve(ctx, l.f)
	if err != nil {
		return err
	}
	l.giniStatus = res.Status
	agree := (res.Status == sat.Sat) == (dec.Verdict == reduction.Sat) && res.Status != sat.Unknown
	gini := res.Status.String()
	if res.Status == sat.Sat {
		gini += ", model " + assignmentString(res.Model) + " (verified)"
	}
	lines = append(lines, "gini:           "+gini)
	d.Pre(lines...)
	if agree {
		d.Verdict(Good, "gini, an independent SAT solver, agrees: attention decided this formula.")
	} else {
		d.Verdict(Bad, "gini disagrees: this is a bug, please report it.")
	}
	return nil
}

func rowsAbove(n int) string {
	if n == 1 {
		return "1 row lies"
	}
	return fmt.Sprintf("%d rows lie", n)
}

// assignmentString returns a as "x1=0 x2=1 …".
func assignmentString(a sat.Assignment) string {
	parts := make([]string, 0, a.Vars())
	for x := 1; x <= a.Vars(); x++ {
		parts = append(parts, fmt.Sprintf("x%d=%s", x, bit(a[x])))
	}
	return strings.Join(parts, " ")
}
