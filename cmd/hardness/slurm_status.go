package main

import (
	"errors"
	"fmt"

	"github.com/hardnesslab/hardness/internal/slurm"
	"github.com/spf13/cobra"
)

func newSlurmStatusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status DIR",
		Short: "Say which shards of a Slurm run are done, running, pending or failed",
		Long: `status reads DIR/slurm.json (written by 'hardness slurm run' or 'hardness slurm
experiment'), looks for the shard files, and asks the cluster about the
tasks: squeue (which remembers finished jobs for MinJobAge, 5 minutes by
default) and sacct when accounting is enabled (it is not required). A shard
is done when its file exists, failed when its task ended without writing it
(CANCELLED, TIMEOUT, FAILED, PREEMPTED, …), missing when nothing is known of
it; failed and missing shards are named with their logs.

Exit status: 0 when every shard is done and the report is written, 1
otherwise, 2 when DIR is not a Slurm run directory.`,
		Example: `  hardness slurm status runs/f`,
		Args:    cobra.ExactArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return slurmStatus(cmd, args[0]) },
	}
}

func slurmStatus(cmd *cobra.Command, dir string) error {
	st, err := loadRun(dir)
	if err != nil {
		return err
	}
	s := slurm.Inspect(cmd.Context(), slurm.Runner{Dir: st.Dir}, st)
	if err := s.Write(cmd.OutOrStdout()); err != nil {
		return err
	}
	if s.Count(slurm.Done) < st.Shards || !s.Report {
		return withCode(exitMismatch, nil)
	}
	return nil
}

// loadRun reads a run directory's state; a directory that is not one is
// bad input.
func loadRun(dir string) (*slurm.State, error) {
	st, err := slurm.Load(dir)
	if errors.Is(err, slurm.ErrNotRun) {
		return nil, withCode(exitBadInput, err)
	}
	if err != nil {
		return nil, withCode(exitBadInput, fmt.Errorf("reading the run directory: %w", err))
	}
	return st, nil
}
