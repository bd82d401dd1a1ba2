package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hardnesslab/hardness/internal/slurm"
	"github.com/hardnesslab/hardness/reduction"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

type slurmRunOptions struct {
	slurmOptions
	run    *pflag.FlagSet // run's own flags, passed through to the tasks
	runCmd *cobra.Command // the run command those flags belong to
	ro     *runOptions    // and the options they set, checked before submitting
}

func newSlurmRunCmd() *cobra.Command {
	runCmd, ro := newRunCmdOptions()
	o := &slurmRunOptions{run: runCmd.Flags(), runCmd: runCmd, ro: ro}
	cmd := &cobra.Command{
		Use:   "run [FILE] --shards K --out DIR [run flags]",
		Short: "Submit a sharded 'hardness run' as a Slurm array job and its merge",
		Long: `slurm run writes two sbatch scripts into DIR and submits them: an array job
(--array=0-(K−1)%J) whose task I runs

  hardness run [FILE] [run flags] --shards K --shard $SLURM_ARRAY_TASK_ID --out DIR

and a merge job (--dependency=afterok:<array job id>) that runs
'hardness merge DIR' and writes its report to DIR/report.txt (report.json with
--json); its exit status is the merge's (0: the verdict agrees with the check).
Every flag of 'hardness run' is accepted and passed to the tasks. FILE, DIR and
the hardness binary must be visible on the compute nodes. Each task's
--workers defaults to --cpus-per-task.

--dry-run writes and prints the scripts without submitting them. Exit
status: 0 when submitted, 1 when sbatch refused, 2 on bad input (nothing is
submitted).`,
		Example: `  deploy/slurm/local-cluster.sh up
  hardness gen cnf --vars 26 --ratio 4.26 --seed 1 -o f.cnf
  hardness slurm run f.cnf --shards 8 --out runs/f --time 10 --mem 2G
  hardness slurm status runs/f
  cat runs/f/report.txt`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return o.submitRun(cmd, args) },
	}
	fs := cmd.Flags()
	o.register(fs)
	fs.StringVar(&o.out, "out", "", "run `DIR`: scripts, shard files, logs, report (required)")
	o.run.VisitAll(func(f *pflag.Flag) {
		if fs.Lookup(f.Name) == nil && f.Name != "shard" {
			fs.AddFlag(f)
		}
	})
	return cmd
}

func (o *slurmRunOptions) submitRun(cmd *cobra.Command, args []string) error {
	if err := o.preflight(cmd, args); err != nil {
		return withCode(exitBadInput, err)
	}
	dir, err := o.check()
	if err != nil {
		return err
	}
	shard := []string{o.exe, "run"}
	if len(args) == 1 {
		file, err := inputFile(args[0])
		if err != nil {
			return err
		}
		shard = append(shard, file)
	}
	var merge []string
	report := filepath.Join(dir, "report.txt")
	o.run.VisitAll(func(f *pflag.Flag) {
		if !f.Changed || cmd.Flags().Lookup(f.Name) != f {
			return // not set, or shadowed by a slurm flag
		}
		if f.Name == "json" {
			merge = append(merge, flagArgs(f)...)
			if f.Value.String() == "true" {
				report = filepath.Join(dir, "report.json")
			}
			return
		}
		shard = append(shard, flagArgs(f)...)
	})
	shard = append(shard, "--shards", strconv.Itoa(o.shards), "--shard", slurm.TaskID, "--out", dir)
	merge = append([]string{o.exe, "merge", dir}, merge...)
	st := o.newState("run", dir, canonicalCommand(cmd, args), shard, merge, report)
	return o.submit(cmd, st)
}

// inputFile checks that FILE can be read and returns it absolute.
func inputFile(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", withCode(exitBadInput, fmt.Errorf("input: %w", err))
	}
	st, err := f.Stat()
	f.Close()
	if err == nil && !st.Mode().IsRegular() {
		// /dev/stdin, a FIFO: every task and the merge would read something else
		return "", withCode(exitBadInput, fmt.Errorf("input %s: not a regular file; every task and the merge read FILE again, so give a file on a filesystem the compute nodes share", name))
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return "", withCode(exitBadInput, err)
	}
	return abs, nil
}

// flagArgs renders a set flag as command-line arguments (one per element
// for slice flags).
func flagArgs(f *pflag.Flag) []string {
	if sv, ok := f.Value.(pflag.SliceValue); ok {
		var out []string
		for _, v := range sv.GetSlice() {
			out = append(out, "--"+f.Name+"="+v)
		}
		return out
	}
	if f.Value.Type() == "bool" && f.Value.String() == "true" {
		return []string{"--" + f.Name}
	}
	return []string{"--" + f.Name + "=" + f.Value.String()}
}

// canonicalCommand is the command line of cmd with its positional
// arguments and every flag that was set, for the record.
func canonicalCommand(cmd *cobra.Command, args []string) string {
	argv := strings.Fields(cmd.CommandPath())
	argv = append(argv, args...)
	cmd.Flags().Visit(func(f *pflag.Flag) { argv = append(argv, flagArgs(f)...) })
	return slurm.Command(argv)
}

// preflight checks, before anything is written or submitted, what every
// task would check first and fail on: run's flags (--algo x, --form x
// were submitted and failed in every task), the input (read and parsed
// as run reads it) and K against its rows (--shards 1000 of a 128-row
// run failed in every task). Cost: one read of FILE.
func (o *slurmRunOptions) preflight(cmd *cobra.Command, args []string) error {
	ro := o.ro
	if len(args) == 1 {
		if _, err := inputFile(args[0]); err != nil {
			return err
		}
	}
	if _, err := resolveColor(ro.color, nil); err != nil {
		return err
	}
	o.runCmd.SetContext(cmd.Context())
	ropt, _, err := ro.pipelineOptions(o.runCmd)
	if err != nil {
		return err
	}
	in, err := ro.loadInput(o.runCmd, args, ropt.MaxMemory)
	if err != nil {
		return err
	}
	if _, err := reduction.ShardRows(in.problem.QueryRows(), o.shards, 0); err != nil {
		return fmt.Errorf("--shards %d for %s: %w", o.shards, in.source, err)
	}
	return nil
}
