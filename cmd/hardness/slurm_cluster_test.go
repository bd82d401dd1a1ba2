package main

// Tests against a real Slurm cluster (deploy/slurm/local-cluster.sh up
// starts one on this machine; .ci/run does). They submit jobs, hold CPUs
// for minutes and, on a machine shared with other users of the cluster,
// compete with their jobs, so they run only when asked:
// HARDNESS_SLURM_TESTS=1 runs them (skipping when no cluster answers), and
// HARDNESS_REQUIRE_SLURM=1 (set by .ci/run) runs them and fails when no
// cluster answers. The jobs run a hardness binary built once for the tests.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hardnesslab/hardness/experiments"
	"github.com/hardnesslab/hardness/internal/slurm"
)

// requireSlurm skips the test when no cluster answers (fails instead with
// HARDNESS_REQUIRE_SLURM=1).
func requireSlurm(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: not submitting Slurm jobs")
	}
	required := os.Getenv("HARDNESS_REQUIRE_SLURM") == "1"
	if !required && os.Getenv("HARDNESS_SLURM_TESTS") != "1" {
		t.Skip("Slurm tests not requested: HARDNESS_SLURM_TESTS=1 runs them on the cluster sbatch reaches (deploy/slurm/local-cluster.sh up starts one)")
	}
	why := clusterMissing()
	if why == "" {
		return
	}
	msg := "no Slurm cluster (" + why + "); deploy/slurm/local-cluster.sh up starts one on this machine"
	if required {
		t.Fatal(msg + " — and HARDNESS_REQUIRE_SLURM=1 requires it")
	}
	t.Skip(msg)
}

var cluster struct {
	once sync.Once
	why  string
}

// clusterMissing says why no cluster answers ("" when one does); asked
// once, since sinfo takes seconds to give up on an absent controller.
func clusterMissing() string {
	cluster.once.Do(func() {
		if err := slurm.Available(); err != nil {
			cluster.why = err.Error()
		} else if out, err := sinfo(); err != nil {
			cluster.why = fmt.Sprintf("sinfo: %v: %s", err, strings.TrimSpace(string(out)))
		}
	})
	return cluster.why
}

// sinfo asks the controller for the node states, giving up after 5 s
// (sinfo itself retries an absent controller for longer).
func sinfo() ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return exec.CommandContext(ctx, "sinfo", "--noheader", "--format=%T").CombinedOutput()
}

var built struct {
	once sync.Once
	path string
	err  error
}

// hardnessBinary builds the hardness command once for the jobs to run.
func hardnessBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "hardness-slurm-bin-")
		if err != nil {
			built.err = err
			return
		}
		built.path = filepath.Join(dir, "hardness")
		out, err := exec.Command("go", "build", "-o", built.path, ".").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// removeBuiltBinary removes what hardnessBinary built (called by TestMain).
func removeBuiltBinary() {
	if built.path != "" {
		os.RemoveAll(filepath.Dir(built.path))
	}
}

// jobDeadline bounds every wait for the cluster, so that a broken cluster
// fails the test instead of hanging it; nothing is asserted about time.
const jobDeadline = 6 * time.Minute

// waitFor polls cond until it holds, failing the test at jobDeadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(jobDeadline)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", jobDeadline, what)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// waitMerged waits until the latest merge job of dir has finished and
// returns its state (COMPLETED, FAILED, …).
func waitMerged(t *testing.T, dir string) string {
	t.Helper()
	st, err := slurm.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	id := st.Last().MergeJob
	state := ""
	waitFor(t, "merge job "+id+" in "+dir, func() bool {
		js, err := slurm.Runner{}.Queue(context.Background(), id)
		if err != nil || len(js) == 0 {
			return false
		}
		state = js[0].State
		return state != "PENDING" && state != "RUNNING" && state != "COMPLETING" && state != "CONFIGURING"
	})
	return state
}

// submit runs 'hardness slurm …' in-process and returns the run directory's
// state.
func submit(t *testing.T, args ...string) *slurm.State {
	t.Helper()
	code, out, errOut := runCLI(t, nil, args...)
	if code != 0 {
		t.Fatalf("hardness %s = %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	dir := ""
	for i, a := range args {
		if (a == "--out" || a == "-o") && i+1 < len(args) {
			dir = args[i+1]
		}
	}
	st, err := slurm.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancelJobs(dir) })
	return st
}

// cancelJobs cancels every job submitted for dir that is still queued, so
// that a failed or interrupted test leaves nothing behind in the cluster.
func cancelJobs(dir string) {
	st, err := slurm.Load(dir)
	if err != nil {
		return
	}
	var ids []string
	for _, sub := range st.Submissions {
		for _, id := range []string{sub.ArrayJob, sub.MergeJob} {
			if id != "" {
				ids = append(ids, id)
			}
		}
	}
	slurm.Runner{}.Cancel(context.Background(), ids...)
}

// TestSlurmExperimentScaling: the quick scaling sweep through a 4-task
// array and the merge job gives the CSV of a run on this machine, except
// the timing columns (one worker on both sides, so that the sampled errors
// agree to the last bit; see experiments.SameCSV for the time cap).
func TestSlurmExperimentScaling(t *testing.T) {
	requireSlurm(t)
	exe := hardnessBinary(t)
	t.Setenv("GOMAXPROCS", "1") // sbatch passes the environment to the tasks
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	local := t.TempDir()
	if code, _, errOut := runCLI(t, nil, "experiment", "scaling", "--quick", "-o", local); code != 0 {
		t.Fatalf("local scaling run = %d: %s", code, errOut)
	}
	dir := filepath.Join(t.TempDir(), "scaling")
	submit(t, "slurm", "experiment", "scaling", "--quick", "--shards", "4", "-o", dir, "--hardness", exe, "--time", "10")
	if state := waitMerged(t, dir); state != "COMPLETED" {
		t.Fatalf("merge job %s; want COMPLETED (see %s/logs)", state, dir)
	}
	if err := experiments.SameCSV(filepath.Join(local, "scaling.csv"), filepath.Join(dir, "scaling.csv")); err != nil {
		t.Error(err)
	}
	for _, f := range []string{"summary.md", "time.png", "time.svg", "report.txt"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the merge job did not write %s: %v", f, err)
		}
	}
	code, out, _ := runCLI(t, nil, "slurm", "status", dir)
	if code != 0 || !strings.Contains(out, "4 done, 0 running, 0 pending, 0 failed, 0 missing") {
		t.Errorf("slurm status = %d:\n%s\nwant 0 and 4 done", code, out)
	}
}

// stallingHardness writes a wrapper that stalls array task `task` (sleeps)
// until the file release exists, and otherwise runs hardness.
func stallingHardness(t *testing.T, exe string, task int, release string) string {
	t.Helper()
	w := filepath.Join(t.TempDir(), "hardness-stall")
	script := fmt.Sprintf("#!/bin/sh\nif [ \"${SLURM_ARRAY_TASK_ID:-}\" = %d ] && [ ! -e %s ]; then sleep 300; fi\nexec %s \"$@\"\n",
		task, slurm.Quote(release), slurm.Quote(exe))
	if err := os.WriteFile(w, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return w
}

// taskState returns the cluster's state of array task id ("12_3").
func taskState(id string) string {
	js, err := slurm.Runner{}.Queue(context.Background(), id)
	if err != nil {
		return ""
	}
	for _, j := range js {
		if j.ID == id {
			return j.State
		}
	}
	return ""
}

// faultThenResume submits args (a sharded run with K = 4 whose task 2
// stalls), lets kill end task 2, and checks: no shard file for it, the
// merge job never runs, 'slurm status' names shard 2 with wantState, and
// 'slurm resume' resubmits only shard 2 and the merge, which completes.
func faultThenResume(t *testing.T, dir, release, wantState string, kill func(task string), args ...string) {
	t.Helper()
	st := submit(t, args...)
	task := st.Last().ArrayJob + "_2"
	state := ""
	waitFor(t, "task "+task+" started and the other shards done", func() bool {
		for _, i := range []int{0, 1, 3} {
			if _, err := os.Stat(slurm.ShardFile(dir, i, 4)); err != nil {
				return false
			}
		}
		state = taskState(task)
		return state == "RUNNING" || state == wantState // a busy cluster may time it out first
	})
	if state == "RUNNING" {
		kill(task)
	}
	waitFor(t, "task "+task+" "+wantState, func() bool { return taskState(task) == wantState })
	if _, err := os.Stat(slurm.ShardFile(dir, 2, 4)); err == nil {
		t.Errorf("task %s ended %s but left %s", task, wantState, slurm.ShardFile(dir, 2, 4))
	}
	merge := st.Last().MergeJob
	waitFor(t, "merge job "+merge+" held forever", func() bool {
		js, _ := slurm.Runner{}.Queue(context.Background(), merge)
		return len(js) == 1 && js[0].State == "PENDING" && js[0].Reason == "DependencyNeverSatisfied"
	})
	if _, err := os.Stat(st.Report); err == nil {
		t.Errorf("the merge ran although shard 2 failed: %s exists", st.Report)
	}
	code, out, _ := runCLI(t, nil, "slurm", "status", dir)
	for _, want := range []string{"3 done, 0 running, 0 pending, 1 failed", "failed  shard 2 (job " + task + ", " + wantState,
		"merge: job " + merge + " PENDING (DependencyNeverSatisfied): it will not run", "hardness slurm resume"} {
		if code != exitMismatch || !strings.Contains(out, want) {
			t.Errorf("slurm status = %d:\n%s\nwant %d and %q", code, out, exitMismatch, want)
		}
	}
	if err := os.WriteFile(release, nil, 0o644); err != nil { // the rerun of task 2 runs hardness at once
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, nil, "slurm", "resume", dir)
	if code != 0 || !strings.Contains(out, "resubmitting 1") || !strings.Contains(out, "--array=2 ") {
		t.Fatalf("slurm resume = %d:\n%s%s\nwant 0, resubmitting only shard 2", code, out, errOut)
	}
	if state := waitMerged(t, dir); state != "COMPLETED" {
		t.Fatalf("merge job after resume %s; want COMPLETED (see %s/logs)", state, dir)
	}
	if js, _ := (slurm.Runner{}).Queue(context.Background(), merge); len(js) == 1 && js[0].State != "CANCELLED" {
		t.Errorf("the old merge job %s is %s; want it cancelled by resume", merge, js[0].State)
	}
	code, out, _ = runCLI(t, nil, "slurm", "resume", dir)
	if code != 0 || !strings.Contains(out, "nothing to resume") {
		t.Errorf("second slurm resume = %d:\n%s\nwant 0 and nothing to resume", code, out)
	}
}

// TestSlurmExperimentCancelAndResume: scancel of one array task of a sweep
// → the merge job never runs, status names the shard, resume reruns only
// it, and the merged CSV is the single run's.
func TestSlurmExperimentCancelAndResume(t *testing.T) {
	requireSlurm(t)
	exe := hardnessBinary(t)
	t.Setenv("GOMAXPROCS", "1")
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	local := t.TempDir()
	if code, _, errOut := runCLI(t, nil, "experiment", "scaling", "--quick", "-o", local); code != 0 {
		t.Fatalf("local scaling run = %d: %s", code, errOut)
	}
	dir := filepath.Join(t.TempDir(), "scaling")
	release := filepath.Join(t.TempDir(), "release")
	faultThenResume(t, dir, release, "CANCELLED", func(task string) {
		if err := (slurm.Runner{}).Cancel(context.Background(), task); err != nil {
			t.Fatal(err)
		}
	}, "slurm", "experiment", "scaling", "--quick", "--shards", "4", "-o", dir, "--time", "3", "--hardness", stallingHardness(t, exe, 2, release))
	if err := experiments.SameCSV(filepath.Join(local, "scaling.csv"), filepath.Join(dir, "scaling.csv")); err != nil {
		t.Error(err)
	}
}
