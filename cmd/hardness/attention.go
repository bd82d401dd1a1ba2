package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/internal/fileio"
	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/internal/progress"
	"github.com/hardnesslab/hardness/reduction"
	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"
)

type attentionOptions struct {
	q, k, v string
	out     string
	json    bool
	dtype   string
	algo    algoFlags
	shard   attentionShardFlags
}

func newAttentionCmd() *cobra.Command {
	o := &attentionOptions{}
	cmd := &cobra.Command{
		Use:   "attention --q Q.npy --k K.npy --v V.npy -o T.npy",
		Short: "Compute T = Att(Q, K, V) from .npy files",
		Long: `attention computes T = diag(A·1)⁻¹·A·V with A = exp(Q·Kᵀ/d), Q n_q×d, K n_k×d,
V n_k×d_v read from float64 (or float32) .npy files, and writes T (n_q×d_v) as
a float64 .npy file. The default algorithm, exact, streams over tiles with an
online softmax in O((n_q+n_k)(d+d_v)) memory on all cores.

On stderr it reports the algorithm and its plan (certified error bound, flops,
memory), the time, the peak memory, and the instance's entry bound
B = max|Q|, |K| next to √(ln n): the theorem's threshold is B ≈ √(ln n).
--json prints the same report as JSON on stdout. Runs whose memory estimate
exceeds --max-memory are refused.

--dtype float32 (with --algo exact) computes in float32, twice the vector width:
float32 inputs are used as they are, float64 ones rounded, T is written as
float32, and the plan states a bound on |T − Att| that includes the rounding.

--shards K --shard I computes one shard of the work and writes it next to -o:
with --split rows (the default) rows [lo, hi) of T, balanced and contiguous, to
OUT.shard-I-of-K.npy, computed exactly as the unsharded run computes them (the
same key split, the polynomial method planned on the whole Q and K); with
--split keys (exact only) all rows over key block I, as the softmax state
[T | row max | row sum] in OUT.keys-I-of-K.npy. --assemble with the same
--shards and --split writes OUT atomically: the row blocks in order (bit for
bit the unsharded T), or the key states merged by log-sum-exp (within a few
ulps of it). Each shard also writes its record OUT.shard-I-of-K.json (or
.keys-…): its block, the algorithm and its options, and the SHA-256 of Q, K,
V and of its .npy; --assemble checks every record and refuses (exit 2) a
renamed, swapped, edited or foreign shard file, and counts a .npy without
its record as missing (exit 1).`,
		Args: cobra.NoArgs,
		Example: `  hardness gen qkv --n 4096 --d 8 --B 1 -o in
  # exact streaming attention
  hardness attention --q in/Q.npy --k in/K.npy --v in/V.npy -o T.npy
  # the polynomial method at relative error 1e-6, with a JSON report
  hardness attention --q in/Q.npy --k in/K.npy --v in/V.npy --algo poly --eps 1e-6 --json -o T-poly.npy
  # Performer with 512 random features
  hardness attention --q in/Q.npy --k in/K.npy --v in/V.npy --algo performer --features 512 -o T-perf.npy
  # exact attention in float32, with its error bound
  hardness attention --q in/Q.npy --k in/K.npy --v in/V.npy --dtype float32 -o T32.npy
  # in 4 row shards (anywhere), then assembled: T.npy equals the unsharded T bit for bit
  for i in 0 1 2 3; do hardness attention --q in/Q.npy --k in/K.npy --v in/V.npy -o T.npy --shards 4 --shard $i; done
  hardness attention -o T.npy --shards 4 --assemble`,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd) },
	}
	f := cmd.Flags()
	f.StringVar(&o.q, "q", "", "queries Q (n_q × d .npy)")
	f.StringVar(&o.k, "k", "", "keys K (n_k × d .npy)")
	f.StringVar(&o.v, "v", "", "values V (n_k × d_v .npy)")
	f.StringVarP(&o.out, "out", "o", "", "output T (n_q × d_v .npy)")
	f.BoolVar(&o.json, "json", false, "print a JSON report on stdout")
	f.StringVar(&o.dtype, "dtype", "float64", "exact: arithmetic precision, float64 or float32 (float32 .npy inputs kept as they are, T written as float32, error bound in the plan)")
	o.algo.register(f)
	o.shard.register(f)
	cmd.MarkFlagRequired("out")
	return cmd
}

// attentionReport is the --json output; the same facts go to stderr.
type attentionReport struct {
	Algo      string   `json:"algo"`
	Dtype     string   `json:"dtype"`
	NQ        int      `json:"n_q"`
	NK        int      `json:"n_k"`
	D         int      `json:"d"`
	DV        int      `json:"d_v"`
	Flops     float64  `json:"flops"`
	PlanBytes int64    `json:"plan_bytes"`
	ErrBound  *float64 `json:"err_bound"` // null when no bound is known (+Inf)
	// ErrBoundKind is reduction.ErrBoundKind: "exact" (no approximation
	// error), "certified" or "none".
	ErrBoundKind string `json:"err_bound_kind"`
	// RoundingBound is, for an exact algorithm in float64, the proved
	// bound on its rounding error (attention.RoundingBound64); absent when
	// none is derived or for other algorithms.
	RoundingBound *float64 `json:"rounding_bound,omitempty"`
	Notes         []string `json:"notes,omitempty"`
	Seconds       float64  `json:"seconds"`
	PeakBytes     int64    `json:"peak_rss_bytes"`
	B             float64  `json:"B"`
	SqrtLnN       float64  `json:"sqrt_ln_n"`
	BOverSqrtLn   *float64 `json:"B_over_sqrt_ln_n"` // null at n = 1 (√ln 1 = 0)
	Out           string   `json:"out"`
}

func (o *attentionOptions) run(cmd *cobra.Command) error {
	sharded, err := o.shard.check(cmd)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	if o.shard.assemble {
		return o.assemble(cmd)
	}
	if o.q == "" || o.k == "" || o.v == "" {
		return withCode(exitBadInput, errors.New(`required flag(s) "q", "k", "v" not set`))
	}
	if sharded && o.dtype != "float64" {
		return withCode(exitBadInput, errors.New("--shards runs in float64 only"))
	}
	switch {
	case o.dtype == "float32" && o.algo.algo != "exact":
		return withCode(exitBadInput, fmt.Errorf("--dtype float32 needs --algo exact, not %q", o.algo.algo))
	case o.dtype == "float32":
		return o.runFloat32(cmd)
	case o.dtype != "float64":
		return withCode(exitBadInput, fmt.Errorf("--dtype %q; want float64 or float32", o.dtype))
	}
	opts, err := o.algo.options()
	if err != nil {
		return withCode(exitBadInput, err)
	}
	q, k, v, err := attention.ReadQKVContext(cmd.Context(), o.q, o.k, o.v, opts.MaxMemory)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	out := o.out
	nq, _ := q.Dims()
	nk, _ := k.Dims()
	if sharded {
		if q, k, v, err = o.shardInputs(q, k, v, &opts); err != nil {
			return withCode(exitBadInput, err)
		}
		out = o.shard.partName(o.out, o.shard.shard)
	}
	bar := progress.New(cmd.ErrOrStderr(), 1000, o.algo.algo)
	var mu sync.Mutex
	opts.Progress = func(done float64) {
		mu.Lock()
		defer mu.Unlock()
		bar.Set(int64(1000 * done))
	}
	alg, err := attention.New(o.algo.algo, opts)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	plan, err := alg.Plan(q, k, v)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	start := time.Now()
	res, err := alg.Attend(cmd.Context(), q, k, v)
	elapsed := time.Since(start)
	bar.Finish()
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return withCode(exitMismatch, err)
		}
		var me *memlimit.Error
		if errors.As(err, &me) {
			return withCode(exitBadInput, err)
		}
		return withCode(exitBadInput, fmt.Errorf("%s on %s, %s, %s: %w", alg.Name(), o.q, o.k, o.v, err))
	}
	tw := res.T
	if sharded {
		if tw, err = o.shardOutput(res); err != nil {
			return withCode(exitBadInput, err)
		}
	}
	err = fileio.WriteAtomicContext(cmd.Context(), out, func(w io.Writer) error { return attention.EncodeNPY(w, tw) })
	if err == nil && sharded {
		err = o.writeShardMeta(cmd.Context(), nq, nk)
	}
	if err != nil {
		return withCode(exitBadInput, err)
	}
	rep := o.report(alg.Name(), plan, res, q, k, v, elapsed)
	rep.Out = out
	o.printReport(cmd, rep, plan)
	if o.json {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return nil
}

func (o *attentionOptions) report(name string, plan *attention.Plan, res *attention.Output, q, k, v *mat.Dense, elapsed time.Duration) *attentionReport {
	nq, d := q.Dims()
	nk, dv := v.Dims()
	b := max(maxEntry(q), maxEntry(k))
	n := max(nq, nk)
	sq := math.Sqrt(math.Log(float64(n)))
	rep := &attentionReport{Algo: name, Dtype: "float64", NQ: nq, NK: nk, D: d, DV: dv, Flops: plan.Flops, PlanBytes: plan.Bytes,
		Notes: plan.Notes, Seconds: elapsed.Seconds(), PeakBytes: peakRSS(), B: b, SqrtLnN: sq, BOverSqrtLn: finiteOrNil(b / sq), Out: o.out}
	rep.ErrBound = finiteOrNil(res.ErrBound)
	rep.ErrBoundKind = reduction.ErrBoundKind(name, res.ErrBound)
	if rep.ErrBoundKind == "exact" {
		rep.RoundingBound = finiteOrNil(plan.Rounding)
	}
	return rep
}

// finiteOrNil returns &x, or nil (JSON null) when x is ±Inf or NaN, which
// JSON cannot encode.
func finiteOrNil(x float64) *float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return nil
	}
	return &x
}

func (o *attentionOptions) printReport(cmd *cobra.Command, r *attentionReport, plan *attention.Plan) {
	w := cmd.ErrOrStderr()
	eb := "none known"
	switch {
	case r.ErrBoundKind == "exact" && r.RoundingBound != nil:
		eb = fmt.Sprintf("0 in exact arithmetic, float64 rounding ≤ %.2g (proved)", *r.RoundingBound)
	case r.ErrBoundKind == "exact":
		eb = "0 up to float64 rounding (exact; the rounding is not bounded)"
	case r.ErrBound != nil:
		eb = fmt.Sprintf("%.3g", *r.ErrBound)
	}
	fmt.Fprintf(w, "algorithm %s: Q %d×%d, K %d×%d, V %d×%d\n", r.Algo, r.NQ, r.D, r.NK, r.D, r.NK, r.DV)
	fmt.Fprintf(w, "plan: error bound %s, %.3g flops, %s working memory\n", eb, r.Flops, memlimit.Bytes(r.PlanBytes))
	for _, n := range plan.Notes {
		fmt.Fprintf(w, "  %s\n", n)
	}
	fmt.Fprintf(w, "time %.3f s (%.2f Gflop/s), peak memory %s\n", r.Seconds, r.Flops/r.Seconds/1e9, memlimit.Bytes(r.PeakBytes))
	ratio := "undefined (n = 1)"
	if r.BOverSqrtLn != nil {
		ratio = fmt.Sprintf("%.3g", *r.BOverSqrtLn)
	}
	fmt.Fprintf(w, "entries: B = max|Q|,|K| = %.4g, √(ln n) = %.4g (n = %d), B/√(ln n) = %s\n", r.B, r.SqrtLnN, max(r.NQ, r.NK), ratio)
	fmt.Fprintf(w, "wrote %s (%d×%d)\n", r.Out, r.NQ, r.DV)
}

// runFloat32 is run for --dtype float32: exact attention on float32
// inputs (Stream.Attend32), T written as float32.
func (o *attentionOptions) runFloat32(cmd *cobra.Command) error {
	opts, err := o.algo.options()
	if err != nil {
		return withCode(exitBadInput, err)
	}
	q, k, v, rounded, err := attention.ReadQKV32Limit(o.q, o.k, o.v, opts.MaxMemory)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	bar := progress.New(cmd.ErrOrStderr(), 1000, "exact float32")
	var mu sync.Mutex
	opts.Progress = func(done float64) {
		mu.Lock()
		defer mu.Unlock()
		bar.Set(int64(1000 * done))
	}
	alg := attention.NewStream(opts)
	plan, err := alg.Plan32(q, k, v, rounded)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	if rounded {
		plan.Notes = append(plan.Notes, "float64 inputs rounded to float32 (counted in the bound)")
	}
	start := time.Now()
	res, err := alg.Attend32(cmd.Context(), q, k, v, rounded)
	elapsed := time.Since(start)
	bar.Finish()
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return withCode(exitMismatch, err)
		}
		return withCode(exitBadInput, err)
	}
	if err := attention.WriteNPY32(o.out, res.T); err != nil {
		return withCode(exitMismatch, err)
	}
	b := max(maxEntry32(q), maxEntry32(k))
	n := max(q.Rows, k.Rows)
	sq := math.Sqrt(math.Log(float64(n)))
	rep := &attentionReport{Algo: "exact", Dtype: "float32", NQ: q.Rows, NK: k.Rows, D: q.Cols, DV: v.Cols,
		Flops: plan.Flops, PlanBytes: plan.Bytes, Notes: plan.Notes, Seconds: elapsed.Seconds(), PeakBytes: peakRSS(),
		B: b, SqrtLnN: sq, BOverSqrtLn: finiteOrNil(b / sq), Out: o.out}
	// T is written rounded to float32: at most 2⁻²⁴·|T| ≤ 2⁻²⁴·max|V| more.
	eb := res.ErrBound + 0x1p-24*maxEntry32(v)
	rep.ErrBoundKind = "none"
	if !math.IsInf(eb, 0) && !math.IsNaN(eb) {
		rep.ErrBound, rep.ErrBoundKind = &eb, "certified"
	}
	o.printReport(cmd, rep, plan)
	if o.json {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return nil
}

// maxEntry32 returns max |a_ij|.
func maxEntry32(a *attention.Matrix32) float64 {
	m := 0.0
	for _, x := range a.Data {
		m = max(m, math.Abs(float64(x)))
	}
	return m
}

// maxEntry returns max |a_ij|.
func maxEntry(a *mat.Dense) float64 {
	m := 0.0
	r, c := a.Dims()
	for i := range r {
		for _, x := range a.RawRowView(i)[:c] {
			m = max(m, math.Abs(x))
		}
	}
	return m
}
