package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hardnesslab/hardness/experiments"
	"github.com/spf13/cobra"
)

func newExperimentMergeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "merge DIR",
		Short: "Merge the shards of a sharded experiment into its CSV, plots and summary",
		Long: `merge reads DIR/shard-I-of-K.json written by
'hardness experiment NAME --shards K --shard I -o DIR', checks that they are
the complete set of one run (same experiment, mode, seed, input, memory limit
and version; every shard from 0 to K−1), and writes into DIR the CSV files,
PNG and SVG plots, summary.md and COMMAND.txt that a single run with the same
flags writes: the merge replays the sweep with every point read from the
shards, so only timings differ from a run on one machine.

Exit status: 0 on success; 1 when shards are missing (it names them and
prints the commands that compute them) or the report failed; 2 when DIR
holds no shards or shards of different runs.`,
		Example: `  hardness experiment merge /tmp/sc`,
		Args:    cobra.ExactArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return runExperimentMerge(cmd, args[0]) },
	}
}

func runExperimentMerge(cmd *cobra.Command, dir string) error {
	w := cmd.OutOrStdout()
	cfg := experiments.Config{OutDir: dir, Progress: cmd.ErrOrStderr(),
		Command: "hardness experiment merge " + shellQuote(dir)}
	e, res, err := experiments.Merge(cmd.Context(), cfg)
	var missing *experiments.MissingShardsError
	var damaged *experiments.DamagedShardError
	switch {
	case errors.As(err, &damaged):
		return withCode(exitBadInput, fmt.Errorf("experiment merge: %w", err))
	case errors.As(err, &missing):
		return withCode(exitMismatch, fmt.Errorf("%w\ncompute them with:\n%s", err, missingCommands(dir, missing)))
	case res == nil && err != nil:
		return withCode(exitBadInput, fmt.Errorf("experiment merge: %w", err))
	}
	fmt.Fprintf(w, "experiment %s merged from the shards in %s\n", e.Name, dir)
	for _, f := range res.Findings {
		fmt.Fprintf(w, "  • %s\n", f)
	}
	for _, f := range res.Files {
		fmt.Fprintf(w, "  wrote %s\n", f)
	}
	if err != nil {
		return withCode(exitMismatch, fmt.Errorf("experiment merge %s: %w", e.Name, err))
	}
	return nil
}

// missingCommands returns the commands that compute the missing shards,
// from the first shard's recorded command.
func missingCommands(dir string, m *experiments.MissingShardsError) string {
	h, err := experiments.FirstShardHeader(dir)
	var b strings.Builder
	for _, i := range m.Missing[:min(len(m.Missing), maxCommandsShown)] {
		if err != nil || h.Command == "" {
			fmt.Fprintf(&b, "  hardness experiment NAME --shards %d --shard %d -o %s\n", m.Shards, i, shellQuote(filepath.Clean(dir)))
			continue
		}
		fmt.Fprintf(&b, "  %s\n", withShard(h.Command, h.Shard, i))
	}
	if more := len(m.Missing) - maxCommandsShown; more > 0 {
		fmt.Fprintf(&b, "  … and %d more: the same command with --shard I for each missing I\n", more)
	}
	return strings.TrimRight(b.String(), "\n")
}

// withShard replaces "--shard OLD" by "--shard NEW" in a recorded command.
func withShard(command string, old, i int) string {
	return strings.Replace(command, "--shard "+strconv.Itoa(old), "--shard "+strconv.Itoa(i), 1)
}
