package experiments

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/attention/expapprox"
	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/reduction"
)

func init() {
	register(&Experiment{
		Name:  "threshold",
		Short: "the measured bracket around B ≈ √ln n: c_up (fast path) and c_low (decodable reduced instances) against n",
		Long: `The theorem's transition at B ≈ √ln n is asymptotic; what the tool can measure is a
bracket c_up ≤ c ≤ c_low in c = B/√ln n, per n. *c_up* is the largest c below which
the polynomial method is subquadratic at ε = 1/n: with d = log2 n, the largest degree
g_max whose n·r·d stays below n² (r = C(d+g, g)), and the largest logit radius
R = c²·ln n on which that degree's certified relative error is ≤ 1/n (the certificate
the solver itself uses). Alongside it, *c_up measured*: the c at which the polynomial
method at the same degree g_max, on random Q, K uniform in [−B, B] and V ∈ {0,1},
has a max error against exact attention above the decoder's tolerance 1/n (the grid
stops a few points past that crossing). *c_low*
is the smallest c at which the tool builds reduced instances that decode correctly:
planted Gap-OV at the densest gap the generator reaches (δ = 1/2, density 0.9,
m = log2 n), through the tight OV form (one reference key, decoder tolerance 1/n),
built, run through exact attention and decoded, YES and NO, where exact attention is
affordable, and from the construction's formula beyond. For comparison the default
form (M reference keys) at δ = 1/2, and at δ = 1/8 (the planted family of the
hardness experiment, the construction before this experiment).`,
		run:    runThreshold,
		report: reportThreshold,
	})
}

// thresholdSizes are the sweep's parameters for one mode.
type thresholdSizes struct {
	ns       []int     // every n: c_up computed, c_low from the formula
	buildMax int       // largest n whose reduced instances are built and decoded
	measN    []int     // n at which the fast path's error is measured
	measC    []float64 // c grid of the measurement
	density  float64   // of the planted vectors
	gap      float64   // the densest planted gap
	before   float64   // the planted gap of the hardness experiment
}

func thresholdConfig(quick bool) thresholdSizes {
	s := thresholdSizes{ns: pow2Steps(8, 22, 2), buildMax: 1 << 14, measN: pow2Steps(8, 14, 2),
		measC: grid(0.025, 1.5, 0.025), density: 0.9, gap: 0.5, before: 0.125}
	if quick {
		s.ns, s.buildMax, s.measN, s.measC = pow2Steps(8, 10, 2), 1<<10, []int{256}, grid(0.1, 1.2, 0.1)
	}
	return s
}

// upperPoint is the fast path's side at one n.
type upperPoint struct {
	n, d, gMax     int
	rank, eps      float64
	cUp, rUp       float64 // the largest c (and R = c²·ln n) certified at g_max
	degBelow       int     // the solver's degree just below c_up (≤ g_max)
	degAbove       int     // and just above it (> g_max)
	cMeas          float64 // c at which the measured error passes 1/n; NaN if not measured or never
	measured       bool
	exponentBelow  float64 // log_n(n·r·d) at degBelow
	exponentAbove  float64
	certAtCUp      float64 // the certified relative error at R_up
	tolerance      float64 // the decoder tolerance the measured error is compared with: 1/n
	maxMeasuredC   float64 // the largest c of the measurement grid
	measuredNoPass bool    // the measured error stays below 1/n over the whole grid
}

// lowerPoint is one construction's c at one n, built or from the formula.
type lowerPoint struct {
	n          int
	form       string // "tight δ=1/2", "default δ=1/2", "default δ=1/8"
	delta      float64
	nq, m, dim int
	p          reduction.Params
	built      bool
	yesOK      bool // the YES instance decoded YES with the planted row's partner
	noOK       bool // the NO instance decoded NO
	yesMargin  float64
	noMargin   float64
	realised   [2]float64 // realised gaps of the YES and NO instances
}

// measuredErr is one (n, c) of the fast path's measurement.
type measuredErr struct {
	n      int
	c, b   float64
	degree int
	err    float64
	bound  float64
	note   string
}

type thresholdData struct {
	sizes thresholdSizes
	upper []upperPoint
	lower []lowerPoint
	meas  []measuredErr
}

func runThreshold(ctx context.Context, r *Run) error {
	s := thresholdConfig(r.Quick)
	data := &thresholdData{sizes: s}
	r.state = data
	r.Summary.AddParam("n", s.ns)
	r.Summary.AddParam("d (fast path and planted instances)", "log2 n")
	r.Summary.AddParam("c_up", "ε = 1/n; degree g_max = the largest g with C(d+g, g)·d < n; c from the certificate expapprox.CertifiedError(c²·ln n, g_max) ≤ 1/n (scan in steps of 0.005, then bisection)")
	r.Summary.AddParam("c_up measured", fmt.Sprintf("n ∈ %v; c ∈ %g … %g step %g; Q, K uniform in [−B, B], V ∈ {0,1}; poly at degree g_max against exact; decoder tolerance 1/n",
		s.measN, s.measC[0], s.measC[len(s.measC)-1], s.measC[1]-s.measC[0]))
	r.Summary.AddParam("c_low", fmt.Sprintf("planted Gap-OV, density %g, m = log2 n, gap δ = %g; tight form (N = M = n − 1, one reference key, tolerance 1/n) and default form (N = M = n/2, M reference keys); built and decoded with exact attention for n ≤ %d", s.density, s.gap, s.buildMax))
	r.Summary.AddParam("before", fmt.Sprintf("default form at δ = %g (the planted Gap-OV family of the hardness experiment), from the formula", s.before))
	up := r.Table("upper", "n", "log2_n", "d", "eps", "g_max", "rank_at_g_max", "c_up", "R_up", "cert_err_at_R_up",
		"solver_degree_below", "exponent_below", "solver_degree_above", "exponent_above", "c_up_measured", "measured_tolerance")
	low := r.Table("lower", "n", "form", "delta", "N", "M", "keys", "dim", "B", "sqrt_ln_n", "c", "tolerance", "threshold",
		"built", "yes_ok", "no_ok", "yes_margin", "no_margin", "realised_gap_yes", "realised_gap_no")
	meas := r.Table("measured", "n", "d", "c", "B", "degree", "max_err", "certified_bound", "tolerance", "note")
	bar := r.Bar(len(s.ns)+len(s.measN), "threshold")
	defer bar.Finish()
	for _, n := range s.ns {
		if err := ctx.Err(); err != nil {
			return err
		}
		u := upperAt(n)
		data.upper = append(data.upper, u)
		bar.Add(1)
	}
	for _, n := range s.measN {
		if err := measureUpper(ctx, r, s, data, n, meas); err != nil {
			return err
		}
		bar.Add(1)
	}
	for _, u := range data.upper {
		up.Append(u.n, log2(u.n), u.d, u.eps, u.gMax, u.rank, u.cUp, u.rUp, u.certAtCUp,
			u.degBelow, u.exponentBelow, u.degAbove, u.exponentAbove, u.cMeas, u.tolerance)
	}
	for _, n := range s.ns {
		pts, err := lowerAt(ctx, r, s, n)
		for _, p := range pts {
			data.lower = append(data.lower, p)
			low.Append(p.n, p.form, p.delta, p.nq, p.m, p.p.Keys, p.dim, p.p.B, p.p.SqrtLnN, p.p.BOverSqrtLnN,
				p.p.Tolerance, p.p.Threshold, p.built, p.yesOK, p.noOK, p.yesMargin, p.noMargin, p.realised[0], p.realised[1])
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// budgetDegree returns the largest degree g with C(d+g, g)·d < n: the
// polynomial method's n·r·d operations stay below n² (g = 0 if even
// degree 1 does not).
func budgetDegree(n, d int) int {
	g := 0
	for attention.Rank(d, g+1)*float64(d) < float64(n) {
		g++
	}
	return g
}

// upperAt computes c_up at n: the largest c such that the certificate of
// degree g_max on [−c²·ln n, c²·ln n] is ≤ 1/n for every smaller c on a
// grid of step 0.005, refined by bisection to 1e−5.
func upperAt(n int) upperPoint {
	d := log2(n)
	lnN := math.Log(float64(n))
	u := upperPoint{n: n, d: d, eps: 1 / float64(n), tolerance: 1 / float64(n), cMeas: math.NaN()}
	u.gMax = budgetDegree(n, d)
	u.rank = attention.Rank(d, u.gMax)
	ok := func(c float64) bool { return expapprox.CertifiedError(c*c*lnN, u.gMax) <= u.eps }
	lo, hi := 0.0, 0.0
	for c := 0.005; ; c += 0.005 {
		if !ok(c) {
			hi = c
			break
		}
		lo = c
	}
	for hi-lo > 1e-5 {
		mid := (lo + hi) / 2
		if ok(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	u.cUp, u.rUp = lo, lo*lo*lnN
	u.certAtCUp = expapprox.CertifiedError(u.rUp, u.gMax)
	exponent := func(g int) float64 { return 1 + math.Log(attention.Rank(d, g)*float64(d))/lnN }
	u.degBelow, _ = expapprox.Degree(u.rUp, u.eps)
	u.degAbove, _ = expapprox.Degree(hi*hi*lnN*(1+1e-6), u.eps)
	u.exponentBelow, u.exponentAbove = exponent(u.degBelow), exponent(u.degAbove)
	return u
}

// measureUpper runs the polynomial method at degree g_max against exact
// attention on random instances over the c grid, and records where its
// max error first exceeds the tolerance 1/n.
func measureUpper(ctx context.Context, r *Run, s thresholdSizes, data *thresholdData, n int, t *Table) error {
	var u *upperPoint
	for i := range data.upper {
		if data.upper[i].n == n {
			u = &data.upper[i]
		}
	}
	d := log2(n)
	sq := math.Sqrt(math.Log(float64(n)))
	exact, err := attention.New(referenceAlgo, attention.Options{MaxMemory: r.MaxMemory})
	if err != nil {
		return err
	}
	poly, err := attention.New("poly", attention.Options{Degree: u.gMax, MaxMemory: r.MaxMemory})
	if err != nil {
		return err
	}
	var cs, errs []float64
	for ci, c := range s.measC {
		b := c * sq
		rng := newRand(subSeed(r.Seed, 11, uint64(n), uint64(ci)))
		q, k := uniform(rng, n, d, -b, b), uniform(rng, n, d, -b, b)
		v := mat.NewDense(n, 1, nil)
		for j := range n {
			v.Set(j, 0, float64(rng.IntN(2)))
		}
		ref, _, err := timed(ctx, exact, q, k, v)
		if err != nil {
			return fmt.Errorf("exact at n = %d, c = %g: %w", n, c, err)
		}
		p := measuredErr{n: n, c: c, b: b, degree: u.gMax, bound: math.Inf(1)}
		if plan, err := poly.Plan(q, k, v); err == nil {
			p.bound = plan.ErrBound
		}
		out, _, err := timed(ctx, poly, q, k, v)
		switch {
		case err != nil && ctx.Err() != nil:
			return err
		case err != nil:
			p.err, p.note = math.Inf(1), err.Error()
		default:
			p.err = maxAbsDiff(out.T, ref.T)
		}
		data.meas = append(data.meas, p)
		t.Append(n, d, c, b, p.degree, p.err, p.bound, u.tolerance, p.note)
		cs, errs = append(cs, c), append(errs, p.err)
		if above(errs, u.tolerance) >= measurePast {
			break
		}
	}
	u.measured, u.maxMeasuredC = true, cs[len(cs)-1]
	u.cMeas, u.measuredNoPass = firstAbove(cs, errs, u.tolerance)
	return nil
}

// measurePast is how many grid points past the crossing the measurement
// goes on: enough to see the error stay above the tolerance.
const measurePast = 4

// above returns how many of the last values of errs exceed tol in a row.
func above(errs []float64, tol float64) int {
	k := 0
	for i := len(errs) - 1; i >= 0 && errs[i] > tol; i-- {
		k++
	}
	return k
}

// firstAbove returns the c at which errs first exceeds tol, interpolating
// log(err) linearly between the last point below and the first above (the
// point itself if the one before is 0 or the first), or NaN and true when
// the whole grid stays at or below tol.
func firstAbove(cs, errs []float64, tol float64) (float64, bool) {
	for i, e := range errs {
		if !(e > tol) {
			continue
		}
		if i == 0 || errs[i-1] <= 0 || math.IsInf(e, 1) {
			return cs[i], false
		}
		lt := (math.Log(tol) - math.Log(errs[i-1])) / (math.Log(e) - math.Log(errs[i-1]))
		return cs[i-1] + lt*(cs[i]-cs[i-1]), false
	}
	return math.NaN(), true
}

// lowerAt returns the constructions' c at n; for n ≤ buildMax it plants a
// YES and a NO instance at the densest gap and decodes both with exact
// attention through the tight and the default form.
func lowerAt(ctx context.Context, r *Run, s thresholdSizes, n int) ([]lowerPoint, error) {
	dim := log2(n)
	tight := lowerPoint{n: n, form: "tight δ=1/2", delta: s.gap, nq: n - 1, m: n - 1, dim: dim}
	def := lowerPoint{n: n, form: "default δ=1/2", delta: s.gap, nq: n / 2, m: n / 2, dim: dim}
	before := lowerPoint{n: n, form: "default δ=1/8", delta: s.before, nq: n / 2, m: n / 2, dim: dim}
	var err error
	if tight.p, err = reduction.TightOVParams(tight.nq, tight.m, dim, s.gap, 1/float64(n)); err != nil {
		return nil, err
	}
	if def.p, err = reduction.OVParams(def.nq, def.m, dim, s.gap); err != nil {
		return nil, err
	}
	if before.p, err = reduction.OVParams(before.nq, before.m, dim, s.before); err != nil {
		return nil, err
	}
	pts := []lowerPoint{tight, def, before}
	if n > s.buildMax {
		return pts, nil
	}
	for i := range pts[:2] {
		if err := buildAndDecode(ctx, r, s, &pts[i]); err != nil {
			return pts[:i], err
		}
	}
	return pts, nil
}

// buildAndDecode plants a YES and a NO instance for p and decodes them.
func buildAndDecode(ctx context.Context, r *Run, s thresholdSizes, p *lowerPoint) error {
	exact, err := attention.New(referenceAlgo, attention.Options{MaxMemory: r.MaxMemory})
	if err != nil {
		return err
	}
	for k, yes := range []bool{true, false} {
		pl, err := ovp.PlantGap(ctx, ovp.GapOptions{N: p.nq, M: p.m, Dim: p.dim, Density: s.density, Gap: p.delta,
			Yes: yes, Seed: subSeed(r.Seed, 12, uint64(p.n), uint64(len(p.form)), boolBit(yes)), MaxMemory: r.MaxMemory})
		if err != nil {
			return fmt.Errorf("planting %s at n = %d: %w", p.form, p.n, err)
		}
		p.realised[k] = pl.Gap()
		var in *reduction.Instance
		if p.p.Form == reduction.FormTight {
			in, err = reduction.FromOVTight(pl.Instance, p.delta, p.p.Tolerance)
		} else {
			in, err = reduction.FromOV(pl.Instance, p.delta)
		}
		if err != nil {
			return err
		}
		out, _, err := timed(ctx, exact, in.Q, in.K, in.V)
		if err != nil {
			return fmt.Errorf("exact attention on %s at n = %d: %w", p.form, p.n, err)
		}
		dec := reduction.Decide(out.T, in.Params)
		if yes {
			p.yesOK = dec.Verdict == reduction.Sat && reduction.Partner(pl.Instance, dec.Row) >= 0
			p.yesMargin = float64(dec.Max) - in.Threshold
		} else {
			p.noOK = dec.Verdict == reduction.Unsat
			p.noMargin = in.Threshold - float64(dec.Max)
		}
	}
	p.built = true
	return nil
}

func reportThreshold(r *Run) error {
	data, ok := r.state.(*thresholdData)
	if !ok || len(data.upper) == 0 {
		return nil
	}
	lowBy := map[string]map[int]lowerPoint{}
	for _, p := range data.lower {
		if lowBy[p.form] == nil {
			lowBy[p.form] = map[int]lowerPoint{}
		}
		lowBy[p.form][p.n] = p
	}
	reportBracketFigures(r, data, lowBy)
	reportBracketFindings(r, data, lowBy)
	reportBracketTable(r, data, lowBy)
	r.Summary.AddNote("c_up is a property of this fast path (the polynomial method with the solver's own certificate, at the degree that keeps n·r·d below n²), not a lower bound for every algorithm; c_low is a property of these constructions at the densest gap the planted generator reaches. The bracket says where the tool's algorithm stops being subquadratic and where the tool's reduction starts producing instances that decode; the theorem's constant lies somewhere in between only asymptotically and up to the constants the theorem leaves open.")
	r.Summary.AddNote("δ = 1/2 is the largest gap a YES instance can have when both sides hold at least two vectors: the planted pair is disjoint, so one of its vectors has weight ≤ m/2 and meets every other vector of the other side at most m/2 times. Every δ-gapped instance of the OV route gives B² = ln(K·M)/δ (tight form) or ln(4(M+1))/δ (default form), so c_low → 1/√δ = √2 as n grows, from above. The gapped Gap-OV family at δ = 1/2 is not itself SETH-hard (the hardness of Rubinstein 2018 needs a gap that shrinks as the saving in the exponent shrinks); c_low is where the reduction's constants allow decoding, the smallest c the tool can show, not where hardness is proved.")
	r.Summary.AddNote("The Gap-ANN route cannot do better than √3: with N, M ≥ 2, take the planted pair (a_p, b_q) at distance ≤ t and any a_i, b_j besides; around the 4-cycle a_p–b_j–a_i–b_q each coordinate has an even number of disagreeing edges, so dist(a_p, b_j) + dist(a_i, b_j) + dist(a_i, b_q) ≤ 2·d0 + dist(a_p, b_q), hence 3·far ≤ 2·d0 + t and far − t ≤ 2·d0/3. With B² = 2·d0·ln(4(M+1))/(far − t) (both Gap-ANN forms) this gives B² ≥ 3·ln(4(M+1)) and c_low ≥ √(3·ln(4(M+1))/ln n) > √3, above the OV route's √2; so the experiment builds OV instances only.")
	r.Summary.AddNote("The tight form keeps one zero reference key instead of M: a YES row then has T ≥ 1/2 instead of ≥ 1/(M+1), the decoder tolerance is a free parameter (here 1/n, matching ε = 1/n on the fast-path side) and β² = ln(K·M)/δ with K = (1+4·tol)/(1−4·tol) ≈ 1 + 8/n; see reduction's package documentation, # The tight form.")
	return nil
}

// The forms of lowerAt, in plotting order.
var lowerForms = []string{"tight δ=1/2", "default δ=1/2", "default δ=1/8"}

func reportBracketFigures(r *Run, data *thresholdData, lowBy map[string]map[int]lowerPoint) {
	fig := &Figure{Name: "bracket", Title: "The measured bracket: c_up (fast path subquadratic at ε = 1/n) and c_low (decodable reduced instances)",
		XLabel: "n", YLabel: "c = B / √ln n (log scale)", LogX: true, Pow2X: true, LogY: true,
		LegendLeft: true}
	ratio := &Figure{Name: "ratio", Title: "Width of the bracket: c_low / c_up", XLabel: "n", YLabel: "c_low / c_up",
		LogX: true, Pow2X: true, YFromZero: true}
	var xs, cu, mx, my []float64
	for _, u := range data.upper {
		xs, cu = append(xs, float64(u.n)), append(cu, u.cUp)
		if u.measured && !math.IsNaN(u.cMeas) {
			mx, my = append(mx, float64(u.n)), append(my, u.cMeas)
		}
	}
	fig.Series = append(fig.Series, Series{Label: "c_up: certified, degree g_max, ε = 1/n", X: xs, Y: cu, Points: true, Color: 1})
	if len(mx) > 0 {
		fig.Series = append(fig.Series, Series{Label: "c_up measured: random Q, K, error > 1/n", X: mx, Y: my, Points: true, Dashed: true, Color: 1})
	}
	for i, form := range lowerForms {
		var lx, ly, bx, by, rx, ry []float64
		for _, u := range data.upper {
			p, ok := lowBy[form][u.n]
			if !ok {
				continue
			}
			lx, ly = append(lx, float64(u.n)), append(ly, p.p.BOverSqrtLnN)
			rx, ry = append(rx, float64(u.n)), append(ry, p.p.BOverSqrtLnN/u.cUp)
			if p.built && p.yesOK && p.noOK {
				bx, by = append(bx, float64(u.n)), append(by, p.p.BOverSqrtLnN)
			}
		}
		label := "c_low, " + form
		if i == 0 {
			label += " (→ 1/√δ = √2)"
		}
		fig.Series = append(fig.Series, Series{Label: label, X: lx, Y: ly, Color: i + 2, Dashed: i > 0})
		if len(bx) > 0 {
			fig.Series = append(fig.Series, Series{Label: form + ": built and decoded (YES and NO)", X: bx, Y: by, Points: true, NoLine: true, Color: i + 2})
		}
		if i != 1 {
			ratio.Series = append(ratio.Series, Series{Label: "c_low/c_up, " + form, X: rx, Y: ry, Points: true, Color: i + 2})
		}
	}
	r.Figure(fig)
	r.Figure(ratio)
}

func reportBracketFindings(r *Run, data *thresholdData, lowBy map[string]map[int]lowerPoint) {
	var after, before []float64
	built, builtOK, consistent := 0, 0, true
	for _, u := range data.upper {
		t, okT := lowBy[lowerForms[0]][u.n]
		b, okB := lowBy[lowerForms[2]][u.n]
		if !okT || !okB {
			continue
		}
		after, before = append(after, t.p.BOverSqrtLnN/u.cUp), append(before, b.p.BOverSqrtLnN/u.cUp)
		meas := "not measured"
		switch {
		case u.measured && u.measuredNoPass:
			meas = fmt.Sprintf("the measured error stays below 1/n up to c = %g", u.maxMeasuredC)
		case u.measured:
			meas = fmt.Sprintf("measured error passes 1/n at c ≈ %.3g", u.cMeas)
		}
		how := "from the formula"
		if t.built {
			how = "built and decoded, YES " + okWord(t.yesOK) + ", NO " + okWord(t.noOK)
		}
		r.Summary.AddFinding("n = 2^%d: c_up = %.3g (g_max = %d, r = %.4g; %s); c_low = %.3g (tight form, δ = 1/2, %s); **c_low/c_up = %.3g** (before: %.3g/%.3g = %.3g).",
			log2(u.n), u.cUp, u.gMax, u.rank, meas, t.p.BOverSqrtLnN, how, t.p.BOverSqrtLnN/u.cUp, b.p.BOverSqrtLnN, u.cUp, b.p.BOverSqrtLnN/u.cUp)
		if u.degBelow > u.gMax || u.degAbove <= u.gMax {
			consistent = false
		}
	}
	for _, p := range data.lower {
		if p.built {
			built++
			if p.yesOK && p.noOK {
				builtOK++
			}
		}
	}
	if len(after) > 0 {
		r.Summary.AddFinding("The bracket c_low/c_up is %.3g to %.3g with the tight form at δ = 1/2 (before: %.3g to %.3g with the default form at δ = 1/8).",
			minOf(after), maxOf(after), minOf(before), maxOf(before))
	}
	r.Summary.AddFinding("Built and decoded with exact attention: %d of %d constructions decode both their YES and their NO instance correctly.", builtOK, built)
	if consistent {
		r.Summary.AddFinding("At every n the solver's own degree search (expapprox.Degree at ε = 1/n) picks a degree ≤ g_max just below c_up and > g_max just above it: c_up is where the solver itself stops being subquadratic.")
	} else {
		r.Summary.AddFinding("WARNING: at some n the solver's degree search disagrees with the certificate at g_max around c_up (see upper.csv).")
	}
}

func okWord(ok bool) string {
	if ok {
		return "right"
	}
	return "WRONG"
}

func reportBracketTable(r *Run, data *thresholdData, lowBy map[string]map[int]lowerPoint) {
	tb := r.Summary.AddTable("The bracket per n", "n", "g_max", "c_up", "c_up measured", "c_low tight δ=1/2", "c_low default δ=1/2", "c_low default δ=1/8", "ratio (tight)", "ratio (before)", "decoded")
	for _, u := range data.upper {
		t, d, b := lowBy[lowerForms[0]][u.n], lowBy[lowerForms[1]][u.n], lowBy[lowerForms[2]][u.n]
		meas := "–"
		if u.measured && !math.IsNaN(u.cMeas) {
			meas = fmt.Sprintf("%.3g", u.cMeas)
		}
		dec := "formula"
		if t.built {
			dec = fmt.Sprintf("tight %s/%s, default %s/%s", okWord(t.yesOK), okWord(t.noOK), okWord(d.yesOK), okWord(d.noOK))
		}
		tb.Append(fmt.Sprintf("2^%d", log2(u.n)), u.gMax, u.cUp, meas, t.p.BOverSqrtLnN, d.p.BOverSqrtLnN, b.p.BOverSqrtLnN,
			t.p.BOverSqrtLnN/u.cUp, b.p.BOverSqrtLnN/u.cUp, dec)
	}
}
