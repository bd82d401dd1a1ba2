package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	"github.com/hardnesslab/hardness/internal/slurm"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func newSlurmCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "slurm",
		Short: "Run sharded runs and experiment sweeps as Slurm job arrays",
		Long: `slurm submits a sharded 'hardness run' or 'hardness experiment' to a Slurm
cluster: an array job with one task per shard, each writing
DIR/shard-I-of-K.json atomically, and a merge job that runs only after every
task succeeded (--dependency=afterok) and writes DIR/report.txt. The two
sbatch scripts are written into DIR (shards.sbatch, merge.sbatch): plain,
readable, and resubmittable by hand. 'slurm status DIR' says which shards are
done, running or failed; 'slurm resume DIR' resubmits only the failed and
missing ones, then the merge.

DIR must be on a filesystem shared by the login and the compute nodes, and so
must the hardness binary (--hardness). Try it on one machine with a real
single-node cluster: deploy/slurm/local-cluster.sh up.`,
	}
	cmd.AddCommand(
		newSlurmExperimentCmd(),
		newSlurmResumeCmd(),
		newSlurmRunCmd(),
		newSlurmStatusCmd(),
	)
	return cmd
}

// slurmOptions are the flags shared by 'slurm run' and 'slurm experiment'.
type slurmOptions struct {
	shards      int
	out         string
	res         slurm.Resources
	maxParallel int
	dryRun      bool
	exe         string
}

func (o *slurmOptions) register(fs *pflag.FlagSet) {
	fs.IntVar(&o.shards, "shards", 0, "number of shards `K`: array tasks 0…K−1 (required)")
	fs.StringVar(&o.res.Partition, "partition", "", "sbatch --partition (default: the cluster's default partition)")
	fs.StringVar(&o.res.Account, "account", "", "sbatch --account")
	fs.StringVar(&o.res.Time, "time", "", "sbatch --time per task and for the merge, e.g. 30, 2:00:00 (default: the partition's)")
	fs.StringVar(&o.res.Mem, "mem", "", "sbatch --mem per task, e.g. 4G (default: the partition's)")
	fs.IntVar(&o.res.CPUsPerTask, "cpus-per-task", 1, "sbatch --cpus-per-task; each task uses that many workers")
	fs.IntVar(&o.maxParallel, "max-parallel", 0, "at most `J` tasks of the array at once (--array=0-(K−1)%J; 0: no limit)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "write and print the scripts, submit nothing")
	fs.StringVar(&o.exe, "hardness", "", "hardness `binary` the jobs run, visible on the compute nodes (default: this one)")
}

// The forms sbatch accepts for --time and --mem (sbatch(1)): checked here
// so that a typo fails before anything is written or submitted, not at
// sbatch with a run directory already prepared.
var (
	slurmTime = regexp.MustCompile(`^(?i:unlimited|infinite)$|^\d+(:\d+){0,2}$|^\d+-\d+(:\d+){0,2}$`)
	slurmMem  = regexp.MustCompile(`^\d+[KMGTkmgt]?[Bb]?$`)
)

// check validates the flags and returns the absolute run directory.
func (o *slurmOptions) check() (string, error) {
	switch {
	case o.shards < 1:
		return "", withCode(exitBadInput, fmt.Errorf("--shards %d: want at least 1 shard", o.shards))
	case o.out == "":
		return "", withCode(exitBadInput, errors.New("no run directory; give --out DIR (on a filesystem the compute nodes share)"))
	case o.maxParallel < 0:
		return "", withCode(exitBadInput, fmt.Errorf("--max-parallel %d: want 0 (no limit) or more", o.maxParallel))
	case o.res.CPUsPerTask < 1:
		return "", withCode(exitBadInput, fmt.Errorf("--cpus-per-task %d: want at least 1", o.res.CPUsPerTask))
	case o.res.Time != "" && !slurmTime.MatchString(o.res.Time):
		return "", withCode(exitBadInput, fmt.Errorf("--time %q: want a Slurm time limit: MINUTES, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS or UNLIMITED", o.res.Time))
	case o.res.Mem != "" && !slurmMem.MatchString(o.res.Mem):
		return "", withCode(exitBadInput, fmt.Errorf("--mem %q: want a Slurm memory size: a whole number with an optional unit K, M, G or T, e.g. 4G", o.res.Mem))
	}
	if !o.dryRun {
		if err := slurm.Available(); err != nil {
			return "", withCode(exitBadInput, fmt.Errorf("%w (--dry-run writes the scripts without it)", err))
		}
	}
	exe, err := o.executable()
	if err != nil {
		return "", err
	}
	o.exe = exe
	return prepareRunDir(o.out)
}

// executable returns the absolute path of the hardness binary the jobs run.
func (o *slurmOptions) executable() (string, error) {
	exe := o.exe
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return "", withCode(exitBadInput, fmt.Errorf("finding the hardness binary: %w; give --hardness PATH", err))
		}
		if e, err := filepath.EvalSymlinks(exe); err == nil {
			exe = e
		}
	}
	abs, err := filepath.Abs(exe)
	if err != nil {
		return "", withCode(exitBadInput, err)
	}
	fi, err := os.Stat(abs)
	if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		return "", withCode(exitBadInput, fmt.Errorf("--hardness %s: not an executable file", abs))
	}
	return abs, nil
}

// prepareRunDir creates DIR (and DIR/logs), checks that it can be written
// and holds no earlier submission, and returns it absolute.
func prepareRunDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", withCode(exitBadInput, err)
	}
	if _, err := os.Stat(filepath.Join(abs, slurm.StateFile)); err == nil {
		return "", withCode(exitBadInput, fmt.Errorf("%s already holds a submitted run (%s); use 'hardness slurm status/resume %s' or another directory",
			abs, slurm.StateFile, shellQuote(abs)))
	}
	if err := os.MkdirAll(filepath.Join(abs, "logs"), 0o755); err != nil {
		return "", withCode(exitBadInput, fmt.Errorf("run directory: %w", err))
	}
	f, err := os.CreateTemp(abs, ".write-test-*")
	if err != nil {
		return "", withCode(exitBadInput, fmt.Errorf("run directory %s is not writable: %w", abs, err))
	}
	f.Close()
	os.Remove(f.Name())
	return abs, nil
}

// newState returns the state of a new submission of kind.
func (o *slurmOptions) newState(kind, dir, command string, shard, merge []string, report string) *slurm.State {
	return &slurm.State{Kind: kind, Shards: o.shards, Dir: dir, Command: command, Version: version(),
		Executable: o.exe, ShardCommand: shard, MergeCommand: merge, Report: report,
		Resources: o.res, MaxParallel: o.maxParallel}
}

// submit writes the scripts and the state into the run directory and,
// unless --dry-run, submits the array and the merge job.
func (o *slurmOptions) submit(cmd *cobra.Command, st *slurm.State) error {
	w := cmd.OutOrStdout()
	if err := st.WriteScripts(); err != nil {
		return withCode(exitBadInput, err)
	}
	if o.dryRun {
		return printScripts(w, st)
	}
	if err := st.Save(); err != nil {
		return withCode(exitBadInput, err)
	}
	fmt.Fprintf(w, "%d shards of %s in %s (scripts %s, %s)\n", st.Shards, st.Kind, st.Dir, slurm.ShardsScript, slurm.MergeScript)
	sub, err := st.Submit(cmd.Context(), slurm.Runner{Dir: st.Dir}, st.AllTasks(), nil)
	if sub != nil {
		if werr := st.WriteSubmission(w, sub); werr != nil {
			return werr
		}
	}
	if err != nil {
		return withCode(exitMismatch, err)
	}
	return nil
}

// printScripts prints the scripts a dry run wrote.
func printScripts(w io.Writer, st *slurm.State) error {
	for _, name := range []string{slurm.ShardsScript, slurm.MergeScript} {
		b, err := os.ReadFile(st.Path(name))
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "==> %s <==\n%s\n", st.Path(name), b)
	}
	_, err := fmt.Fprintf(w, "dry run: nothing submitted; submit with: id=$(sbatch --parsable %s) && sbatch --dependency=afterok:$id %s\n",
		shellQuote(st.Path(slurm.ShardsScript)), shellQuote(st.Path(slurm.MergeScript)))
	return err
}

// useSlurmCPUs sets GOMAXPROCS to $SLURM_CPUS_PER_TASK inside a Slurm task
// (unless GOMAXPROCS is set), so that --workers 0 and every other
// all-cores default mean the CPUs Slurm allocated to the task, not every
// core of the node (no cgroup confines the task with TaskPlugin=task/none).
// A value that is not a positive integer is ignored, and one above the
// CPUs this process can run on is capped there: Slurm never allocates
// more, and SLURM_CPUS_PER_TASK=100000000 made the runtime keep 10⁸
// schedulers (a v = 14 run took 218 s and 24 GB instead of 0.1 s).
func useSlurmCPUs() {
	if os.Getenv("GOMAXPROCS") != "" {
		return
	}
	if n, err := strconv.Atoi(strings.TrimSpace(os.Getenv("SLURM_CPUS_PER_TASK"))); err == nil && n > 0 {
		runtime.GOMAXPROCS(min(n, runtime.NumCPU()))
	}
}
