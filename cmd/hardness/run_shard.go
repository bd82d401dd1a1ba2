package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/internal/fileio"
	"github.com/hardnesslab/hardness/reduction"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// shardFlags are run's --shards, --shard, --out and --save-rows.
type shardFlags struct {
	shards, shard int
	out           string
	saveRows      bool
}

func (s *shardFlags) register(fs *pflag.FlagSet) {
	fs.IntVar(&s.shards, "shards", 0, "cut the rows of T into `K` balanced contiguous shards (with --shard and --out)")
	fs.IntVar(&s.shard, "shard", -1, "compute shard `I` of K only (0 ≤ I < K)")
	fs.StringVar(&s.out, "out", "", "write the shard's decision to `DIR`/shard-I-of-K.json (merge with 'hardness merge DIR')")
	fs.BoolVar(&s.saveRows, "save-rows", false, "also write the shard's rows of T to DIR/shard-I-of-K.T.npy")
}

// check validates the shard flags: all of --shards, --shard and --out or
// none, 0 ≤ shard < shards.
func (s *shardFlags) check(cmd *cobra.Command, o *runOptions) error {
	set := func(n string) bool { return cmd.Flags().Changed(n) }
	switch {
	case !set("shards") && !set("shard") && !set("out") && !set("save-rows"):
		return nil
	case !set("shards") || !set("shard") || !set("out"):
		return errors.New("a shard needs all of --shards K, --shard I and --out DIR")
	case s.shards < 1:
		return fmt.Errorf("--shards %d: want at least 1 shard", s.shards)
	case s.shard < 0 || s.shard >= s.shards:
		return fmt.Errorf("--shard %d: want 0 ≤ shard < --shards %d", s.shard, s.shards)
	case s.out == "":
		return errors.New("--out: want a directory")
	case o.timeout < 0:
		return fmt.Errorf("--timeout %v: want 0 (no limit) or a positive duration", o.timeout)
	}
	return nil
}

// shardFormat identifies a shard file; merge refuses any other.
const shardFormat = "hardness run shard, version 1"

// shardFile is DIR/shard-I-of-K.json. Header, Shard, Shards, Rows and
// Decision are deterministic: recomputing a shard rewrites them byte for
// byte (and the rows of T with --save-rows), and merge compares nothing
// else. Command, Run (timings, memory, host) and Report.Stages describe
// the particular run and differ between recomputations.
type shardFile struct {
	Format   string             `json:"format"`
	Header   shardHeader        `json:"header"`
	Shard    int                `json:"shard"`
	Shards   int                `json:"shards"`
	Rows     reduction.Rows     `json:"rows"`
	Decision reduction.Decision `json:"decision"`
	RowsFile string             `json:"rows_file,omitempty"` // --save-rows: T rows as .npy
	Command  []string           `json:"command"`             // the arguments of this shard's run
	Run      shardRun           `json:"run"`
	// Report is the shard's partial report: the input, the constants, the
	// algorithm and its plan on this shard's rows, the stages.
	Report *reduction.Report `json:"report"`
}

// shardHeader is what every shard of one run shares; merge refuses a set
// of shards whose headers differ, naming the first differing field.
type shardHeader struct {
	Input       string           `json:"input"`        // FILE as given, or the embedded default
	InputSHA256 string           `json:"input_sha256"` // of the input's bytes
	Route       reduction.Route  `json:"route"`
	Split       int              `json:"split,omitempty"` // CNF route
	N           int              `json:"n_rows"`          // rows of T
	Delta       float64          `json:"delta,omitempty"`
	GapSource   string           `json:"gap_source"`
	T           int              `json:"t,omitempty"` // Gap-ANN
	Eps         float64          `json:"eps,omitempty"`
	Beta        float64          `json:"scale"`
	Threshold   float64          `json:"threshold"`
	Tolerance   float64          `json:"tolerance"`
	Algorithm   string           `json:"algorithm"`
	AlgoOptions string           `json:"algorithm_options"`
	ErrBound    reduction.Number `json:"certified_error"`
	Trusted     bool             `json:"trusted"`
	Seed        uint64           `json:"seed"`
	Version     string           `json:"tool_version"`
}

// shardRun is how this shard's run went: not compared by merge.
type shardRun struct {
	Host       string  `json:"host"`
	Seconds    float64 `json:"wall_seconds"`
	CPUSeconds float64 `json:"cpu_seconds"` // user + system, this process
	PeakBytes  int64   `json:"peak_rss_bytes"`
	Workers    int     `json:"workers"`
}

// shardName returns the shard file's base name, shard-I-of-K.json.
func shardName(i, k int) string { return fmt.Sprintf("shard-%d-of-%d.json", i, k) }

// runShard computes shard I of K of the input's rows and writes its file.
func (o *runOptions) runShard(ctx context.Context, cmd *cobra.Command, in *runInput, ropt reduction.Options, bars *stageBars) error {
	start := time.Now()
	s := o.shard
	rows, err := reduction.ShardRows(in.problem.QueryRows(), s.shards, s.shard)
	if err != nil {
		return withCode(exitBadInput, fmt.Errorf("--shards %d: %w", s.shards, err))
	}
	if err := os.MkdirAll(s.out, 0o755); err != nil {
		return withCode(exitBadInput, fmt.Errorf("--out: %w", err))
	}
	ropt.Rows, ropt.KeepT = rows, s.saveRows
	r, err := reduction.Solve(ctx, in.problem, ropt)
	bars.finish()
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return withCode(exitMismatch, fmt.Errorf("shard %d of %d timed out after %v: nothing written", s.shard, s.shards, o.timeout))
		}
		if r != nil || errors.Is(err, context.Canceled) {
			return withCode(exitMismatch, fmt.Errorf("shard %d of %d: %w: nothing written", s.shard, s.shards, err))
		}
		return err
	}
	r.Source = in.source
	r.PrependStage("read", in.readTime)
	sf := &shardFile{Format: shardFormat, Header: o.shardHeader(in, r), Shard: s.shard, Shards: s.shards,
		Rows: rows, Decision: *r.Decision, Command: shardCommand(cmd), Report: r}
	base := filepath.Join(s.out, shardName(s.shard, s.shards))
	if s.saveRows {
		sf.RowsFile = filepath.Base(base[:len(base)-len(".json")] + ".T.npy")
		err := fileio.WriteAtomicContext(ctx, filepath.Join(s.out, sf.RowsFile), func(w io.Writer) error { return attention.EncodeNPY(w, r.T) })
		if err != nil {
			return withCode(exitMismatch, err)
		}
	}
	host, _ := os.Hostname()
	sf.Run = shardRun{Host: host, Seconds: time.Since(start).Seconds(), CPUSeconds: cpuSeconds(),
		PeakBytes: peakRSS(), Workers: workersOf(ropt.Algo)}
	err = fileio.WriteAtomicContext(ctx, base, func(w io.Writer) error {
		b, err := json.MarshalIndent(sf, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	})
	if err != nil {
		return withCode(exitMismatch, err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "shard %d of %d: rows [%d, %d) of %d: %v (max T %s at row %d, %d above τ) in %.3gs, wrote %s\n",
		s.shard, s.shards, rows.Lo, rows.Hi, in.problem.QueryRows(), r.Decision.Verdict, fmtFloat(float64(r.Decision.Max)),
		r.Decision.Row, r.Decision.Above, sf.Run.Seconds, base)
	return nil
}

// shardHeader collects what all shards of the run must share.
func (o *runOptions) shardHeader(in *runInput, r *reduction.Report) shardHeader {
	p := r.Params
	src := in.path
	if src == "" {
		src = defaultName
	}
	a := o.algo
	return shardHeader{Input: src, InputSHA256: in.sha256, Route: p.Route, Split: r.OV.Split, N: p.N,
		Delta: p.Delta, GapSource: r.Gap.Source, T: p.T, Eps: p.Eps, Beta: p.Scale, Threshold: p.Threshold, Tolerance: p.Tolerance,
		Algorithm: r.Algo.Name, AlgoOptions: fmt.Sprintf("eps=%g degree=%d max-rank=%d features=%d", a.eps, a.degree, a.maxRank, a.features),
		ErrBound: r.Algo.ErrBound, Trusted: r.Algo.Trusted, Seed: a.seed, Version: version()}
}

// shardCommand returns the run's arguments (FILE, then every flag set),
// for printing the command that recomputes a missing shard.
func shardCommand(cmd *cobra.Command) []string {
	var args []string
	args = append(args, "run")
	args = append(args, cmd.Flags().Args()...)
	cmd.Flags().Visit(func(f *pflag.Flag) {
		args = append(args, "--"+f.Name+"="+f.Value.String())
	})
	return args
}

// workersOf returns the algorithm's worker count (0: all cores).
func workersOf(a attention.Algorithm) int {
	if c, ok := a.(interface{ Options() attention.Options }); ok {
		return c.Options().Workers
	}
	return 0
}

// fmtFloat prints a float compactly, "-Inf" for none.
func fmtFloat(x float64) string {
	if math.IsInf(x, -1) {
		return "none"
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}
