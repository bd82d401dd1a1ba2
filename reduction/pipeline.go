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
	// Gap is a promised OV gap δ ∈ (0, 1]; 0 means the guaranteed 1/m. The
	// promise is taken, not checked in advance: if it is larger than the
	// true gap, rows without an orthogonal partner can rise above τ, and
	// both an unsatisfiable and a satisfiable formula can end in a decoding
	// failure (never in a wrong SAT: a SAT verdict needs a verified
	// witness). Decoding then tries the other rows above τ, in decreasing
	// order of T, for a verified witness, and a failure names a pair that
	// proves the promise false ([Disprove], Report.Promise).
	Gap float64
	// Form selects the construction's form: "" (docs/design.md §2.2 and
	// the scaled Gap-ANN form), [FormTight] (OV route only: one reference
	// key, tolerance [TightTolerance]) or [FormPaper] (the paper's instance
	// properties); see the package documentation.
	Form string
	// MeasureGap computes the instance's true gap with ovp.MinInnerProduct
	// (a quadratic pass over all N·M pairs) and uses it. Overrides Gap.
	MeasureGap bool
	// Split is the number of variables on side A; 0 means ⌊v/2⌋.
	Split int
	// MaxMemory is the limit in bytes for the instance, Q, K, V, T and the
	// algorithm's working memory together; 0 means memlimit.Default.
	MaxMemory int64
	// Keep keeps Q, K, V and T in the Report (to save them); KeepT keeps T
	// alone (a shard's rows of it).
	Keep, KeepT bool
	// OnStage, if non-nil, is called as each stage starts.
	OnStage func(name string)
	// GapProgress, if non-nil, receives the progress of the gap
	// measurement: pairs done out of N·M (see ovp.Options.Progress).
	GapProgress func(done, total int64)
	// Rows restricts the run to the rows [Lo, Hi) of T: a shard. The zero
	// value means every row. See [Solve].
	Rows Rows
}

// Rows is a contiguous range [Lo, Hi) of query rows.
type Rows struct {
	Lo int `json:"lo"`
	Hi int `json:"hi"`
}

// Len returns Hi − Lo.
func (r Rows) Len() int { return r.Hi - r.Lo }

// MaxShards is the largest number of shards of a run (the range of
// --shards): readers of shard files and Slurm state refuse a larger K
// before listing its missing shards, so that a file claiming 10¹² of them
// cannot make them loop and allocate that much.
const MaxShards = 1 << 20

// ShardRows returns the rows of shard i of k over n rows: balanced
// contiguous ranges, the first n mod k one row longer, tiling [0, n)
// in order. It returns an error unless 0 ≤ i < k ≤ min(n, MaxShards).
func ShardRows(n, k, i int) (Rows, error) {
	switch {
	case k < 1:
		return Rows{}, fmt.Errorf("%d shards: want at least 1", k)
	case k > MaxShards:
		return Rows{}, fmt.Errorf("%d shards: want at most %d", k, MaxShards)
	case i < 0 || i >= k:
		return Rows{}, fmt.Errorf("shard %d of %d: want 0 ≤ shard < %d", i, k, k)
	case k > n:
		return Rows{}, fmt.Errorf("%d shards of %d rows: at most one shard per row (want shards ≤ %d)", k, n, n)
	}
	q, r := n/k, n%k
	lo := i*q + min(i, r)
	hi := lo + q
	if i < r {
		hi++
	}
	return Rows{lo, hi}, nil
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
	// StageProperties measures the paper's instance properties on the
	// instance built (between decode and check).
	StageProperties = "properties"
)

// Run is the pipeline of docs/design.md §2 on a formula: [Solve] on
// [CNFProblem](f, opt.Split), the split-and-list vectors listed on demand
// (held whole only when the gap is measured), checked against gini.
// Memory is estimated before anything large is allocated; above the limit
// Run returns a *memlimit.Error and no report. Bad options (a gap outside
// (0, 1], a split out of range) are errors without a report. Cost:
// near-linear in N + M = 2^h + 2^(v−h) except the attention stage (N·2M·m
// for exact attention), the gap measurement (N·M·m/64) and the gini check
// (SAT solving, exponential in v in the worst case).
func Run(ctx context.Context, f *sat.Formula, opt Options) (*Report, error) {
	p, err := CNFProblem(f, opt.Split)
	if err != nil {
		return nil, err
	}
	return Solve(ctx, p, opt)
}

// RunOV is the pipeline on a plain OV instance (a planted Gap-OV one, say):
// [Solve] on [OVProblem](x), checked by a brute-force search for an
// orthogonal pair (ovp.FindOrthogonal). Split is ignored.
func RunOV(ctx context.Context, x *ovp.Instance, opt Options) (*Report, error) {
	return Solve(ctx, OVProblem(x), opt)
}

// RunANN is the Gap-ANN route (docs/design.md §2.3) on the Hamming instance x with
// threshold t and gap ε: [Solve] on [ANNProblem](x, t, eps), checked by a
// brute-force scan (ovp.MinDistance) that also counts the pairs breaking
// the gap promise. Gap, MeasureGap and Split are ignored.
func RunANN(ctx context.Context, x *ovp.Instance, t int, eps float64, opt Options) (*Report, error) {
	p, err := ANNProblem(x, t, eps)
	if err != nil {
		return nil, err
	}
	return Solve(ctx, p, opt)
}

// Solve runs the pipeline on p: describe the input and check the memory,
// choose the gap (measuring it if asked), build the query rows, plan and
// run opt.Algo, read the decision from T, decode the witness, run the
// independent check and judge agreement. Each stage is timed.
//
// With opt.Rows set (a shard, even one of all rows), only those rows of Q
// are built and of T computed, and Solve stops after the decision: the report has the rows'
// [Decision] (global row indices) and no witness or check. Merge the
// shards' decisions with [Decision.Merge] and complete with [Finish]; the
// result equals the unsharded run's bit for bit, because every row of T
// is computed by the same arithmetic whichever rows share its run: the
// keys are streamed in the same tiles (exact attention, merged by
// log-sum-exp) or built whole (other algorithms), and the plan uses the
// whole instance's logit radius.
//
// A build, plan or memory error returns no report. If ctx ends during a
// stage, Solve returns the report so far, with Verdict Unknown, and ctx's
// error. Otherwise the report says whether the verdict agrees with the
// check.
func Solve(ctx context.Context, p Problem, opt Options) (*Report, error) {
	if opt.Algo == nil {
		panic("reduction: Solve with a nil Options.Algo")
	}
	r := &Report{}
	if err := checkForm(p.Route(), opt.Form); err != nil {
		return nil, err
	}
	inBytes, err := p.describe(r, opt)
	if err != nil {
		return nil, err
	}
	if err := r.checkMemory(inBytes, r.OV.N, opt); err != nil {
		return nil, err
	}
	params, err := p.params(ctx, r, opt)
	if err != nil {
		if ctx.Err() != nil {
			return r, err
		}
		return nil, err
	}
	rows := opt.Rows
	if rows == (Rows{}) {
		rows = Rows{0, params.N}
	}
	if rows.Lo < 0 || rows.Hi > params.N || rows.Lo >= rows.Hi {
		return nil, fmt.Errorf("reduction: rows [%d, %d) out of range for %d queries", rows.Lo, rows.Hi, params.N)
	}
	r.Params = params
	a := newAttender(p, params, rows, opt)
	if err := a.prepare(ctx, r); err != nil {
		if ctx.Err() != nil {
			return r, err
		}
		return nil, err
	}
	if err := a.run(ctx, r); err != nil {
		return r, err
	}
	if opt.Rows != (Rows{}) {
		r.Reason = fmt.Sprintf("shard of rows [%d, %d): decoded and checked when the shards are merged", rows.Lo, rows.Hi)
		return r, nil
	}
	return r, r.complete(ctx, p, opt)
}

// Forms lists the construction forms [Options.Form] accepts, "" first.
var Forms = []string{"", FormTight, FormPaper}

// checkForm rejects a form the route does not have.
func checkForm(r Route, form string) error {
	switch {
	case form == "" || form == FormPaper:
		return nil
	case form == FormTight && r == RouteOV:
		return nil
	case form == FormTight:
		return fmt.Errorf("reduction: the tight form is an OV construction; the Gap-ANN route has the default and the paper's form")
	}
	return fmt.Errorf("reduction: unknown form %q (want %q, %q or the default)", form, FormTight, FormPaper)
}

// Finish completes a report whose Decision covers every row (merged from
// shards): it decodes the witness, runs the independent check on p and
// judges agreement, adding the decode and check stages. r must carry the
// Params, Gap and Algo of the shards.
func Finish(ctx context.Context, p Problem, opt Options, r *Report) (*Report, error) {
	if r.Decision == nil {
		return nil, fmt.Errorf("reduction: Finish without a decision")
	}
	r.Verdict = r.Decision.Verdict
	r.Witness, r.Check, r.Agree, r.Reason = nil, nil, false, ""
	return r, r.complete(ctx, p, opt)
}

// complete runs the decode and check stages and judges.
func (r *Report) complete(ctx context.Context, p Problem, opt Options) error {
	err := r.stage(StageDecode, opt, func() error { return p.decode(ctx, r) })
	if err == nil {
		err = r.stage(StageProperties, opt, func() (err error) {
			r.Properties, err = measureProperties(ctx, p, r.Params)
			return err
		})
	}
	if err != nil {
		r.Verdict, r.Reason = Unknown, fmt.Sprintf("decoding did not finish: %v", err)
		return err
	}
	err = r.stage(StageCheck, opt, func() error { return p.check(ctx, r, opt) })
	if r.Check != nil && r.Check.Seconds == 0 {
		r.Check.Seconds = Seconds(r.StageTime(StageCheck).Seconds())
	}
	r.judge()
	return err
}

// checkMemory refuses, before anything large is allocated, inputs whose
// in-memory form plus the rows of Q and T of the run exceed the limit (the
// keys are checked with the algorithm's plan).
func (r *Report) checkMemory(inBytes float64, n int, opt Options) error {
	rows := float64(n)
	if opt.Rows != (Rows{}) {
		rows = float64(opt.Rows.Len())
	}
	if streams(opt.Algo) && !opt.Keep && !opt.KeepT {
		rows = math.Min(rows, float64(queryBlock)) // see attender.attend
	}
	d := float64(max(r.OV.Dim, 1))
	if r.Route == RouteANN || opt.Form == FormPaper { // d = 2·d0, or m + e ≤ 2m
		d *= 2
	}
	mat := 8 * rows * (d + 1)
	r.Memory = MemoryInfo{Instance: clampBytes(inBytes), Matrices: clampBytes(mat), Limit: limitOf(opt.MaxMemory)}
	what := fmt.Sprintf("the input (%.0f + %d vectors of dimension %d) and %.0f rows of Q and T at a time", float64(r.OV.N), r.OV.M, r.OV.Dim, rows)
	return memlimit.Check(what, clampBytes(inBytes+mat), opt.MaxMemory,
		"use a smaller instance (fewer variables), more shards, or raise --max-memory")
}

func clampBytes(x float64) int64 { return int64(math.Min(x, math.MaxInt64/4)) }

func limitOf(l int64) int64 {
	if l <= 0 {
		return memlimit.Default
	}
	return l
}

// judge compares the verdict with the check and explains a disagreement.
func (r *Report) judge() {
	r.Agree = false
	c := r.Check
	switch {
	case c == nil:
		r.Reason = "no independent check ran"
	case r.Verdict == DecodingFailure:
		r.Reason = "decoding failure: " + r.Witness.Error
		switch n, above := r.Witness.Tried, r.Decision.Above; {
		case n > 1 && above > n:
			r.Reason += fmt.Sprintf(", nor has any other of the %d largest of the %d rows above τ", n, above)
		case n > 1:
			r.Reason += fmt.Sprintf(", nor has any other of the %d rows above τ", n)
		}
		if r.Promise != nil {
			r.Reason += "; " + r.Promise.String()
		}
		r.Reason += r.untrustedNote()
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
	if math.IsInf(float64(r.Algo.ErrBound), 1) {
		return fmt.Sprintf(" (%s has no certified error bound here, so nothing put its error below the tolerance %.3g: its verdict was untrusted before it ran)",
			r.Algo.Name, float64(r.Algo.Tolerance))
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
