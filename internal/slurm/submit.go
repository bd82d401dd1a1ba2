package slurm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/hardnesslab/hardness/internal/fileio"
)

// Scripts returns the array script (every shard; resume narrows --array on
// the sbatch command line) and the merge script.
func (s *State) Scripts() (shards, merge *Script) {
	head := []string{
		"Written by hardness " + s.Version + " for: " + s.Command,
		"Run directory: " + s.Dir,
	}
	shards = &Script{
		JobName: "hardness-" + s.Kind, Array: ArraySpec(s.AllTasks(), s.MaxParallel), Resources: s.Resources,
		Output: s.Path("logs/shard-%a.out"),
		Comments: append(clone(head),
			fmt.Sprintf("Array job: task I computes shard I of %d and writes %s atomically", s.Shards, s.Path(fmt.Sprintf("shard-I-of-%d.json", s.Shards))),
			"(a task cancelled, preempted or out of time leaves no shard file; rerunning it is safe).",
			"Submit by hand: id=$(sbatch --parsable "+Quote(s.Path(ShardsScript))+")",
			"  then: sbatch --dependency=afterok:$id "+Quote(s.Path(MergeScript)),
			"Only some shards: sbatch --array="+someTasks(s.Shards)+" "+Quote(s.Path(ShardsScript))+" (or: hardness slurm resume "+Quote(s.Dir)+")"),
		Body: []string{
			"# hardness run's --workers defaults to $SLURM_CPUS_PER_TASK inside a task.",
			"exec " + Command(s.ShardCommand),
		},
	}
	merge = &Script{
		JobName: "hardness-" + s.Kind + "-merge", Resources: s.Resources,
		Output: s.Path("logs/merge.out"),
		Comments: append(clone(head),
			"Merge job: runs after every shard succeeded (submitted with --dependency=afterok:<array job id>)",
			"and writes the report to "+s.Report+" atomically; its exit status is the merge's."),
		Body: mergeBody(s),
	}
	return shards, merge
}

func clone(ss []string) []string { return append([]string(nil), ss...) }

func mergeBody(s *State) []string {
	tmp := s.Report + ".tmp"
	return []string{
		"status=0",
		Command(s.MergeCommand) + " >" + Quote(tmp) + " || status=$?",
		"mv -f " + Quote(tmp) + " " + Quote(s.Report),
		`exit "$status"`,
	}
}

// WriteScripts writes shards.sbatch and merge.sbatch into the run
// directory (atomically, executable) and creates its logs directory.
func (s *State) WriteScripts() error {
	if err := os.MkdirAll(s.Path("logs"), 0o755); err != nil {
		return err
	}
	shards, merge := s.Scripts()
	for name, sc := range map[string]*Script{ShardsScript: shards, MergeScript: merge} {
		path := s.Path(name)
		if err := fileio.WriteAtomic(path, sc.Render); err != nil {
			return err
		}
		if err := os.Chmod(path, 0o755); err != nil {
			return err
		}
	}
	return nil
}

// AllTasks returns the task indices of every shard, 0…K−1.
func (s *State) AllTasks() []int {
	all := make([]int, s.Shards)
	for i := range all {
		all[i] = i
	}
	return all
}

// Submit submits the array job for tasks (none: only the merge) and the
// merge job after it, also waiting for the array tasks in after (live
// tasks of an earlier submission, "12_3"). It records the submission in
// the state file, also when the merge submission fails after the array
// was submitted.
func (s *State) Submit(ctx context.Context, r Runner, tasks []int, after []string) (*Submission, error) {
	sub := Submission{Time: time.Now().UTC().Truncate(time.Second)}
	deps := clone(after)
	if len(tasks) > 0 {
		id, err := r.Submit(ctx, s.Path(ShardsScript), "--array="+ArraySpec(tasks, s.MaxParallel))
		if err != nil {
			return nil, err
		}
		sub.ArrayJob, sub.Tasks = id, tasks
		deps = append(deps, id)
	}
	var mergeArgs []string
	if len(deps) > 0 {
		sub.Dependency = "afterok:" + strings.Join(deps, ":")
		mergeArgs = append(mergeArgs, "--dependency="+sub.Dependency, "--kill-on-invalid-dep=no")
	}
	id, mergeErr := r.Submit(ctx, s.Path(MergeScript), mergeArgs...)
	sub.MergeJob = id
	s.Submissions = append(s.Submissions, sub)
	saveErr := s.Save()
	if mergeErr != nil {
		mergeErr = fmt.Errorf("the array job %s was submitted but the merge job was not: %w (run 'hardness slurm resume %s' to submit it)", sub.ArrayJob, mergeErr, Quote(s.Dir))
	}
	return &s.Submissions[len(s.Submissions)-1], errors.Join(mergeErr, saveErr)
}

// ErrNothingToResume is returned by [Resume] when every shard is done or
// still live and the merge is live or has written its report.
var ErrNothingToResume = errors.New("nothing to resume")

// Resume resubmits the failed and missing shards of st and a merge job
// after them (and after any shard still pending or running). A previous
// merge job that is still waiting is cancelled first. It returns
// [ErrNothingToResume] (wrapped, with the reason) when there is nothing
// to do.
func Resume(ctx context.Context, r Runner, st *State) (*Status, *Submission, error) {
	status := Inspect(ctx, r, st)
	redo := status.Resubmit()
	switch {
	case len(redo) == 0 && status.Report:
		return status, nil, fmt.Errorf("%w: every shard is done and the report is written (%s)", ErrNothingToResume, st.Report)
	case len(redo) == 0 && status.MergeLive():
		return status, nil, fmt.Errorf("%w: no shard failed; merge job %s is %s", ErrNothingToResume, status.Merge.ID, strings.ToLower(status.Merge.State))
	}
	if status.Merge.ID != "" && (status.Merge.State == "PENDING" || status.MergeLive()) {
		if err := r.Cancel(ctx, status.Merge.ID); err != nil {
			return status, nil, fmt.Errorf("cancelling the old merge job: %w", err)
		}
	}
	sub, err := st.Submit(ctx, r, redo, status.Live())
	return status, sub, err
}

// WriteSubmission prints what was submitted and where the results go.
func (s *State) WriteSubmission(w io.Writer, sub *Submission) error {
	var b strings.Builder
	if sub.ArrayJob != "" {
		fmt.Fprintf(&b, "array job %s: %d task(s), --array=%s (logs %s)\n", sub.ArrayJob, len(sub.Tasks),
			ArraySpec(sub.Tasks, s.MaxParallel), s.Path("logs/shard-*.out"))
	}
	if sub.MergeJob != "" {
		dep := ""
		if sub.Dependency != "" {
			dep = " (--dependency=" + sub.Dependency + ")"
		}
		fmt.Fprintf(&b, "merge job %s%s\n", sub.MergeJob, dep)
	}
	fmt.Fprintf(&b, "report: %s (when the merge job has run)\nstatus: hardness slurm status %s\n", s.Report, Quote(s.Dir))
	_, err := io.WriteString(w, b.String())
	return err
}

// someTasks is an example --array list of shards that exist among k:
// "0", "1", or "1,k−1".
func someTasks(k int) string {
	switch {
	case k <= 1:
		return "0"
	case k == 2:
		return "1"
	}
	return fmt.Sprintf("1,%d", k-1)
}
