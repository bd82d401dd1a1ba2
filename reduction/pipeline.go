package reduction

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/sat"
)

// Options configures [Run] and [RunANN].
type Options struct {
	// Algo computes or approximates the attention; it must not be nil.
	Algo attention.Algorithm
	// Gap is a promised OV gap δ ∈ (0, 1]; 0 means the guaranteed 1/m. A
	// promise larger than the true gap can turn an UNSAT formula into a
	// decoding failure, never into a wrong SAT.
	Gap float64
	// MeasureGap computes the instance's true gap with ovp.MinInnerProduct
	// (a quadratic pass over all N·M pairs) and uses it. Overrides Gap.
	MeasureGap bool
	// Split is the number of variables on side A; 0 means ⌊v/2⌋.
	Split int
	// MaxMemory is the limit in bytes for the instance, Q, K, V, T and the
	// algorithm's working memory together; 0 means memlimit.Default.
	MaxMemory int64
	// Keep keeps Q, K, V and T in the Report (to save them).
	Keep bool
	// OnStage, if non-nil, is called as each stage starts.
	OnStage func(name string)
	// GapProgress, if non-nil, receives the progress of the gap
	// measurement: pairs done out of N·M (see ovp.Options.Progress).
	GapProgress func(done, total int64)
}

// Stage names, in pipeline order.
const (
	StageOV        = "ov"        // ovp.FromCNF: split and list
	StageGap       = "gap"       // ovp.MinInnerProduct: quadratic, optional
	StageQKV       = "qkv"       // FromOV or FromGapANN
	StagePlan      = "plan"      // Algorithm.Plan and the trust decision
	StageAttention = "attention" // Algorithm.Attend: n² for exact algorithms
	StageDecode    = "decode"    // Decide, the partner scan and verification
	StageCheck     = "check"     // gini, or the brute-force ANN scan
)

// Run is the pipeline of docs/design.md §2 on a formula: split-and-list to OV
// (ovp.FromCNF), optionally measure the gap, build Q, K, V (FromOV), plan
// and run opt.Algo, decode the verdict and the witness assignment from T,
// verify it, and compare with gini (sat.Solve). Each stage is timed.
//
// Memory is estimated from the formula's sizes before anything large is
// allocated, and again with the algorithm's planned working memory; above
// the limit Run returns a *memlimit.Error and no report. Bad options (a gap
// outside (0, 1], a split out of range) and an algorithm that refuses to
// plan are errors without a report. If ctx ends
// during a stage, Run returns the report so far, with Verdict Unknown, and
// ctx's error. Otherwise the error is nil and the report says whether the
// verdict agrees with gini. Cost: near-linear in N + M = 2^h + 2^(v−h)
// except the attention stage (N·2M·m for exact attention) and the gap
// measurement (N·M·m/64).
func Run(ctx context.Context, f *sat.Formula, opt Options) (*Report, error) {
	if opt.Algo == nil {
		panic("reduction: Run with a nil Options.Algo")
	}
	v, m := f.Vars, len(f.Clauses)
	h := opt.Split
	if h == 0 {
		h = ovp.DefaultSplit(v)
	}
	r := &Report{Route: RouteOV, Formula: &FormulaInfo{Vars: v, Clauses: m, Lits: f.NumLits()}}
	if h < 0 || h > v || h > ovp.MaxSplitVars || v-h > ovp.MaxSplitVars {
		return nil, fmt.Errorf("reduction: split %d out of range for %d variables (want 0..%d, at most %d per side)", h, v, v, ovp.MaxSplitVars)
	}
	if opt.Gap != 0 && !(opt.Gap > 0 && opt.Gap <= 1) {
		return nil, fmt.Errorf("reduction: gap δ = %g, want 0 < δ ≤ 1", opt.Gap)
	}
	if err := r.checkMemory(ovpSizes(v, h, max(m, 1), f.NumLits()), opt); err != nil {
		return nil, err
	}

	var cnf *ovp.CNF
	err := r.stage(StageOV, opt, func() (err error) {
		cnf, err = ovp.FromCNFContext(ctx, f, ovp.CNFOptions{Split: h, MaxMemory: opt.MaxMemory})
		return err
	})
	if err != nil {
		return nil, err
	}
	x := cnf.Instance
	r.OV = OVInfo{N: x.N(), M: x.M(), Dim: x.Dim(), Split: cnf.Split, Bytes: int64(ovp.Bytes(float64(x.N()), float64(x.M()), x.Dim()))}

	delta, err := r.chooseGap(ctx, x, opt)
	if err != nil {
		return r, err
	}
	return r.solve(ctx, opt, func() (*Instance, error) { return FromOV(x, delta) },
		func(*Instance) error { r.decodeCNF(cnf); return nil },
		func(*Instance) error {
			res, err := sat.Solve(ctx, f)
			r.Check = &CheckInfo{By: "gini"}
			if res != nil {
				r.Check.Verdict, r.Check.Seconds = Verdict(res.Status), Seconds(res.Elapsed.Seconds())
			}
			return err
		})
}

// solve is the tail every route shares: build Q, K, V, plan and run
// opt.Algo, decode with decode, check with check (which sets r.Check), and
// judge agreement. A build or plan error returns no report; an attention
// or check error (cancellation, say) returns the report so far.
func (r *Report) solve(ctx context.Context, opt Options, build func() (*Instance, error),
	decode, check func(*Instance) error) (*Report, error) {
	in, err := r.build(opt, build)
	if err != nil {
		return nil, err
	}
	if err := r.plan(in, opt); err != nil {
		return nil, err
	}
	if err := r.attend(ctx, in, opt); err != nil {
		return r, err
	}
	r.stage(StageDecode, opt, func() error { return decode(in) })
	err = r.stage(StageCheck, opt, func() error { return check(in) })
	if r.Check != nil && r.Check.Seconds == 0 {
		r.Check.Seconds = Seconds(r.StageTime(StageCheck).Seconds())
	}
	r.judge()
	return r, err
}

// sizes are the dimensions the memory estimate needs.
type sizes struct {
	n, m, dim, d float64 // |A|, |B|, instance dimension, columns of Q and K
	instance     float64 // bytes of the instance (and its listing)
}

func ovpSizes(v, h, m, lits int) sizes {
	n, mb := math.Ldexp(1, h), math.Ldexp(1, v-h)
	return sizes{n: n, m: mb, dim: float64(m), d: float64(m), instance: ovp.CNFBytes(v, h, m, lits)}
}

// checkMemory refuses instances whose bit-packed vectors plus Q, K, V, T
// exceed the limit, before anything is allocated.
func (r *Report) checkMemory(s sizes, opt Options) error {
	mat := 8 * (s.n*s.d + 2*s.m*s.d + 2*s.m + s.n)
	r.Memory = MemoryInfo{Instance: clampBytes(s.instance), Matrices: clampBytes(mat), Limit: limitOf(opt.MaxMemory)}
	what := fmt.Sprintf("the OV instance (%.0f + %.0f vectors of dimension %.0f) and Q, K, V, T (%.0f and %.0f rows × %.0f)",
		s.n, s.m, s.dim, s.n, 2*s.m, s.d)
	return memlimit.Check(what, clampBytes(s.instance+mat), opt.MaxMemory,
		"use a smaller instance (fewer variables), or raise --max-memory")
}

func clampBytes(x float64) int64 { return int64(math.Min(x, math.MaxInt64/4)) }

func limitOf(l int64) int64 {
	if l <= 0 {
		return memlimit.Default
	}
	return l
}

// chooseGap returns δ: measured, promised or 1/m, and records the choice.
func (r *Report) chooseGap(ctx context.Context, x *ovp.Instance, opt Options) (float64, error) {
	m := max(x.Dim(), 1)
	switch {
	case opt.MeasureGap:
		return r.measureGap(ctx, x, opt)
	case opt.Gap != 0:
		r.Gap = GapInfo{Source: "promised", Delta: opt.Gap}
		return opt.Gap, nil
	}
	r.Gap = GapInfo{Source: "guaranteed", Delta: 1 / float64(m)}
	return r.Gap.Delta, nil
}

// build runs the qkv stage and keeps the matrices if asked.
func (r *Report) build(opt Options, f func() (*Instance, error)) (*Instance, error) {
	var in *Instance
	err := r.stage(StageQKV, opt, func() (err error) {
		in, err = f()
		return err
	})
	if err != nil {
		return nil, err
	}
	in.check()
	r.Params = in.Params
	if opt.Keep {
		r.Q, r.K, r.V = in.Q, in.K, in.V
	}
	return in, nil
}

// plan asks the algorithm for its plan, decides trust and checks the
// memory of the whole run.
func (r *Report) plan(in *Instance, opt Options) error {
	var plan *attention.Plan
	err := r.stage(StagePlan, opt, func() (err error) {
		plan, err = opt.Algo.Plan(in.Q, in.K, in.V)
		return err
	})
	if err != nil {
		return fmt.Errorf("planning %s attention: %w", opt.Algo.Name(), err)
	}
	r.Algo = AlgoInfo{Name: plan.Algo, Flops: plan.Flops, Notes: plan.Notes,
		ErrBound: Number(plan.ErrBound), RunErrBound: Number(math.NaN()),
		Tolerance: Number(in.Tolerance), Trusted: in.Trusted(plan.ErrBound)}
	if r.Algo.Name == "" {
		r.Algo.Name = opt.Algo.Name()
	}
	r.Memory.Algo = plan.Bytes
	need := r.Memory.Instance + r.Memory.Matrices + plan.Bytes
	if err := memlimit.Check(fmt.Sprintf("%s attention on Q %d×%d, K %d×%d", r.Algo.Name, in.N, in.D, in.Keys, in.D),
		need, opt.MaxMemory, "use a smaller instance or an algorithm with less working memory"); err != nil {
		return err
	}
	return nil
}

// attend runs the algorithm and reads the decision from T.
func (r *Report) attend(ctx context.Context, in *Instance, opt Options) error {
	var out *attention.Output
	err := r.stage(StageAttention, opt, func() (err error) {
		out, err = opt.Algo.Attend(ctx, in.Q, in.K, in.V)
		return err
	})
	if err != nil {
		r.Verdict = Unknown
		r.Reason = fmt.Sprintf("%s attention failed: %v", r.Algo.Name, err)
		return err
	}
	r.Algo.RunErrBound = Number(out.ErrBound)
	if opt.Keep {
		r.T = out.T
	}
	dec := Decide(out.T, in.Params)
	r.Decision = &dec
	r.Verdict = dec.Verdict
	return nil
}

// decodeCNF turns a SAT decision into a verified assignment, or a
// decoding failure.
func (r *Report) decodeCNF(cnf *ovp.CNF) {
	r.decodeOV(cnf.Instance)
	w := r.Witness
	if w == nil || !w.Verified {
		return
	}
	a := cnf.Assignment(w.Row, w.Partner)
	w.Assignment = a.Lits()
	if err := sat.Verify(cnf.Formula, a); err != nil {
		w.Error, w.Verified = err.Error(), false
		r.Verdict = DecodingFailure
	}
}

// judge compares the verdict with the check and explains a disagreement.
func (r *Report) judge() {
	r.Agree = false
	c := r.Check
	switch {
	case c == nil:
		r.Reason = "no independent check ran"
	case r.Verdict == DecodingFailure:
		r.Reason = "decoding failure: " + r.Witness.Error + r.untrustedNote()
	case r.Verdict == Unknown:
		if r.Reason == "" {
			r.Reason = fmt.Sprintf("T has %d NaN rows: the attention output cannot be read", r.Decision.NaNRows)
		}
	case c.Verdict == Unknown:
		r.Reason = c.By + " did not finish"
	case r.Verdict != c.Verdict:
		r.Reason = fmt.Sprintf("the reduction says %v but %s says %v", r.Verdict, c.By, c.Verdict)
		if r.Verdict == Unsat {
			r.Reason += fmt.Sprintf(": no row of T is above τ = %.4g (max %.4g)", r.Params.Threshold, float64(r.Decision.Max))
		}
		r.Reason += r.untrustedNote()
		if c.GapViolations > 0 {
			r.Reason += fmt.Sprintf(" (%d pairs break the gap promise, so the instance is neither YES nor NO)", c.GapViolations)
		}
	default:
		r.Agree = true
	}
}

func (r *Report) untrustedNote() string {
	if r.Algo.Trusted {
		return ""
	}
	return fmt.Sprintf(" (%s's certified error %.3g is not below the tolerance %.3g: its verdict was untrusted before it ran)",
		r.Algo.Name, float64(r.Algo.ErrBound), float64(r.Algo.Tolerance))
}

// stage times f as the named stage.
func (r *Report) stage(name string, opt Options, f func() error) error {
	if opt.OnStage != nil {
		opt.OnStage(name)
	}
	start := time.Now()
	err := f()
	r.AddStage(name, time.Since(start))
	return err
}

// RunANN is the Gap-ANN route (docs/design.md §2.3) on the Hamming instance x with
// threshold t and gap ε: build Q, K, V (FromGapANN), plan and run opt.Algo,
// decode the verdict from T, check the arg-max row's partner is within
// distance t, and compare with a brute-force scan (ovp.MinDistance, a
// quadratic pass reported as the check stage), which also counts the pairs
// that break the gap promise. Gap, MeasureGap and Split are ignored. Errors
// and cancellation as in [Run].
func RunANN(ctx context.Context, x *ovp.Instance, t int, eps float64, opt Options) (*Report, error) {
	if opt.Algo == nil {
		panic("reduction: RunANN with a nil Options.Algo")
	}
	if _, err := ANNParams(x.N(), x.M(), x.Dim(), t, eps); err != nil {
		return nil, err
	}
	r := &Report{Route: RouteANN}
	r.OV = OVInfo{N: x.N(), M: x.M(), Dim: x.Dim(), Bytes: int64(ovp.Bytes(float64(x.N()), float64(x.M()), x.Dim()))}
	r.Gap = GapInfo{Source: "instance", Pairs: x.Pairs()}
	s := sizes{n: float64(x.N()), m: float64(x.M()), dim: float64(x.Dim()), d: 2 * float64(x.Dim()), instance: float64(r.OV.Bytes)}
	if err := r.checkMemory(s, opt); err != nil {
		return nil, err
	}
	return r.solve(ctx, opt, func() (*Instance, error) { return FromGapANN(x, t, eps) },
		func(*Instance) error { r.decodeANN(x, t); return nil },
		func(in *Instance) error {
			st, err := ovp.MinDistance(ctx, x, ovp.Options{Progress: opt.GapProgress})
			r.Check = &CheckInfo{By: "brute force", Verdict: Unknown}
			if err != nil {
				return err
			}
			r.Check.MinDist, r.Check.Verdict = st.Min, Unsat
			if st.Min <= t {
				r.Check.Verdict = Sat
			}
			for dist := t + 1; dist < in.Far && dist < len(st.Hist); dist++ {
				r.Check.GapViolations += st.Hist[dist]
			}
			return nil
		})
}

// decodeANN checks the arg-max row of a YES decision for a partner within
// distance t.
func (r *Report) decodeANN(x *ovp.Instance, t int) {
	if r.Decision.Verdict != Sat {
		return
	}
	i := r.Decision.Row
	w := &Witness{Row: i, Partner: NearPartner(x, i, t), Dot: -1}
	r.Witness = w
	if w.Partner < 0 {
		w.Error = fmt.Sprintf("row %d is above τ but a_%d has no partner within distance %d", i, i, t)
		r.Verdict = DecodingFailure
		return
	}
	w.Dot = x.Dist(i, w.Partner)
	w.Verified = true
}

// RunOV is the pipeline on a plain OV instance (a planted Gap-OV one, say):
// choose δ as [Run] does (opt.Gap, opt.MeasureGap, or 1/m), build Q, K, V
// (FromOV), plan and run opt.Algo, decode the verdict and the witness pair
// from T, and compare with a brute-force search (ovp.FindOrthogonal, a
// quadratic pass reported as the check stage). Split is ignored. Errors
// and cancellation as in [Run].
func RunOV(ctx context.Context, x *ovp.Instance, opt Options) (*Report, error) {
	if opt.Algo == nil {
		panic("reduction: RunOV with a nil Options.Algo")
	}
	if opt.Gap != 0 && !(opt.Gap > 0 && opt.Gap <= 1) {
		return nil, fmt.Errorf("reduction: gap δ = %g, want 0 < δ ≤ 1", opt.Gap)
	}
	r := &Report{Route: RouteOV}
	r.OV = OVInfo{N: x.N(), M: x.M(), Dim: x.Dim(), Bytes: int64(ovp.Bytes(float64(x.N()), float64(x.M()), x.Dim()))}
	d := float64(max(x.Dim(), 1))
	s := sizes{n: float64(x.N()), m: float64(x.M()), dim: float64(x.Dim()), d: d, instance: float64(r.OV.Bytes)}
	if err := r.checkMemory(s, opt); err != nil {
		return nil, err
	}
	delta, err := r.chooseGap(ctx, x, opt)
	if err != nil {
		return r, err
	}
	return r.solve(ctx, opt, func() (*Instance, error) { return FromOV(x, delta) },
		func(*Instance) error { r.decodeOV(x); return nil },
		func(*Instance) error {
			res, err := ovp.FindOrthogonal(ctx, x, ovp.Options{})
			r.Check = &CheckInfo{By: "brute force", Verdict: Unknown}
			if err != nil {
				return err
			}
			r.Check.Verdict = Unsat
			if res.Found {
				r.Check.Verdict = Sat
			}
			return nil
		})
}

// decodeOV finds the orthogonal partner of the arg-max row of a YES
// decision, or declares a decoding failure.
func (r *Report) decodeOV(x *ovp.Instance) {
	if r.Decision.Verdict != Sat {
		return
	}
	i := r.Decision.Row
	w := &Witness{Row: i, Partner: Partner(x, i), Dot: -1}
	r.Witness = w
	if w.Partner < 0 {
		w.Error = fmt.Sprintf("row %d is above τ but a_%d has no orthogonal partner b_j", i, i)
		r.Verdict = DecodingFailure
		return
	}
	w.Dot = 0
	w.Verified = true
}
