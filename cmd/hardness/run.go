package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/reduction"
	"github.com/spf13/cobra"
)

// defaultCNF is the instance `hardness run` uses without a file: planted
// 3-SAT, v = 22, m = 94 (ratio 4.26), seed 2023; exact attention on its
// 2048 × 4096 instance takes about a second.
//
//go:embed run_default.cnf
var defaultCNF []byte

const defaultName = "embedded default (planted 3-SAT, v = 22, m = 94, seed 2023)"

type runOptions struct {
	algo       algoFlags
	gap        float64
	form       string
	measureGap bool
	json       bool
	save       string
	timeout    time.Duration
	split      int
	ann        bool
	ov         bool
	color      string
	shard      shardFlags
}

func newRunCmd() *cobra.Command {
	cmd, _ := newRunCmdOptions()
	return cmd
}

// newRunCmdOptions returns the run command and the options its flags set
// (slurm run passes the flags to its tasks and checks them first).
func newRunCmdOptions() (*cobra.Command, *runOptions) {
	o := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run [FILE.cnf]",
		Short: "Reduce a CNF formula to attention, decode SAT/UNSAT from the output, check it against gini",
		Long: `run is the reduction of Alman and Song (2023), end to end:

  CNF ─split-and-list─▶ OV ─▶ Q, K, V (entries ≤ B) ─attention─▶ T ─decode─▶ verdict ─▶ gini

It prints a stage-by-stage report: the formula; the OV instance; the shapes of
Q, K, V, the scale β, the entry bound B, √ln n and B/√ln n; the attention
algorithm's certified error against the tolerance the decoder needs (exact
attention: 0 in exact arithmetic, with a proved bound on its float64 rounding
that must be below the tolerance too; an approximate algorithm whose certified
error is not below it is flagged untrusted before it runs); the verdict read from T alone (some row above the threshold τ), the
witness row, its orthogonal partner and the satisfying assignment (verified);
gini's verdict; agreement; and the time of each stage.

Without FILE it runs on an embedded planted 3-SAT instance with 22 variables.
FILE may be compressed (.gz, .xz, .bz2). With --ann, FILE is a Gap-ANN Hamming
instance (hardness gen ov --ann … -o FILE); with --ov, FILE is an OV instance
(hardness gen ov --planted … -o FILE, a Gap-OV instance with a constant gap:
give it with --gap or --measure-gap for B = Θ(√log n)); for both the check is
a brute-force scan of the pairs instead of gini.

The default gap is δ = 1/m, true of every formula, which makes B² = m·ln(4(M+1)):
B = Θ(log n) for m = Θ(log n) and the default balanced split;
--gap promises a larger one (B = Θ(√log n) for constant δ) and --measure-gap
computes the true gap first with a quadratic pass. A promised gap is trusted
only if it holds: when decoding fails, the report names a pair that proves
it false, after trying the other rows above τ for a verified witness.

--form paper builds the instance with the properties Alman and Song state for
their hard instances (logits in [0, B'], half of each row at B', V ∈ {0,1});
--form tight keeps one reference key (OV routes), so that additive error 3/20
already decodes. The report's "properties" lines measure those properties on
the instance built, whatever the form.

With --shards K --shard I --out DIR it computes only shard I of K: a balanced
contiguous block of the rows of T (for a formula, only its range of first-half
assignments; exact attention streams the keys in tiles, so memory does not grow
with the instance), and writes its decision atomically to DIR/shard-I-of-K.json
(--save-rows also writes its rows of T to DIR/shard-I-of-K.T.npy). 'hardness
merge DIR' then checks the shards, merges them and prints the report the
unsharded run would print, bit for bit in its verdict, witness and decision.

Exit status: 0 when the verdict agrees with the check (or a shard was
written), 1 when it does not (or a stage did not finish), 2 on bad input.`,
		Args: cobra.MaximumNArgs(1),
		Example: `  # the built-in planted 3-SAT formula
  hardness run
  # a random formula at the threshold, saving Q, K, V, T for NumPy
  hardness gen cnf --vars 24 --ratio 4.26 --seed 3 -o f.cnf
  hardness run f.cnf --save out
  # the fast path with too small a budget: flagged UNTRUSTED before it runs
  hardness run f.cnf --algo poly --max-rank 100
  # the theorem's regime: a planted Gap-OV instance with a constant gap
  hardness gen ov --planted --n 1024 --dim 64 --gap 0.2 --yes -o p.ov
  hardness run --ov p.ov --measure-gap
  # one run cut into 8 shards (any scheduler can place them), then merged
  for i in $(seq 0 7); do hardness run f.cnf --shards 8 --shard $i --out f.shards; done
  hardness merge f.shards`,
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args) },
	}
	fs := cmd.Flags()
	o.algo.register(fs)
	fs.Float64Var(&o.gap, "gap", 0, "promised OV gap δ in (0,1] (default 1/m, which every formula has)")
	fs.BoolVar(&o.measureGap, "measure-gap", false, "measure the true gap first (a quadratic pass over all pairs)")
	fs.StringVar(&o.form, "form", "default", "construction: default, tight (OV: one reference key, tolerance 3/20) or paper (logits in [0, B'], reference keys at the row maximum)")
	fs.BoolVar(&o.json, "json", false, "print the report as JSON")
	fs.StringVar(&o.save, "save", "", "write Q.npy, K.npy, V.npy, T.npy and report.json into `DIR`")
	fs.DurationVar(&o.timeout, "timeout", 0, "give up after this long (0: no limit)")
	fs.IntVar(&o.split, "split", 0, "variables on side A of the OV instance (0: ⌊v/2⌋)")
	fs.BoolVar(&o.ann, "ann", false, "FILE is a Gap-ANN Hamming instance: run the paper's Gap-ANN route")
	fs.BoolVar(&o.ov, "ov", false, "FILE is an OV instance (e.g. planted Gap-OV): run the OV route")
	fs.StringVar(&o.color, "color", "auto", colorUsage)
	o.shard.register(fs)
	cmd.MarkFlagsMutuallyExclusive("ov", "ann")
	cmd.MarkFlagsMutuallyExclusive("save", "shards")
	return cmd, o
}

func (o *runOptions) run(cmd *cobra.Command, args []string) error {
	if _, err := resolveColor(o.color, nil); err != nil {
		return err
	}
	if err := o.shard.check(cmd, o); err != nil {
		return withCode(exitBadInput, err)
	}
	ctx, cancel := o.context(cmd)
	defer cancel()
	ropt, bars, err := o.pipelineOptions(cmd)
	if err != nil {
		return err
	}
	in, err := o.loadInput(cmd, args, ropt.MaxMemory)
	if err != nil {
		return err
	}
	if o.ann || o.ov {
		bars.checkBar = true
	}
	if o.shard.out != "" {
		return o.runShard(ctx, cmd, in, ropt, bars)
	}
	r, err := reduction.Solve(ctx, in.problem, ropt)
	bars.finish()
	if r == nil {
		return fmt.Errorf("%s: %w", in.source, err) // refused before any stage: name the input
	}
	r.Source = in.source
	r.PrependStage("read", in.readTime)
	return o.finish(cmd, r, err)
}

// context applies --timeout to the command's context.
func (o *runOptions) context(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if o.timeout > 0 {
		return context.WithTimeout(ctx, o.timeout)
	}
	return context.WithCancel(ctx)
}

// pipelineOptions builds the algorithm and the reduction options, with
// progress bars on a terminal stderr.
func (o *runOptions) pipelineOptions(cmd *cobra.Command) (reduction.Options, *stageBars, error) {
	if o.gap != 0 && !(o.gap > 0 && o.gap <= 1) {
		return reduction.Options{}, nil, fmt.Errorf("--gap %g: want a gap δ with 0 < δ ≤ 1", o.gap)
	}
	form := o.form
	if form == "default" {
		form = ""
	}
	if !slices.Contains(reduction.Forms, form) {
		return reduction.Options{}, nil, fmt.Errorf("--form %q: want default, %s or %s", o.form, reduction.FormTight, reduction.FormPaper)
	}
	aopt, err := o.algo.options()
	if err != nil {
		return reduction.Options{}, nil, err
	}
	bars := &stageBars{w: cmd.ErrOrStderr()}
	aopt.Progress = bars.fraction
	algo, err := attention.New(o.algo.algo, aopt)
	if err != nil {
		return reduction.Options{}, nil, err
	}
	return reduction.Options{
		Algo: algo, Gap: o.gap, MeasureGap: o.measureGap, Split: o.split, Form: form,
		MaxMemory: aopt.MaxMemory, Keep: o.save != "",
		OnStage: bars.stage, GapProgress: bars.pairs,
	}, bars, nil
}

// finish prints the report, saves it, and turns disagreement into exit 1.
func (o *runOptions) finish(cmd *cobra.Command, r *reduction.Report, runErr error) error {
	out := cmd.OutOrStdout()
	if runErr != nil && r.Reason == "" && len(r.Stages) > 0 {
		// Stopped before the attention: say in which stage.
		r.Verdict = reduction.Unknown
		r.Reason = fmt.Sprintf("stopped in the %s stage: %v", r.Stages[len(r.Stages)-1].Name, runErr)
	}
	if err := o.print(out, r); err != nil {
		return err
	}
	if o.save != "" {
		if err := o.saveReport(cmd, r, runErr); err != nil {
			return err
		}
	}
	switch {
	case runErr != nil && errors.Is(runErr, context.DeadlineExceeded):
		return withCode(exitMismatch, fmt.Errorf("timed out after %v: %s", o.timeout, r.Reason))
	case runErr != nil:
		return withCode(exitMismatch, runErr)
	case !r.Agree && !o.json:
		// The report's agreement line gives the reason: say it once.
		return withCode(exitMismatch, errors.New("the verdict does not agree with the check (the report's agreement line says why)"))
	case !r.Agree:
		return withCode(exitMismatch, errors.New(r.Reason))
	}
	return nil
}

// saveReport writes --save and says which files it wrote: after an
// interrupt nothing (the user asked to stop), after a timeout what the run
// reached (T.npy only if the attention finished). A failure to write is
// exit status 2, not the disagreement status 1.
func (o *runOptions) saveReport(cmd *cobra.Command, r *reduction.Report, runErr error) error {
	msg := cmd.ErrOrStderr()
	if !o.json {
		msg = cmd.OutOrStdout()
	}
	if errors.Is(runErr, context.Canceled) {
		fmt.Fprintf(msg, "%-11s nothing in %s: interrupted\n", "not saved", o.save)
		return nil
	}
	files, err := saveRun(cmd.Context(), o.save, r, o.runProvenance(cmd, r))
	if len(files) > 0 {
		fmt.Fprintf(msg, "%-11s %s in %s\n", "saved", joinAnd(files), o.save)
	}
	if err != nil {
		return withCode(exitBadInput, err)
	}
	return nil
}

// joinAnd joins names as "a, b and c".
func joinAnd(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func (o *runOptions) print(w io.Writer, r *reduction.Report) error {
	if !o.json {
		color, err := resolveColor(o.color, w)
		if err != nil || !color {
			return r.WriteText(w)
		}
		var b strings.Builder
		if err := r.WriteText(&b); err != nil {
			return err
		}
		_, err = io.WriteString(w, paintAlerts(b.String()))
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
