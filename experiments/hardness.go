package experiments

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/reduction"
	"github.com/hardnesslab/hardness/sat"
)

func init() {
	register(&Experiment{
		Name:  "hardness",
		Short: "the reduction's gapped instances: B/√ln n flat in n, exact decodes them, poly on exact's budget cannot",
		Long: `The lower-bound side. Two families of instances with a roughly constant gap δ go
through the reduction OV → Q, K, V (docs/design.md §2.2, β² = ln(4(M+1))/δ with the measured
gap): planted Gap-OV instances (random vectors, one planted orthogonal pair in the YES
instances, none in the NO instances) for growing N, and CNF formulas at clause ratio
m/v = 20 (planted-satisfiable ones and random unsatisfiable ones) through
split-and-list. For each instance: the entry bound B, √ln n and B/√ln n; the verdict
decoded from exact attention; and the polynomial method given the same time budget as
exact (the largest degree whose planned flops do not exceed exact's), with its certified
error against the decoder's tolerance 3/(8(M+1)) and its measured verdict.`,
		run:       runHardness,
		report:    reportHardness,
		shardable: true, // one instance per unit of work
	})
}

type hardnessSizes struct {
	ovLogN  []int   // planted Gap-OV: N = M = 2^k
	ovGap   float64 // requested gap δ
	ovDens  float64 // density ρ of the random vectors
	ovDimK  int     // dimension m = ovDimK·log2 N
	cnfVars []int   // CNF: number of variables
	ratio   float64 // clauses per variable
	k       int     // literals per clause
}

func hardnessConfig(quick bool) hardnessSizes {
	s := hardnessSizes{ovLogN: []int{8, 9, 10, 11, 12}, ovGap: 0.125, ovDens: 0.5, ovDimK: 8,
		cnfVars: []int{10, 12, 14, 16, 18, 20, 22}, ratio: 20, k: 3}
	if quick {
		s.ovLogN = []int{5, 6, 7}
		s.cnfVars = []int{6, 8}
	}
	return s
}

// hardnessRow is one instance.
type hardnessRow struct {
	family, truth        string
	vars, clauses        int
	n, m, dim, size      int
	delta, b, sq, ratio  float64
	tol                  float64
	exactVerdict         string
	exactOK              bool
	exactSec, exactFlops float64
	polyDegree           int
	polyRank, polyFlops  float64
	polyBound, polyErr   float64
	polyTrusted, polyOK  bool
	polyVerdict          string
	polySec              float64
	note                 string
}

type hardnessData struct {
	sizes hardnessSizes
	rows  []hardnessRow
}

var hardnessColumns = []string{"family", "truth", "vars", "clauses", "N", "M", "d", "n", "gap_delta", "B", "sqrt_ln_n", "B_over_sqrt_ln_n",
	"tolerance", "exact_verdict", "exact_correct", "exact_seconds", "exact_flops", "poly_degree", "poly_rank", "poly_flops",
	"poly_certified_err", "poly_trusted", "poly_measured_err", "poly_verdict", "poly_correct", "poly_seconds", "note"}

func (h *hardnessRow) values() []any {
	return []any{h.family, h.truth, h.vars, h.clauses, h.n, h.m, h.dim, h.size, h.delta, h.b, h.sq, h.ratio,
		h.tol, h.exactVerdict, h.exactOK, h.exactSec, h.exactFlops, h.polyDegree, h.polyRank, h.polyFlops,
		h.polyBound, h.polyTrusted, h.polyErr, h.polyVerdict, h.polyOK, h.polySec, h.note}
}

func runHardness(ctx context.Context, r *Run) error {
	s := hardnessConfig(r.Quick)
	data := &hardnessData{sizes: s}
	r.state = data
	r.Summary.AddParam("planted Gap-OV", fmt.Sprintf("N = M ∈ 2^%v, m = %d·log2 N, density %g, requested gap δ = %g; a YES (one planted orthogonal pair) and a NO instance per N",
		s.ovLogN, s.ovDimK, s.ovDens, s.ovGap))
	r.Summary.AddParam("CNF", fmt.Sprintf("%d-SAT at m/v = %g, v ∈ %v: one planted-satisfiable and one random unsatisfiable formula per v, split-and-list with h = ⌊v/2⌋", s.k, s.ratio, s.cnfVars))
	r.Summary.AddParam("gap used by the reduction", "the measured gap (minimum nonzero inner product / m)")
	r.Summary.AddParam("poly budget", "the largest degree whose planned flops are ≤ exact attention's planned flops on the same Q, K, V")
	t := r.Table("hardness", hardnessColumns...)
	add := func(h *hardnessRow) {
		data.rows = append(data.rows, *h)
		t.Append(h.values()...)
	}
	bar := r.Bar(2*len(s.ovLogN)+2*len(s.cnfVars), "hardness")
	defer bar.Finish()
	unit := 0 // each instance is a unit of work of its own
	for _, k := range s.ovLogN {
		for _, yes := range []bool{true, false} {
			h, mine, err := point(r, unit, shardKey("hardness", "ov", k, yes), func() (*hardnessRow, error) {
				return hardnessPlanted(ctx, r, s, k, yes)
			})
			unit++
			if h != nil && err == nil && mine { // an interrupted instance is not a result
				add(h)
			}
			if err != nil {
				return err
			}
			bar.Add(1)
		}
	}
	for _, v := range s.cnfVars {
		for _, planted := range []bool{true, false} {
			h, mine, err := point(r, unit, shardKey("hardness", "cnf", v, planted), func() (*hardnessRow, error) {
				return hardnessCNF(ctx, r, s, v, planted)
			})
			unit++
			if h != nil && err == nil && mine { // an interrupted instance is not a result
				add(h)
			}
			if err != nil {
				return err
			}
			bar.Add(1)
		}
	}
	return nil
}

// hardnessPlanted builds one planted Gap-OV instance and runs it through
// the reduction's OV route at its planted gap.
func hardnessPlanted(ctx context.Context, r *Run, s hardnessSizes, k int, yes bool) (*hardnessRow, error) {
	n := 1 << k
	pl, err := ovp.PlantGap(ctx, ovp.GapOptions{N: n, M: n, Dim: s.ovDimK * k, Density: s.ovDens, Gap: s.ovGap, Yes: yes,
		Seed: subSeed(r.Seed, 5, uint64(k), boolBit(yes)), MaxMemory: r.MaxMemory})
	if err != nil {
		return nil, fmt.Errorf("planting Gap-OV with N = 2^%d: %w", k, err)
	}
	h := &hardnessRow{family: "planted Gap-OV", truth: yesNo(yes), delta: pl.Gap()}
	return h, hardnessSolve(ctx, r, h, reduction.OVProblem(pl.Instance), reduction.Options{Gap: h.delta})
}

// hardnessCNF runs one formula at a high clause ratio through the pipeline
// at its measured gap.
func hardnessCNF(ctx context.Context, r *Run, s hardnessSizes, v int, planted bool) (*hardnessRow, error) {
	f, note, err := hardnessFormula(ctx, s, v, planted, subSeed(r.Seed, 6, uint64(v), boolBit(planted)))
	if err != nil {
		return nil, err
	}
	h := &hardnessRow{family: fmt.Sprintf("CNF m/v=%g planted", s.ratio), truth: "SAT", vars: v, clauses: len(f.Clauses), note: note}
	if !planted {
		h.family, h.truth = fmt.Sprintf("CNF m/v=%g random", s.ratio), "UNSAT"
	}
	p, err := reduction.CNFProblem(f, 0)
	if err != nil {
		return nil, err
	}
	return h, hardnessSolve(ctx, r, h, p, reduction.Options{MeasureGap: true})
}

// hardnessSolve runs p through the reduction with exact attention, then
// with the polynomial method on exact's flop budget at the gap exact used,
// and records both typed verdicts (named in the instance's terms: SAT or
// YES) and whether each agrees with the independent check (gini, or a
// brute-force scan). A failed polynomial run is a result; only a
// cancellation, or a failure of the exact run, is an error.
func hardnessSolve(ctx context.Context, r *Run, h *hardnessRow, p reduction.Problem, opt reduction.Options) error {
	exact, err := attention.New(referenceAlgo, attention.Options{MaxMemory: r.MaxMemory})
	if err != nil {
		return err
	}
	opt.Algo, opt.Keep, opt.MaxMemory = exact, true, r.MaxMemory
	rep, err := reduction.Solve(ctx, p, opt)
	if err != nil {
		return fmt.Errorf("%s pipeline on %s: %w", referenceAlgo, h.family, err)
	}
	h.delta = rep.Gap.Delta
	h.fillParams(rep.Params)
	h.exactVerdict, h.exactOK = rep.Label(rep.Verdict), rep.Agree
	h.exactSec, h.exactFlops = rep.StageTime(reduction.StageAttention).Seconds(), rep.Algo.Flops
	poly, pplan, g, err := polyAtBudget(rep.Q, rep.K, rep.V, rep.Algo.Flops, r.MaxMemory)
	if err != nil {
		h.note = joinNote(h.note, "poly not run: "+err.Error())
		return nil
	}
	h.setPolyPlan(pplan, g, rep.Params)
	prep, err := reduction.Solve(ctx, p, reduction.Options{Algo: poly, Gap: rep.Gap.Delta, Keep: true, MaxMemory: r.MaxMemory})
	if prep != nil {
		h.polySec = prep.StageTime(reduction.StageAttention).Seconds()
	}
	if err != nil {
		return h.polyFailed(ctx, err)
	}
	h.polyVerdict, h.polyOK = prep.Label(prep.Verdict), prep.Agree
	if prep.T != nil && rep.T != nil {
		h.polyErr = maxAbsDiff(prep.T, rep.T)
	}
	return nil
}

// hardnessFormula returns a planted-satisfiable formula, or a random one
// that gini proves unsatisfiable (resampling, with a note, if one is not).
func hardnessFormula(ctx context.Context, s hardnessSizes, v int, planted bool, seed uint64) (*sat.Formula, string, error) {
	o := sat.GenOptions{Vars: v, Clauses: sat.ClausesForRatio(v, s.ratio), K: s.k, Seed: seed}
	if planted {
		f, _, err := sat.Planted(o)
		return f, "", err
	}
	for try := range 20 {
		o.Seed = seed + uint64(try)
		f, err := sat.Random(o)
		if err != nil {
			return nil, "", err
		}
		res, err := sat.Solve(ctx, f)
		if err != nil {
			return nil, "", err
		}
		if res.Status == sat.Unsat {
			note := ""
			if try > 0 {
				note = fmt.Sprintf("%d satisfiable draws skipped", try)
			}
			return f, note, nil
		}
	}
	return nil, "", fmt.Errorf("no unsatisfiable random %d-SAT formula with v = %d in 20 draws", s.k, v)
}

// polyAtBudget returns the polynomial method at the largest degree whose
// planned flops are at most budget (degree 1 if even that exceeds it).
func polyAtBudget(q, k, v *mat.Dense, budget float64, maxMem int64) (attention.Algorithm, *attention.Plan, int, error) {
	var best attention.Algorithm
	var bestPlan *attention.Plan
	bestG := 0
	for g := 1; g <= 64; g++ {
		alg, err := attention.New("poly", attention.Options{Degree: g, MaxMemory: maxMem})
		if err != nil {
			return nil, nil, 0, err
		}
		plan, err := alg.Plan(q, k, v)
		var me *memlimit.Error
		if errors.As(err, &me) && best != nil {
			break
		}
		if err != nil {
			return nil, nil, 0, err
		}
		if plan.Flops > budget && best != nil {
			break
		}
		best, bestPlan, bestG = alg, plan, g
		if plan.Flops > budget {
			break
		}
	}
	return best, bestPlan, bestG, nil
}

// polyFailed records a polynomial-method run that returned an error (such
// as a row normaliser that is not positive: the degree is too low for the
// inputs) as a failed verdict. Only a cancellation stops the experiment.
func (h *hardnessRow) polyFailed(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return err
	}
	h.polyVerdict, h.polyOK, h.polyErr = "FAILED", false, math.Inf(1)
	h.note = joinNote(h.note, err.Error())
	return nil
}

func (h *hardnessRow) fillParams(p reduction.Params) {
	h.n, h.m, h.dim, h.size = p.N, p.M, p.D, p.Size
	h.b, h.sq, h.ratio, h.tol = p.B, p.SqrtLnN, p.BOverSqrtLnN, p.Tolerance
}

func (h *hardnessRow) setPolyPlan(p *attention.Plan, g int, params reduction.Params) {
	h.polyDegree, h.polyRank, h.polyFlops = g, attention.Rank(h.dim, g), p.Flops
	h.polyBound, h.polyTrusted = p.ErrBound, params.Trusted(p.ErrBound)
	if p.Flops > h.exactFlops {
		h.note = joinNote(h.note, fmt.Sprintf("even degree 1 plans %.2g× exact's flops", p.Flops/h.exactFlops))
	}
}

func yesNo(b bool) string {
	if b {
		return "YES"
	}
	return "NO"
}

func boolBit(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func reportHardness(r *Run) error {
	data, ok := r.state.(*hardnessData)
	if !ok || len(data.rows) == 0 {
		return nil
	}
	fams := hardnessFamilies(data.rows)
	r.Figure(hardnessRatioFigure(fams))
	r.Figure(hardnessPolyFigure(fams, data.rows))
	for _, f := range fams {
		r.Summary.AddFinding("%s", familyFinding(f))
	}
	for _, f := range fams {
		if msg, ok := gapPerVariableFinding(f); ok {
			r.Summary.AddFinding("%s", msg)
		}
	}
	hardnessNotes(r)
	return nil
}

// hardnessFamily is the rows of one family (for formulas, of one truth
// value), in the order they were measured.
type hardnessFamily struct {
	name string
	rows []hardnessRow
}

// hardnessFamilies groups rows by family; formula families are split by
// their truth value, Gap-OV families hold YES and NO together.
func hardnessFamilies(rows []hardnessRow) []hardnessFamily {
	var fams []hardnessFamily
	index := map[string]int{}
	for _, h := range rows {
		key := h.family + " (YES and NO)"
		if h.vars > 0 {
			key = h.family + " " + h.truth
		}
		i, ok := index[key]
		if !ok {
			i = len(fams)
			index[key] = i
			fams = append(fams, hardnessFamily{name: key})
		}
		fams[i].rows = append(fams[i].rows, h)
	}
	return fams
}

// column returns one float field of every row of f.
func (f hardnessFamily) column(get func(h hardnessRow) float64) []float64 {
	out := make([]float64, len(f.rows))
	for i, h := range f.rows {
		out[i] = get(h)
	}
	return out
}

// count returns how many rows of f satisfy pred.
func (f hardnessFamily) count(pred func(h hardnessRow) bool) int {
	n := 0
	for _, h := range f.rows {
		if pred(h) {
			n++
		}
	}
	return n
}

func (f hardnessFamily) sizes() []float64 {
	return f.column(func(h hardnessRow) float64 { return float64(h.size) })
}

// hardnessRatioFigure plots B/√ln n against n, one series per family.
func hardnessRatioFigure(fams []hardnessFamily) *Figure {
	fig := &Figure{Name: "b_over_sqrt_ln_n", Title: "Entry bound of the reduction's instances: B / √ln n against n (measured gap)",
		XLabel: "n = max(N, 2M)", YLabel: "B / √ln n", LogX: true, Pow2X: true, YFromZero: true}
	for i, f := range fams {
		fig.Series = append(fig.Series, Series{Label: f.name, X: f.sizes(),
			Y: f.column(func(h hardnessRow) float64 { return h.ratio }), Points: true, Color: i + 1})
	}
	return fig
}

// hardnessPolyFigure plots, per family, the polynomial method's certified
// and measured error on exact attention's flop budget, the runs that gave
// no output, and the decoder's tolerance.
func hardnessPolyFigure(fams []hardnessFamily, rows []hardnessRow) *Figure {
	fig := &Figure{Name: "poly_at_exact_budget", Title: "Polynomial method on exact attention's flop budget",
		XLabel: "n = max(N, 2M)", YLabel: "max |T̃ − T|", LogX: true, LogY: true, Pow2X: true, LegendLeft: true}
	for i, f := range fams {
		xs, meas := f.sizes(), f.column(func(h hardnessRow) float64 { return h.polyErr })
		var fx, fy []float64 // failed runs, drawn at 1
		for k, e := range meas {
			if math.IsInf(e, 1) {
				fx, fy = append(fx, xs[k]), append(fy, 1)
			}
		}
		fig.Series = append(fig.Series,
			Series{Label: f.name + ": certified", X: xs, Y: f.column(func(h hardnessRow) float64 { return h.polyBound }), Points: true, Color: i + 1},
			Series{Label: f.name + ": measured", X: xs, Y: meas, Points: true, Dashed: true, Color: i + 1},
			Series{Label: f.name + ": no output (drawn at 1)", X: fx, Y: fy, NoLine: true, Color: i + 1})
	}
	if !slices.ContainsFunc(rows, func(h hardnessRow) bool { return !math.IsInf(h.polyBound, 1) }) {
		fig.YLabel += " (certified bound: +Inf everywhere)"
	}
	var tolX []float64
	for _, h := range rows {
		tolX = append(tolX, float64(h.size))
	}
	tolX = sortedUnique(tolX)
	fig.Series = append(fig.Series, Series{Label: "decoder tolerance 3/(8(M+1))", X: tolX, Y: tolForSizes(rows, tolX), Color: 7})
	return fig
}

// familyFinding is the finding of one family: its sizes, gaps, entry
// bounds, how often exact attention decodes it, and what the polynomial
// method does on exact's budget.
func familyFinding(f hardnessFamily) string {
	xs := f.sizes()
	col := func(get func(h hardnessRow) float64) (float64, float64) {
		c := f.column(get)
		return minOf(c), maxOf(c)
	}
	dLo, dHi := col(func(h hardnessRow) float64 { return h.delta })
	bLo, bHi := col(func(h hardnessRow) float64 { return h.b })
	rLo, rHi := col(func(h hardnessRow) float64 { return h.ratio })
	gLo, gHi := col(func(h hardnessRow) float64 { return float64(h.polyDegree) })
	kLo, kHi := col(func(h hardnessRow) float64 { return h.polyRank })
	bound, _ := col(func(h hardnessRow) float64 { return h.polyBound })
	_, tol := col(func(h hardnessRow) float64 { return h.tol })
	n := len(f.rows)
	return fmt.Sprintf("%s: %d instances, n = 2^%d … 2^%d; measured gap δ ∈ [%.3g, %.3g]; B ∈ [%.3g, %.3g]; **B/√ln n ∈ [%.3g, %.3g]**; exact attention decodes **%d of %d** correctly. The polynomial method on exact's flop budget affords degree %g–%g (r = %.3g–%.3g features); its certified error is %s against a tolerance ≤ %.3g, so it is trusted on %d instances; it gave no output on %d and its verdict was right on %d of %d.",
		f.name, n, log2(int(xs[0])), log2(int(xs[len(xs)-1])), dLo, dHi, bLo, bHi, rLo, rHi,
		f.count(func(h hardnessRow) bool { return h.exactOK }), n, gLo, gHi, kLo, kHi, boundText(bound), tol,
		f.count(func(h hardnessRow) bool { return h.polyTrusted }), f.count(func(h hardnessRow) bool { return h.polyVerdict == "FAILED" }),
		f.count(func(h hardnessRow) bool { return h.polyOK }), n)
}

// gapPerVariableFinding states δ·v over a formula family (false for
// families that are not formulas).
func gapPerVariableFinding(f hardnessFamily) (string, bool) {
	if f.rows[0].vars == 0 {
		return "", false
	}
	dv := f.column(func(h hardnessRow) float64 { return h.delta * float64(h.vars) })
	return fmt.Sprintf("%s: δ·v ∈ [%.3g, %.3g] over v = %d … %d.", f.name, minOf(dv), maxOf(dv), f.rows[0].vars, f.rows[len(f.rows)-1].vars), true
}

// hardnessNotes explains what the findings rest on.
func hardnessNotes(r *Run) {
	r.Summary.AddNote("A satisfiable formula cannot keep a constant gap as v grows: flipping one variable of a satisfying assignment falsifies only clauses that contain it, about k·(m/v)/(2^k − 1) of the m clauses on average for planted k-SAT, so δ ≲ k/((2^k − 1)·v) and it is δ·v, not δ, that stays roughly constant; B/√ln n then grows like √v in the limit. Unsatisfiable formulas at a high clause ratio, and planted Gap-OV, keep δ constant; that is why the lower bound goes through gapped problems (Gap-OV, Gap-ANN) rather than plain CNF.")
	r.Summary.AddNote("An untrusted verdict can still be right: a SAT verdict is only reported when the decoded assignment verifies against the formula, so a lucky arg-max row of a poor approximation yields a correct SAT; UNSAT and NO verdicts of an untrusted run carry no guarantee.")
	r.Summary.AddNote("The polynomial method's time budget is exact attention's planned flop count on the same Q, K, V (deterministic, unlike wall time on a shared machine); both wall times are in hardness.csv.")
	r.Summary.AddNote("A certified error of +Inf means the polynomial method promises no accuracy at all at that degree (the logit bound R = max‖q‖·max‖k‖/d is tens here, and with float64 coefficients no degree certifies anything below about 2^−53·e^{(1+√2)R}); such bounds are left out of the plot. Runs that gave no output (a row normaliser ≤ 0) are drawn at 1.")
}

// boundText describes the least certified bound of a family.
func boundText(b float64) string {
	if math.IsInf(b, 1) {
		return "+Inf everywhere (no accuracy promised)"
	}
	return fmt.Sprintf("≥ %.3g", b)
}

func minOf(xs []float64) float64 {
	m := math.Inf(1)
	for _, x := range xs {
		m = math.Min(m, x)
	}
	return m
}

func maxOf(xs []float64) float64 {
	m := math.Inf(-1)
	for _, x := range xs {
		m = math.Max(m, x)
	}
	return m
}

func sortedUnique(xs []float64) []float64 {
	ys := slices.Clone(xs)
	slices.Sort(ys)
	return slices.Compact(ys)
}

// tolForSizes returns the tolerance of the first instance of each size.
func tolForSizes(rows []hardnessRow, sizes []float64) []float64 {
	out := make([]float64, len(sizes))
	for i, n := range sizes {
		for _, h := range rows {
			if float64(h.size) == n {
				out[i] = h.tol
				break
			}
		}
	}
	return out
}
