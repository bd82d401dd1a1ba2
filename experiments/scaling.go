package experiments

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/internal/memlimit"
)

func init() {
	register(&Experiment{
		Name:  "scaling",
		Short: "wall time against n: exact streaming attention against each approximation (the polynomial method, Performer, …) at B ∈ {0.5, 1, 2}",
		Long: `Time against n for exact (streaming) attention and for every registered
approximation at entry bounds B ∈ {0.5, 1, 2}: the polynomial method with target
relative error ε = 1e−6 (automatic degree), random-feature methods with 256 features;
d = 8, one value column, Q and K uniform in [−B, B]. Log-log least-squares fits give
each method's exponent; the crossover is the n where the fitted exact and approximate
costs are equal. Each sweep stops when the next size would exceed the run's time cap
per point (predicted from the last point and the expected exponent) or the memory
limit, so n goes as far as fits the run.`,
		run:       runScaling,
		report:    reportScaling,
		shardable: true, // one curve per unit of work
	})
}

type scalingSizes struct {
	ns     []int
	bs     []float64
	d, dv  int
	eps    float64       // target relative error (poly)
	feats  int           // random features (performer and the like)
	cap    time.Duration // stop a sweep when the next point is predicted to exceed this
	sample int           // rows checked against the naive definition
}

func scalingConfig(quick bool) scalingSizes {
	if quick {
		return scalingSizes{ns: pow2(8, 11), bs: []float64{0.5, 1, 2}, d: 8, dv: 1, eps: 1e-6, feats: 256, cap: 300 * time.Millisecond, sample: 32}
	}
	return scalingSizes{ns: pow2(8, 18), bs: []float64{0.5, 1, 2}, d: 8, dv: 1, eps: 1e-6, feats: 256, cap: 15 * time.Second, sample: 256}
}

// scalingPoint is one timed run.
type scalingPoint struct {
	algo    string
	b       float64
	n       int
	seconds float64
	reps    int
	maxErr  float64 // against the naive definition on sampled rows
	bound   float64
	flops   float64
	notes   string
}

// scalingSweep is one curve: an algorithm at one B.
type scalingSweep struct {
	algo     string
	b        float64
	expo     float64 // expected exponent, to predict the next point's time
	stopped  string  // why the sweep stopped early ("" if it did not)
	last     time.Duration
	lastN    int
	points   []scalingPoint
	fit      Fit
	fitErr   error
	fitLabel string
}

type scalingData struct {
	sizes  scalingSizes
	sweeps []*scalingSweep
}

func runScaling(ctx context.Context, r *Run) error {
	s := scalingConfig(r.Quick)
	data := &scalingData{sizes: s}
	r.state = data
	r.Summary.AddParam("n", fmt.Sprintf("2^%d … 2^%d (as far as fits the run)", log2(s.ns[0]), log2(s.ns[len(s.ns)-1])))
	r.Summary.AddParam("d, d_v", fmt.Sprintf("%d, %d", s.d, s.dv))
	r.Summary.AddParam("B (approximations)", s.bs)
	r.Summary.AddParam("ε (poly)", s.eps)
	r.Summary.AddParam("features (random-feature methods)", s.feats)
	r.Summary.AddParam("time cap per point", s.cap)
	r.Summary.AddParam("timing", "least wall time of up to 3 repetitions (1 when a run takes over 1 s)")
	data.sweeps = append(data.sweeps, &scalingSweep{algo: referenceAlgo, b: 1, expo: 2})
	for _, algo := range comparedAlgos() {
		for _, b := range s.bs {
			data.sweeps = append(data.sweeps, &scalingSweep{algo: algo, b: b, expo: 1.5})
		}
	}
	t := r.Table("scaling", "algo", "B", "n", "d", "seconds", "reps", "max_err_sampled", "certified_bound", "planned_flops", "notes")
	bar := r.Bar(len(s.ns)*len(data.sweeps), "scaling")
	defer bar.Finish()
	for ni, n := range s.ns {
		for si, sw := range data.sweeps {
			bar.Add(1)
			if sw.stopped != "" {
				continue
			}
			if sw.lastN > 0 {
				pred := time.Duration(float64(sw.last) * math.Pow(float64(n)/float64(sw.lastN), sw.expo))
				if pred > s.cap {
					sw.stopped = fmt.Sprintf("stopped before n = 2^%d: predicted %.1f s > cap %s", log2(n), pred.Seconds(), s.cap)
					continue
				}
			}
			p, mine, err := point(r, si, shardKey("scaling", sw.algo, sw.b, n), func() (*scalingPoint, error) {
				return scalingPoint1(ctx, r, s, sw, n, subSeed(r.Seed, 3, uint64(ni), uint64(si)))
			})
			if !mine {
				continue // another shard's curve
			}
			var me *memlimit.Error
			if errors.As(err, &me) {
				sw.stopped = fmt.Sprintf("stopped at n = 2^%d: %v", log2(n), err)
				continue
			}
			if err != nil {
				return err
			}
			sw.points = append(sw.points, *p)
			sw.last, sw.lastN = time.Duration(p.seconds*float64(time.Second)), n
			t.Append(p.algo, p.b, p.n, s.d, p.seconds, p.reps, p.maxErr, p.bound, p.flops, p.notes)
		}
	}
	return nil
}

// scalingPoint1 times one algorithm at one n on a fresh random instance.
func scalingPoint1(ctx context.Context, r *Run, s scalingSizes, sw *scalingSweep, n int, seed uint64) (*scalingPoint, error) {
	rng := newRand(seed)
	q := uniform(rng, n, s.d, -sw.b, sw.b)
	k := uniform(rng, n, s.d, -sw.b, sw.b)
	v := uniform(rng, n, s.dv, -1, 1)
	alg, err := attention.New(sw.algo, attention.Options{Eps: s.eps, Features: s.feats, Seed: seed, MaxMemory: r.MaxMemory})
	if err != nil {
		return nil, err
	}
	plan, err := alg.Plan(q, k, v)
	if err != nil {
		return nil, err
	}
	reps := 3
	if sw.last > time.Second {
		reps = 1
	}
	out, best, err := bestOf(ctx, reps, alg, q, k, v)
	if err != nil {
		return nil, fmt.Errorf("%s at n = %d: %w", sw.algo, n, err)
	}
	rows := sampleRows(rng, n, s.sample)
	naive := attention.Naive(rowsOf(q, rows), k, v)
	return &scalingPoint{algo: sw.algo, b: sw.b, n: n, seconds: best.Seconds(), reps: reps,
		maxErr: maxAbsDiff(naive.T, rowsOf(out.T, rows)), bound: plan.ErrBound, flops: plan.Flops,
		notes: strings.Join(plan.Notes, "; ")}, nil
}

func (sw *scalingSweep) label() string {
	if sw.algo == referenceAlgo {
		return referenceAlgo + " (streaming)"
	}
	return fmt.Sprintf("%s, B = %g", sw.algo, sw.b)
}

func reportScaling(r *Run) error {
	data, ok := r.state.(*scalingData)
	if !ok {
		return nil
	}
	fig := &Figure{Name: "time", Title: fmt.Sprintf("Wall time against n (d = %d; poly: ε = %g; %d features); dashed: least-squares fits", data.sizes.d, data.sizes.eps, data.sizes.feats),
		XLabel: "n", YLabel: "seconds", LogX: true, LogY: true, Pow2X: true, LegendLeft: true}
	ns := data.sizes.ns
	tb := r.Summary.AddTable("Wall time (seconds)", append([]string{"n"}, sweepLabels(data.sweeps)...)...)
	for i, sw := range data.sweeps {
		var xs, ys []float64
		for _, p := range sw.points {
			xs, ys = append(xs, float64(p.n)), append(ys, p.seconds)
		}
		fx, fy := fitTail(xs, ys)
		sw.fit, sw.fitErr = FitLogLog(fx, fy)
		label := sw.label()
		if sw.fitErr == nil {
			label += fmt.Sprintf(": slope %.2f", sw.fit.Slope)
			lo, hi := fx[0], fx[len(fx)-1]
			fig.Series = append(fig.Series, Series{X: []float64{lo, hi}, Y: []float64{sw.fit.At(lo), sw.fit.At(hi)}, Dashed: true, Color: i + 1})
		}
		fig.Series = append(fig.Series, Series{Label: label, X: xs, Y: ys, Points: true, Color: i + 1})
		if sw.stopped != "" {
			r.Summary.AddNote("%s: %s.", sw.label(), sw.stopped)
		}
	}
	for _, n := range ns {
		row := []any{fmt.Sprintf("2^%d", log2(n))}
		any1 := false
		for _, sw := range data.sweeps {
			cell := "–"
			for _, p := range sw.points {
				if p.n == n {
					cell, any1 = fmt.Sprintf("%.3g", p.seconds), true
				}
			}
			row = append(row, cell)
		}
		if any1 {
			tb.Append(row...)
		}
	}
	r.Figure(fig)
	scalingFindings(r, data)
	return nil
}

// fitTail returns the points used for a fit: those with n ≥ 2^11 when there
// are at least three of them (the smallest sizes are dominated by fixed
// overheads), else all.
func fitTail(xs, ys []float64) ([]float64, []float64) {
	for i, x := range xs {
		if x >= 2048 && len(xs)-i >= 3 {
			return xs[i:], ys[i:]
		}
	}
	return xs, ys
}

func sweepLabels(sws []*scalingSweep) []string {
	var ls []string
	for _, sw := range sws {
		ls = append(ls, sw.label())
	}
	return ls
}

func scalingFindings(r *Run, data *scalingData) {
	exact := data.sweeps[0]
	for _, sw := range data.sweeps {
		if sw.fitErr != nil {
			r.Summary.AddFinding("%s: no fit (%v).", sw.label(), sw.fitErr)
			continue
		}
		p := sw.points[len(sw.points)-1]
		r.Summary.AddFinding("%s: time ∝ n^%.2f (fit over %d sizes, R² %.3f); %.3g s at n = 2^%d; max sampled error %.2g (%s).",
			sw.label(), sw.fit.Slope, sw.fit.N, sw.fit.R2, p.seconds, log2(p.n), maxErrOf(sw.points), boundPhrase(sw.algo, p.bound))
	}
	if exact.fitErr != nil {
		return
	}
	for _, sw := range data.sweeps[1:] {
		if sw.fitErr != nil {
			continue
		}
		msg := sw.label() + ": "
		lo, hi := sizeRange(exact, sw)
		if x, ok := Crossover(exact.fit, sw.fit); ok && sw.fit.Slope < exact.fit.Slope {
			if x >= lo && x <= hi {
				msg += fmt.Sprintf("the fitted costs cross at n ≈ %.3g (2^%.1f), inside the measured range; above it the fits have %s faster", x, math.Log2(x), sw.algo)
			} else {
				msg += fmt.Sprintf("the fitted power laws, extrapolated beyond the measured n = 2^%d … 2^%d, cross at n ≈ %.3g (2^%.1f), above which they predict %s faster (an extrapolation, not a measurement)",
					log2(int(lo)), log2(int(hi)), x, math.Log2(x), sw.algo)
			}
		} else {
			msg += fmt.Sprintf("the fitted costs do not cross (%s does not scale better)", sw.algo)
		}
		if x, ok := measuredCrossover(exact, sw); ok {
			msg += fmt.Sprintf("; in the measured range the curves cross at n ≈ %.3g", x)
		}
		r.Summary.AddFinding("%s.", msg)
	}
}

// sizeRange returns the least and largest n both sweeps measured.
func sizeRange(a, b *scalingSweep) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range []*scalingSweep{a, b} {
		for _, p := range s.points {
			lo, hi = math.Min(lo, float64(p.n)), math.Max(hi, float64(p.n))
		}
	}
	return lo, hi
}

// boundPhrase names an algorithm's error bound: none for +Inf, "0 up to
// float64 rounding" for an exact algorithm (no approximation error; the
// rounding is bounded apart, Plan.Rounding), else the certified bound.
func boundPhrase(algo string, bound float64) string {
	switch info, _ := attention.Lookup(algo); {
	case math.IsInf(bound, 1):
		return "no certificate"
	case bound == 0 && info.Exact:
		return "bound 0 up to float64 rounding"
	}
	return fmt.Sprintf("certified %.2g", bound)
}

// measuredCrossover interpolates where two sweeps' measured times cross,
// over the sizes both measured.
func measuredCrossover(a, b *scalingSweep) (float64, bool) {
	var xs, ya, yb []float64
	for _, p := range a.points {
		for _, q := range b.points {
			if p.n == q.n {
				xs, ya, yb = append(xs, float64(p.n)), append(ya, p.seconds), append(yb, q.seconds)
			}
		}
	}
	if len(xs) < 2 {
		return 0, false
	}
	return CrossoverData(xs, ya, yb)
}

func maxErrOf(ps []scalingPoint) float64 {
	m := 0.0
	for _, p := range ps {
		m = math.Max(m, p.maxErr)
	}
	return m
}
