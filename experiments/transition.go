package experiments

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/attention/expapprox"
)

func init() {
	register(&Experiment{
		Name:  "transition",
		Short: "where the polynomial method stops being fast: predicted exponent and measured error against B/√ln n",
		Long: `Where the fast path stops being fast. *Predicted*: for n ∈ {2^10, 2^14, 2^18, 2^22},
d = log2 n, entries bounded by B = c·√ln n and target relative error ε = 1/n, the
polynomial method needs the least degree g whose certified error on the logit
interval [−B², B²] is ≤ ε, and r = C(d+g, g) features; its cost exponent is
log_n(n·r·d), against 2 for exact attention. The degree and the rank come from the
same code the solver uses. *Measured*: for n = 4096 and 16384 (512 and 1024
with --quick), d = 8, Q and K
uniform in [−B, B] and V uniform in [−1, 1], the max error against exact attention
of the polynomial method at a fixed rank budget and of Performer (FAVOR+) at the
same number of features, over a grid of B/√ln n through 1.`,
		run:       runTransition,
		report:    reportTransition,
		shardable: true, // one (n, c) of the measured sweep per unit of work
	})
}

// transitionSizes are the sweep's parameters for one mode.
type transitionSizes struct {
	predN    []int     // n for the predicted exponents
	cs       []float64 // c = B/√ln n, predicted
	measN    []int     // n for the measured errors
	measC    []float64 // c, measured
	d        int       // dimension, measured
	dv       int       // value columns, measured
	degree   int       // polynomial degree of the fixed rank budget, measured
	checkRow int       // rows on which exact is checked against the naive definition
}

func transitionConfig(quick bool) transitionSizes {
	s := transitionSizes{
		predN: pow2Steps(10, 22, 4),
		cs:    grid(0.1, 2, 0.05),
		measN: []int{4096, 16384},
		measC: []float64{0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1, 1.25, 1.5, 2},
		d:     8, dv: 4, degree: 6, checkRow: 256,
	}
	if quick {
		// Small c and n only, to keep the measured part short.
		s.cs = []float64{0.1, 0.2, 0.35, 0.5, 0.65}
		s.measN = []int{512, 1024}
		s.measC = []float64{0.25, 0.5, 1, 1.5}
		s.degree = 4
		s.checkRow = 64
	}
	return s
}

// predictedPoint is one (n, c) of the predicted sweep.
type predictedPoint struct {
	n, d, degree int
	c, b, r, eps float64
	rank         float64 // C(d+g, g), as a float: it overflows int for large c
	certErr      float64 // the certified relative error at degree g
	certified    bool    // certErr ≤ ε: false where the solver's degree search finds no certificate ≤ ε
	window       int     // the search tried degrees 0 … window
	exponent     float64 // log_n(n·r·d)
}

// measuredPoint is one (n, c, algorithm) of the measured sweep.
type measuredPoint struct {
	n       int
	c, b    float64
	algo    string
	rank    int     // features (poly, performer); 0 for exact
	maxErr  float64 // max |T̃ − T| against the reference
	bound   float64 // certified bound from the algorithm's plan (+Inf if none)
	seconds float64
	note    string // why the algorithm produced no output, if it did not
}

type transitionData struct {
	sizes     transitionSizes
	predicted []predictedPoint
	measured  []measuredPoint
}

func runTransition(ctx context.Context, r *Run) error {
	s := transitionConfig(r.Quick)
	data := &transitionData{sizes: s}
	r.state = data
	r.Summary.AddParam("predicted n", s.predN)
	r.Summary.AddParam("predicted d", "log2 n")
	r.Summary.AddParam("predicted c = B/√ln n", fmt.Sprintf("%g … %g (%d values)", s.cs[0], s.cs[len(s.cs)-1], len(s.cs)))
	r.Summary.AddParam("predicted ε", "1/n")
	r.Summary.AddParam("measured n", s.measN)
	r.Summary.AddParam("measured d, d_v", fmt.Sprintf("%d, %d", s.d, s.dv))
	r.Summary.AddParam("measured c = B/√ln n", s.measC)
	r.Summary.AddParam("measured rank budget", fmt.Sprintf("degree %d, r = C(%d+%d, %d) = %.0f features (Performer: the same count)",
		s.degree, s.d, s.degree, s.degree, attention.Rank(s.d, s.degree)))
	pred := r.Table("predicted", "n", "log2_n", "d", "c", "B", "logit_bound_R", "eps", "degree", "certified_err", "certified", "rank", "log10_rank", "exponent")
	if !r.computingShard() { // the prediction needs no attention: the merge computes it
		if err := predictTransition(ctx, r, s, data, pred); err != nil {
			return err
		}
	}
	meas := r.Table("measured", "n", "d", "c", "B", "sqrt_ln_n", "algo", "features", "max_err", "certified_bound", "seconds", "note")
	return measureTransition(ctx, r, s, data, meas)
}

// predictTransition fills the predicted table from the polynomial method's
// own degree and rank functions. The degree search builds and certifies
// polynomials in extended precision (tenths of a second per point), so the
// grid is computed by all cores; rows are appended in grid order, and a
// cancellation keeps the rows of every n finished before it.
func predictTransition(ctx context.Context, r *Run, s transitionSizes, data *transitionData, t *Table) error {
	bar := r.Bar(len(s.predN)*len(s.cs), "transition: predicted")
	defer bar.Finish()
	for _, n := range s.predN {
		pts := make([]predictedPoint, len(s.cs))
		next := make(chan int)
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					pts[i] = predictPoint(n, s.cs[i])
					bar.Add(1)
				}
			}()
		}
		for i := range s.cs {
			if ctx.Err() != nil {
				break
			}
			next <- i
		}
		close(next)
		wg.Wait()
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, p := range pts {
			data.predicted = append(data.predicted, p)
			t.Append(p.n, log2(p.n), p.d, p.c, p.b, p.r, p.eps, p.degree, p.certErr, p.certified, p.rank, math.Log10(p.rank), p.exponent)
		}
	}
	return nil
}

// predictPoint is one (n, c) of the prediction: d = log2 n, B = c·√ln n,
// ε = 1/n, logits in [−B², B²] (|⟨q,k⟩|/d ≤ d·B²/d).
func predictPoint(n int, c float64) predictedPoint {
	lnN := math.Log(float64(n))
	d := log2(n)
	b := c * math.Sqrt(lnN)
	eps := 1 / float64(n)
	rr := b * b
	ch, err := expapprox.Select(rr, d, expapprox.Target{Eps: eps})
	if err != nil {
		panic(err) // rr ≤ (2·√ln 2^22)² ≈ 61 and 0 < ε < 1: in range
	}
	return predictedPoint{n: n, d: d, degree: ch.Degree, c: c, b: b, r: rr, eps: eps, rank: ch.Rank, certErr: ch.CertErr,
		certified: ch.Met, window: ch.Window, exponent: 1 + math.Log(ch.Rank*float64(d))/lnN}
}

// measureTransition runs exact, poly and Performer on random instances.
func measureTransition(ctx context.Context, r *Run, s transitionSizes, data *transitionData, t *Table) error {
	bar := r.Bar(len(s.measN)*len(s.measC), "transition: measured")
	defer bar.Finish()
	features := int(attention.Rank(s.d, s.degree))
	for ni, n := range s.measN {
		sq := math.Sqrt(math.Log(float64(n)))
		for ci, c := range s.measC {
			b := c * sq
			pts, _, err := point(r, ni*len(s.measC)+ci, shardKey("transition", n, c), func() ([]measuredPoint, error) {
				rng := newRand(subSeed(r.Seed, 1, uint64(ni), uint64(ci)))
				q := uniform(rng, n, s.d, -b, b)
				k := uniform(rng, n, s.d, -b, b)
				v := uniform(rng, n, s.dv, -1, 1)
				return measureOne(ctx, r, s, n, c, b, features, q, k, v, rng)
			})
			for _, p := range pts {
				data.measured = append(data.measured, p)
				t.Append(p.n, s.d, p.c, p.b, sq, p.algo, p.rank, p.maxErr, p.bound, p.seconds, p.note)
			}
			if err != nil {
				return err
			}
			bar.Add(1)
		}
	}
	return nil
}

// measureOne measures one random instance: exact attention (checked against
// the naive definition on sampled rows) is the reference for the
// polynomial method and Performer.
func measureOne(ctx context.Context, r *Run, s transitionSizes, n int, c, b float64, features int,
	q, k, v *mat.Dense, rng *rand.Rand) ([]measuredPoint, error) {
	var pts []measuredPoint
	exact, err := attention.New(referenceAlgo, attention.Options{MaxMemory: r.MaxMemory})
	if err != nil {
		return nil, err
	}
	ref, secs, err := timed(ctx, exact, q, k, v)
	if err != nil {
		return nil, fmt.Errorf("%s at n = %d, c = %g: %w", referenceAlgo, n, c, err)
	}
	rows := sampleRows(rng, n, s.checkRow)
	naive := attention.Naive(rowsOf(q, rows), k, v)
	pts = append(pts, measuredPoint{n: n, c: c, b: b, algo: referenceAlgo, maxErr: maxAbsDiff(naive.T, rowsOf(ref.T, rows)),
		bound: ref.ErrBound, seconds: secs.Seconds()})
	for _, name := range comparedAlgos() {
		o := attention.Options{Degree: s.degree, Features: features, Seed: subSeed(r.Seed, 2, uint64(n), math.Float64bits(c)),
			MaxMemory: r.MaxMemory}
		alg, err := attention.New(name, o)
		if err != nil {
			return pts, err
		}
		plan, err := alg.Plan(q, k, v)
		if err != nil {
			return pts, fmt.Errorf("%s at n = %d, c = %g: %w", name, n, c, err)
		}
		out, secs, err := timed(ctx, alg, q, k, v)
		p := measuredPoint{n: n, c: c, b: b, algo: name, rank: features, bound: plan.ErrBound, seconds: secs.Seconds()}
		switch {
		case err != nil && ctx.Err() != nil:
			return pts, err
		case err != nil:
			// The method itself gave up (e.g. a row sum that is not positive
			// at this degree): no output, an unbounded error.
			p.maxErr, p.note = math.Inf(1), err.Error()
		default:
			p.maxErr = maxAbsDiff(out.T, ref.T)
		}
		pts = append(pts, p)
	}
	return pts, nil
}

func reportTransition(r *Run) error {
	data, ok := r.state.(*transitionData)
	if !ok {
		return nil
	}
	reportPredicted(r, data)
	reportMeasured(r, data)
	return nil
}

func reportPredicted(r *Run, data *transitionData) {
	if len(data.predicted) == 0 {
		return
	}
	fig := &Figure{Name: "predicted_exponent", Title: "Polynomial method: predicted cost exponent log_n(n·r·d), ε = 1/n, d = log2 n",
		XLabel: "c = B / √ln n", YLabel: "exponent of n", LegendLeft: true, XStep: 0.25,
		HLines: []Ref{{Value: 2, Label: "exact attention (n²)"}}, VLines: []Ref{{Value: 1, Label: "B = √ln n"}}}
	tb := r.Summary.AddTable("Predicted exponent log_n(n·r·d) (degree g, rank r)", "c", "n", "d", "g", "r", "exponent")
	for _, n := range data.sizes.predN {
		var cs, ex []float64
		var pts []predictedPoint
		var uncert *predictedPoint
		for _, p := range data.predicted {
			if p.n != n {
				continue
			}
			if !p.certified {
				if uncert == nil {
					uncert = &p
				}
				continue
			}
			cs, ex, pts = append(cs, p.c), append(ex, p.exponent), append(pts, p)
		}
		if len(pts) == 0 {
			continue
		}
		fig.Series = append(fig.Series, Series{Label: fmt.Sprintf("n = 2^%d", log2(n)), X: cs, Y: ex, Points: true})
		mono := nonDecreasing(ex)
		cross, crosses := Crossing(cs, ex, 2, false)
		first, last := pts[0], pts[len(pts)-1]
		msg := fmt.Sprintf("n = 2^%d (d = %d): exponent %.2f at c = %g (g = %d, r = %.3g) rising to %.2f at c = %g (g = %d, r = %.3g)",
			log2(n), first.d, first.exponent, first.c, first.degree, first.rank, last.exponent, last.c, last.degree, last.rank)
		switch {
		case first.exponent >= 2:
			msg += "; above 2 over the whole range: at this n the fast path never beats n²"
		case crosses:
			msg += fmt.Sprintf("; it crosses the exact exponent 2 at c ≈ %.2f", cross)
		default:
			msg += "; it stays below 2 over the range"
		}
		if !mono {
			msg += " (not monotone in c)"
		}
		if uncert != nil {
			msg += fmt.Sprintf("; from c = %g on the solver's search certifies no polynomial to ε = 1/n (at c = %g it tried every degree up to %d; the best certificate is %.2g at degree %d)",
				uncert.c, uncert.c, uncert.window, uncert.certErr, uncert.degree)
		}
		r.Summary.AddFinding("%s.", msg)
		for _, p := range pts {
			if isOneOf(p.c, 0.1, 0.5, 1, 1.5, 2) {
				tb.Append(p.c, fmt.Sprintf("2^%d", log2(p.n)), p.d, p.degree, p.rank, p.exponent)
			}
		}
	}
	r.Figure(fig)
	r.Summary.AddNote("The logit interval is the paper's bound [−B², B²] (|⟨q,k⟩|/d ≤ B²); the degree is the least with certified relative error ≤ ε on it, as chosen by the polynomial method itself, and r = C(d+g, g) is computed in floating point (it exceeds 2^63 for large c). The certificate is monotone in the interval (a polynomial certified on a grid radius ≥ R, 2.9%% apart; see attention/expapprox), and the search tries every degree up to where the certificates stop improving. Where it finds none ≤ ε the point is marked certified = false in predicted.csv and left out of the plot: there the polynomial method as implemented cannot promise 1/poly(n) accuracy at any cost. That is a floor of these float64 constructions (rounding the coefficients can cost up to about 2^−53·e^{2R} in relative error at x = −R), not a proof that no float64 polynomial reaches ε.")
}

func reportMeasured(r *Run, data *transitionData) {
	if len(data.measured) == 0 {
		return
	}
	r.Figure(measuredFigure(data))
	measuredFindings(r, data.measured)
	measuredTable(r, data.measured)
}

// measuredSeries groups the measured points into one series per
// (n, algorithm), in the order they were measured.
func measuredSeries(data *transitionData) ([]Series, []string) {
	type key struct {
		n    int
		algo string
	}
	series := map[key]*Series{}
	var order []key
	for _, p := range data.measured {
		kk := key{p.n, p.algo}
		if series[kk] == nil {
			series[kk] = &Series{Label: fmt.Sprintf("%s, n = %d", p.algo, p.n), Points: true,
				Color: algoColor(p.algo), Dashed: p.n != data.sizes.measN[0]}
			order = append(order, kk)
		}
		series[kk].X = append(series[kk].X, p.c)
		series[kk].Y = append(series[kk].Y, p.maxErr)
	}
	out := make([]Series, len(order))
	algos := make([]string, len(order))
	for i, kk := range order {
		out[i], algos[i] = *series[kk], kk.algo
	}
	return out, algos
}

// measuredFigure draws every algorithm's error against c, the runs that
// gave no output, and the certified bound of each algorithm that has one
// at the largest n.
func measuredFigure(data *transitionData) *Figure {
	s := data.sizes
	fig := &Figure{Name: "measured_error", Title: fmt.Sprintf("Max error against exact attention, d = %d, fixed rank r = %.0f", s.d, attention.Rank(s.d, s.degree)),
		XLabel: "c = B / √ln n", YLabel: "max |T̃ − T|", LogY: true, YFloor: 1e-17, YCeil: 10, LegendLeft: true, XStep: 0.25,
		VLines: []Ref{{Value: 1, Label: "B = √ln n"}}}
	fig.Series, _ = measuredSeries(data)
	var fx, fy []float64 // runs that gave no output, drawn at 1
	for _, p := range data.measured {
		if math.IsInf(p.maxErr, 1) {
			fx, fy = append(fx, p.c), append(fy, 1)
		}
	}
	fig.Series = append(fig.Series, Series{Label: "no output: row normaliser ≤ 0 (drawn at 1)", X: fx, Y: fy, NoLine: true, Color: -1})
	last := s.measN[len(s.measN)-1]
	for _, algo := range certifiedAlgos(data.measured) {
		var bx, by []float64
		for _, p := range data.measured {
			if p.algo == algo && p.n == last {
				bx, by = append(bx, p.c), append(by, p.bound)
			}
		}
		fig.Series = append(fig.Series, Series{Label: fmt.Sprintf("%s certified bound, n = %d (drawn where ≤ 10)", algo, last), X: bx, Y: by,
			Dotted: true, Color: algoColor(algo)})
	}
	return fig
}

// certifiedAlgos returns the compared algorithms that stated a finite
// certified bound at some measured point, in registry order.
func certifiedAlgos(pts []measuredPoint) []string {
	var out []string
	for _, algo := range comparedAlgos() {
		for _, p := range pts {
			if p.algo == algo && !math.IsInf(p.bound, 1) {
				out = append(out, algo)
				break
			}
		}
	}
	return out
}

// measuredFindings states the reference's agreement with the naive
// definition, each algorithm's error curve, the runs that gave up and
// whether every certified bound held.
func measuredFindings(r *Run, pts []measuredPoint) {
	worstExact := 0.0
	for _, p := range pts {
		if p.algo == referenceAlgo {
			worstExact = math.Max(worstExact, p.maxErr)
		}
	}
	r.Summary.AddFinding("Exact (streaming) attention agrees with the naive definition to %.2g (max over sampled rows of every instance): float64 rounding.", worstExact)
	errorCurveFindings(r, pts)
	gaveUpFindings(r, pts)
	boundFindings(r, pts)
}

// errorCurveFindings states, per compared algorithm and n, the error at the
// ends of the c grid and at c = 1, and where it passes 1e-3.
func errorCurveFindings(r *Run, pts []measuredPoint) {
	data := &transitionData{measured: pts, sizes: transitionSizes{measN: measuredNs(pts)}}
	series, algos := measuredSeries(data)
	for i, sr := range series {
		if algos[i] == referenceAlgo {
			continue
		}
		msg := fmt.Sprintf("%s: max error %.2g at c = %g, %.2g at c = 1, %.2g at c = %g",
			sr.Label, sr.Y[0], sr.X[0], valueAt(sr.X, sr.Y, 1), sr.Y[len(sr.Y)-1], sr.X[len(sr.X)-1])
		if at, ok := Crossing(sr.X, sr.Y, 1e-3, true); ok && sr.Y[0] > 0 {
			msg += fmt.Sprintf("; it passes 1e-3 at c ≈ %.2f", at)
		}
		r.Summary.AddFinding("%s.", msg)
	}
}

// measuredNs returns the distinct n of pts in order of appearance.
func measuredNs(pts []measuredPoint) []int {
	var ns []int
	for _, p := range pts {
		if !slices.Contains(ns, p.n) {
			ns = append(ns, p.n)
		}
	}
	return ns
}

// gaveUpFindings names, per algorithm, the points where it produced no
// output.
func gaveUpFindings(r *Run, pts []measuredPoint) {
	for _, algo := range comparedAlgos() {
		var f []string
		for _, p := range pts {
			if p.algo == algo && p.note != "" {
				f = append(f, fmt.Sprintf("n = %d, c = %g", p.n, p.c))
			}
		}
		if len(f) > 0 {
			r.Summary.AddFinding("%s gave up (no output: a row normaliser was not positive, so the approximation of exp is useless at this rank) at %d points: %s; their error is recorded as +Inf.",
				algo, len(f), strings.Join(f, "; "))
		}
	}
}

// boundFindings says, for each algorithm with a certified bound, whether
// its measured error stayed within it wherever it produced an output.
func boundFindings(r *Run, pts []measuredPoint) {
	for _, algo := range certifiedAlgos(pts) {
		bad := 0
		for _, p := range pts {
			if p.algo == algo && p.note == "" && p.maxErr > p.bound {
				bad++
			}
		}
		if bad == 0 {
			r.Summary.AddFinding("%s: the measured error is within its certified bound at every point where it produced an output.", algo)
		} else {
			r.Summary.AddFinding("WARNING: %s's measured error exceeds its certified bound at %d points.", algo, bad)
		}
	}
}

// measuredTable tabulates, per (n, c), the reference against the naive
// definition and each compared algorithm's error (and certified bound,
// for the algorithms that state one).
func measuredTable(r *Run, pts []measuredPoint) {
	algos, certified := comparedAlgos(), certifiedAlgos(pts)
	cols := []string{"n", "c", "B", referenceAlgo + " vs naive"}
	for _, a := range algos {
		cols = append(cols, a)
		if slices.Contains(certified, a) {
			cols = append(cols, a+" certified")
		}
	}
	tb := r.Summary.AddTable("Measured max error against "+referenceAlgo, cols...)
	type nc struct {
		n int
		c float64
	}
	byPoint := map[nc]map[string]measuredPoint{}
	var points []nc
	for _, p := range pts {
		kk := nc{p.n, p.c}
		if byPoint[kk] == nil {
			byPoint[kk] = map[string]measuredPoint{}
			points = append(points, kk)
		}
		byPoint[kk][p.algo] = p
	}
	for _, kk := range points {
		m := byPoint[kk]
		row := []any{kk.n, kk.c, kk.c * math.Sqrt(math.Log(float64(kk.n))), errCell(m, referenceAlgo, false)}
		for _, a := range algos {
			row = append(row, errCell(m, a, false))
			if slices.Contains(certified, a) {
				row = append(row, errCell(m, a, true))
			}
		}
		tb.Append(row...)
	}
}

// errCell is one cell of the measured table: the error, or the certified
// bound, of algo at one point, or "–" if it did not run there.
func errCell(m map[string]measuredPoint, algo string, bound bool) any {
	p, ok := m[algo]
	switch {
	case !ok:
		return "–"
	case bound:
		return p.bound
	}
	return p.maxErr
}

// valueAt returns y at the x equal to x0, or NaN.
func valueAt(xs, ys []float64, x0 float64) float64 {
	for i, x := range xs {
		if math.Abs(x-x0) < 1e-9 {
			return ys[i]
		}
	}
	return math.NaN()
}

func nonDecreasing(y []float64) bool {
	for i := 1; i < len(y); i++ {
		if y[i] < y[i-1] {
			return false
		}
	}
	return true
}

func isOneOf(x float64, vals ...float64) bool {
	for _, v := range vals {
		if math.Abs(x-v) < 1e-9 {
			return true
		}
	}
	return false
}
