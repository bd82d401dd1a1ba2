package main

import (
	"errors"
	"fmt"

	"github.com/hardnesslab/hardness/internal/slurm"
	"github.com/spf13/cobra"
)

func newSlurmResumeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "resume DIR",
		Short: "Resubmit only the failed and missing shards of a Slurm run, then the merge",
		Long: `resume resubmits, with the scripts already in DIR, the shards that have
neither a shard file nor a pending or running task (cancelled, preempted,
timed out, failed, or forgotten), as one array job over just those indices,
and a new merge job that waits for them and for any shard still running
(the old merge job, which can never run once a shard failed, is cancelled).
Shards already done are not recomputed; a recomputed shard gives the same
result as the first attempt would have, so the merged report is the same.

Exit status: 0 when submitted or when there is nothing to resume, 1 when
sbatch refused, 2 when DIR is not a Slurm run directory or sbatch is not on
PATH (nothing is submitted).`,
		Example: `  hardness slurm status runs/f
  hardness slurm resume runs/f`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return slurmResume(cmd, args[0]) },
	}
}

func slurmResume(cmd *cobra.Command, dir string) error {
	st, err := loadRun(dir)
	if err != nil {
		return err
	}
	if err := slurm.Available(); err != nil {
		return withCode(exitBadInput, err)
	}
	w := cmd.OutOrStdout()
	status, sub, err := slurm.Resume(cmd.Context(), slurm.Runner{Dir: st.Dir}, st)
	if errors.Is(err, slurm.ErrNothingToResume) {
		fmt.Fprintf(w, "%s: %v\n", st.Dir, err)
		return nil
	}
	if status != nil && sub != nil {
		fmt.Fprintf(w, "%s: %d of %d shards done; resubmitting %d\n", st.Dir, status.Count(slurm.Done), st.Shards, len(sub.Tasks))
		if werr := st.WriteSubmission(w, sub); werr != nil {
			return werr
		}
	}
	if err != nil {
		return withCode(exitMismatch, err)
	}
	return nil
}
