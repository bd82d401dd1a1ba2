package main

import (
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/hardnesslab/hardness/experiments"
	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/internal/slurm"
	"github.com/spf13/cobra"
)

type slurmExperimentOptions struct {
	slurmOptions
	quick     bool
	seed      uint64
	dir       string
	maxMemory string
}

func newSlurmExperimentCmd() *cobra.Command {
	o := &slurmExperimentOptions{}
	cmd := &cobra.Command{
		Use:   "experiment NAME --shards K -o DIR",
		Short: "Submit an experiment sweep as a Slurm array job and its merge",
		Long: `slurm experiment writes two sbatch scripts into DIR and submits them: an
array job whose task I runs

  hardness experiment NAME [flags] --shards K --shard $SLURM_ARRAY_TASK_ID -o DIR

(one slice of the sweep's units of work: for scaling, one curve per unit) and
a merge job (--dependency=afterok) running 'hardness experiment merge DIR',
which writes the CSV files, plots and summary.md a single run writes, and its
own output to DIR/report.txt. The experiment, DIR and the hardness binary
must be visible on the compute nodes.

Exit status: 0 when submitted, 1 when sbatch refused, 2 on bad input
(nothing is submitted).`,
		Example: `  hardness slurm experiment scaling --shards 4 -o runs/scaling --time 2:00:00
  hardness slurm status runs/scaling`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return o.submitExperiment(cmd, args[0]) },
	}
	fs := cmd.Flags()
	o.register(fs)
	fs.StringVarP(&o.out, "output", "o", "", "run `DIR`: scripts, shard files, logs, and the merged outputs (required)")
	fs.BoolVar(&o.quick, "quick", false, "small sizes that finish in a few seconds")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of every random choice (recorded in the summary)")
	fs.StringVar(&o.dir, "dir", "", "pipeline: directory of DIMACS CNF files (default: a generated set)")
	fs.StringVar(&o.maxMemory, "max-memory", "8GiB", "refuse attention runs whose working memory would exceed this")
	return cmd
}

func (o *slurmExperimentOptions) submitExperiment(cmd *cobra.Command, name string) error {
	e, err := experiments.Lookup(name)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	if !e.Shardable() {
		return withCode(exitBadInput, fmt.Errorf("experiment %s cannot be cut into shards yet; run it whole", e.Name))
	}
	if _, err := memlimit.Parse(o.maxMemory); err != nil {
		return withCode(exitBadInput, fmt.Errorf("--max-memory: %w", err))
	}
	dir, err := o.check()
	if err != nil {
		return err
	}
	shard := []string{o.exe, "experiment", name}
	if o.quick {
		shard = append(shard, "--quick")
	}
	shard = append(shard, "--seed", strconv.FormatUint(o.seed, 10))
	if o.dir != "" {
		in, err := filepath.Abs(o.dir)
		if err != nil {
			return withCode(exitBadInput, err)
		}
		shard = append(shard, "--dir", in)
	}
	shard = append(shard, "--max-memory", o.maxMemory,
		"--shards", strconv.Itoa(o.shards), "--shard", slurm.TaskID, "-o", dir)
	merge := []string{o.exe, "experiment", "merge", dir}
	st := o.newState("experiment", dir, canonicalCommand(cmd, []string{name}), shard, merge, filepath.Join(dir, "report.txt"))
	return o.submit(cmd, st)
}
