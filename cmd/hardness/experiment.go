package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hardnesslab/hardness/experiments"
	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/spf13/cobra"
)

type experimentOptions struct {
	quick     bool
	seed      uint64
	dir       string
	out       string
	maxMemory string
	shards    int
	shard     int
}

func newExperimentCmd() *cobra.Command {
	o := &experimentOptions{}
	cmd := &cobra.Command{
		Use:   "experiment NAME|list|all -o DIR",
		Short: "Run a reproducible experiment: CSV, plots (PNG, SVG) and summary.md",
		Long: `Run one of the experiments that show the transition at B ≈ √ln n, writing
its CSV tables, PNG and SVG plots, a generated summary.md (seed, command,
parameters, key findings) and COMMAND.txt into the output directory.

Experiments:
` + experimentList() + `
'hardness experiment list' prints this list; 'hardness experiment all -o DIR'
runs every experiment into DIR/NAME. --quick runs small sizes in a few
seconds. Interrupting a run (Ctrl-C) writes what was measured so far, marked
partial in summary.md, and exits with status 1. So does a run with inputs
it could not process or check (pipeline: a file of --dir that cannot be
read or run, or whose verdict disagrees with gini), naming them.

--shards K --shard I runs only shard I of the sweep's units of work and
writes DIR/shard-I-of-K.json (atomically; nothing on failure or interrupt);
'hardness experiment merge DIR' then writes the same CSV files, plots and
summary as a single run. 'hardness slurm experiment' runs the shards as a
Slurm job array.`,
		Example: `  hardness experiment transition --quick -o /tmp/transition
  hardness experiment pipeline --dir ../shared/satlib/uf20-91 -o out/pipeline
  # in 3 shards (any order, any machines sharing DIR), then merged
  for i in 0 1 2; do hardness experiment scaling --quick --shards 3 --shard $i -o /tmp/sc; done
  hardness experiment merge /tmp/sc`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args[0]) },
	}
	fs := cmd.Flags()
	fs.BoolVar(&o.quick, "quick", false, "small sizes that finish in a few seconds")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of every random choice (recorded in the summary)")
	fs.StringVar(&o.dir, "dir", "", "pipeline: directory of DIMACS CNF files (default: a generated set)")
	fs.StringVarP(&o.out, "output", "o", "", "output directory (created if missing; required)")
	fs.StringVar(&o.maxMemory, "max-memory", "8GiB", "refuse attention runs whose working memory would exceed this")
	fs.IntVar(&o.shards, "shards", 0, "cut the sweep into `K` shards and run only the one given by --shard")
	fs.IntVar(&o.shard, "shard", 0, "the shard to run, `I` in 0…K−1 (with --shards)")
	cmd.AddCommand(newExperimentMergeCmd())
	return cmd
}

func experimentList() string {
	var b strings.Builder
	for _, e := range experiments.All() {
		fmt.Fprintf(&b, "  %-11s %s\n", e.Name, e.Short)
	}
	return b.String()
}

func (o *experimentOptions) run(cmd *cobra.Command, name string) error {
	if name == "list" {
		_, err := io.WriteString(cmd.OutOrStdout(), experimentList())
		return err
	}
	var todo []*experiments.Experiment
	if name == "all" {
		todo = experiments.All()
	} else {
		e, err := experiments.Lookup(name)
		if err != nil {
			return withCode(exitBadInput, fmt.Errorf("%w\nsee 'hardness experiment --help'", err))
		}
		todo = []*experiments.Experiment{e}
	}
	if o.out == "" {
		return withCode(exitBadInput, errors.New("experiment: no output directory; give -o DIR"))
	}
	mem, err := memlimit.Parse(o.maxMemory)
	if err != nil {
		return withCode(exitBadInput, fmt.Errorf("--max-memory: %w", err))
	}
	if cmd.Flags().Changed("shards") || cmd.Flags().Changed("shard") {
		return o.runShard(cmd, name, todo, mem)
	}
	for _, e := range todo {
		out := o.out
		if name == "all" {
			out = filepath.Join(o.out, e.Name)
		}
		if err := o.runOne(cmd, e, out, mem); err != nil {
			return err
		}
	}
	return nil
}

func (o *experimentOptions) runOne(cmd *cobra.Command, e *experiments.Experiment, out string, mem int64) error {
	w := cmd.OutOrStdout()
	cfg := experiments.Config{Quick: o.quick, Seed: o.seed, OutDir: out, Dir: o.dir,
		Command: o.command(e.Name, out), Progress: cmd.ErrOrStderr(), MaxMemory: mem}
	fmt.Fprintf(w, "experiment %s (seed %d, %s mode) → %s\n", e.Name, o.seed, mode(o.quick), out)
	res, err := e.Run(cmd.Context(), cfg)
	if res != nil {
		for _, f := range res.Findings {
			fmt.Fprintf(w, "  • %s\n", f)
		}
		for _, f := range res.Files {
			fmt.Fprintf(w, "  wrote %s\n", f)
		}
		fmt.Fprintf(w, "  %.1f s\n", res.Elapsed.Seconds())
	}
	if err != nil {
		if res != nil && res.Partial && len(res.Files) > 0 {
			return withCode(exitMismatch, fmt.Errorf("experiment %s stopped early; partial results are in %s: %w", e.Name, out, err))
		}
		return withCode(exitMismatch, fmt.Errorf("experiment %s: %w", e.Name, err))
	}
	if res != nil && len(res.Failed) > 0 {
		// an unreadable file in --dir, or a verdict that disagrees with
		// gini, exited 0 with the error only in a CSV column
		shown := res.Failed[:min(len(res.Failed), 10)]
		return withCode(exitMismatch, fmt.Errorf("experiment %s: %d inputs could not be run or their check failed: %s%s (the error column of the CSV in %s says why)",
			e.Name, len(res.Failed), strings.Join(shown, ", "), map[bool]string{true: ", …"}[len(shown) < len(res.Failed)], out))
	}
	return nil
}

// command is the canonical command line that reproduces the run.
func (o *experimentOptions) command(name, out string) string {
	parts := []string{"hardness", "experiment", name}
	if o.quick {
		parts = append(parts, "--quick")
	}
	parts = append(parts, "--seed", strconv.FormatUint(o.seed, 10))
	if o.dir != "" {
		parts = append(parts, "--dir", shellQuote(o.dir))
	}
	if o.maxMemory != "8GiB" {
		parts = append(parts, "--max-memory", shellQuote(o.maxMemory))
	}
	if o.shards > 0 {
		parts = append(parts, "--shards", strconv.Itoa(o.shards), "--shard", strconv.Itoa(o.shard))
	}
	parts = append(parts, "-o", shellQuote(out))
	return strings.Join(parts, " ")
}

// runShard runs shard o.shard of o.shards of one experiment.
func (o *experimentOptions) runShard(cmd *cobra.Command, name string, todo []*experiments.Experiment, mem int64) error {
	if err := checkShardFlags(o.shards, o.shard); err != nil {
		return err
	}
	if len(todo) != 1 || name == "all" {
		return withCode(exitBadInput, errors.New("experiment: --shards runs one experiment, not all"))
	}
	e := todo[0]
	if !e.Shardable() {
		return withCode(exitBadInput, fmt.Errorf("experiment %s cannot be cut into shards yet; run it whole", e.Name))
	}
	cfg := experiments.Config{Quick: o.quick, Seed: o.seed, OutDir: o.out, Dir: o.dir,
		Command: o.command(e.Name, o.out), Progress: cmd.ErrOrStderr(), MaxMemory: mem}
	path, err := e.RunShard(cmd.Context(), cfg, o.shard, o.shards)
	if err != nil {
		return withCode(exitMismatch, err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "experiment %s shard %d of %d (seed %d, %s mode) → %s\n", e.Name, o.shard, o.shards, o.seed, mode(o.quick), path)
	return nil
}

// checkShardFlags checks --shards K --shard I: K ≥ 1 and 0 ≤ I < K.
func checkShardFlags(k, i int) error {
	if k < 1 {
		return withCode(exitBadInput, fmt.Errorf("--shards %d: want at least 1 shard", k))
	}
	if i < 0 || i >= k {
		return withCode(exitBadInput, fmt.Errorf("--shard %d: want 0 ≤ shard < %d (--shards)", i, k))
	}
	return nil
}

func mode(quick bool) string {
	if quick {
		return "quick"
	}
	return "full"
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=+:,@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
