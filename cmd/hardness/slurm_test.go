package main

import (
	"github.com/hardnesslab/hardness/reduction"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/internal/slurm"
)

// TestSlurmBadInput: each bad input exits 2 with a clear message and
// submits nothing (no state file is written). None of these reach a
// cluster, so they run everywhere.
func TestSlurmBadInput(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	os.WriteFile(file, []byte("x"), 0o644)
	cnf := filepath.Join(dir, "f.cnf")
	os.WriteFile(cnf, []byte("p cnf 2 1\n1 2 0\n"), 0o644)
	notRun := t.TempDir()
	tests := []struct {
		name    string
		path    string // PATH for the command ("" keeps it)
		args    []string
		want    string
		stateIn string // a directory that must hold no state file afterwards
	}{
		{"K=0", "", []string{"slurm", "run", cnf, "--shards", "0", "--out", filepath.Join(dir, "k0")}, "--shards 0: want an integer in [1, 1048576]", filepath.Join(dir, "k0")},
		{"negative max-parallel", "", []string{"slurm", "run", cnf, "--shards", "2", "--max-parallel", "-1", "--out", filepath.Join(dir, "mp")}, "--max-parallel -1", filepath.Join(dir, "mp")},
		{"no sbatch", t.TempDir(), []string{"slurm", "run", cnf, "--shards", "2", "--out", filepath.Join(dir, "nosb")}, "sbatch not found on PATH", filepath.Join(dir, "nosb")},
		{"no sbatch, experiment", t.TempDir(), []string{"slurm", "experiment", "scaling", "--shards", "2", "-o", filepath.Join(dir, "nosbe")}, "sbatch not found on PATH", filepath.Join(dir, "nosbe")},
		{"unwritable DIR", "", []string{"slurm", "run", cnf, "--shards", "2", "--dry-run", "--out", filepath.Join(file, "sub")}, "--out " + filepath.Join(file, "sub") + ": not a directory", ""},
		{"missing FILE", "", []string{"slurm", "run", filepath.Join(dir, "nope.cnf"), "--shards", "2", "--dry-run", "--out", filepath.Join(dir, "nf")}, "nope.cnf", filepath.Join(dir, "nf")},
		{"unknown experiment", "", []string{"slurm", "experiment", "nope", "--shards", "2", "--dry-run", "-o", filepath.Join(dir, "ue")}, "unknown experiment", filepath.Join(dir, "ue")},
		{"resume on a non-run dir", "", []string{"slurm", "resume", notRun}, "not a hardness slurm run directory", notRun},
		{"status on a non-run dir", "", []string{"slurm", "status", notRun}, "not a hardness slurm run directory", notRun},
		{"experiment shard ≥ K", "", []string{"experiment", "scaling", "--quick", "--shards", "2", "--shard", "2", "-o", filepath.Join(dir, "es")}, "--shard 2: want 0 ≤ shard < 2", ""},
		{"experiment merge of an empty dir", "", []string{"experiment", "merge", notRun}, "no shard files", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.path != "" {
				t.Setenv("PATH", tt.path)
			}
			code, _, errOut := runCLI(t, nil, tt.args...)
			if code != exitBadInput || !strings.Contains(errOut, tt.want) {
				t.Errorf("hardness %s = %d, %q; want %d and %q", strings.Join(tt.args, " "), code, errOut, exitBadInput, tt.want)
			}
			if tt.stateIn != "" {
				if _, err := os.Stat(filepath.Join(tt.stateIn, slurm.StateFile)); err == nil {
					t.Errorf("%s was written: something was recorded as submitted", filepath.Join(tt.stateIn, slurm.StateFile))
				}
			}
		})
	}
}

// TestSlurmDryRun writes the two scripts, prints them, and submits nothing.
func TestSlurmDryRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	cnf := filepath.Join(t.TempDir(), "f.cnf")
	os.WriteFile(cnf, []byte("p cnf 4 1\n1 2 0\n"), 0o644) // 4 rows: one per shard
	code, out, errOut := runCLI(t, nil, "slurm", "run", cnf, "--shards", "4", "--max-parallel", "2", "--out", dir,
		"--time", "5", "--mem", "1G", "--partition", "short", "--algo", "poly", "--json", "--dry-run")
	if code != 0 {
		t.Fatalf("slurm run --dry-run = %d, %s", code, errOut)
	}
	for _, want := range []string{"#SBATCH --array=0-3%2", "#SBATCH --time=5", "#SBATCH --mem=1G", "#SBATCH --partition=short",
		"run " + cnf + " --algo=poly --shards 4 --shard \"$SLURM_ARRAY_TASK_ID\" --out " + dir,
		"merge " + dir + " --json >" + dir + "/report.json.tmp", "dry run: nothing submitted"} {
		if !strings.Contains(out, want) {
			t.Errorf("slurm run --dry-run output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, slurm.StateFile)); err == nil {
		t.Errorf("a dry run wrote %s", slurm.StateFile)
	}
}

// TestUseSlurmCPUs: inside a Slurm task (SLURM_CPUS_PER_TASK set) the
// all-cores default is the task's CPUs, unless GOMAXPROCS says otherwise.
func TestUseSlurmCPUs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	cpus := runtime.NumCPU()
	tests := []struct {
		cpus, gomaxprocs string
		want             int
	}{
		{"1", "", 1},
		{"3", "", min(3, cpus)},
		{" 2 ", "", min(2, cpus)},
		{"100000000", "", cpus}, // capped: 10⁸ Ps took minutes and 24 GB
		{"9223372036854775807", "", cpus},
		{"99999999999999999999", "", 7},
		{"-4", "", 7},
		{"3", "2", 7}, // GOMAXPROCS set: left alone (7 is what the test set before)
		{"", "", 7},
		{"zero", "", 7},
		{"0", "", 7},
	}
	for _, tt := range tests {
		runtime.GOMAXPROCS(7)
		t.Setenv("SLURM_CPUS_PER_TASK", tt.cpus)
		t.Setenv("GOMAXPROCS", tt.gomaxprocs)
		useSlurmCPUs()
		if got := runtime.GOMAXPROCS(0); got != tt.want {
			t.Errorf("SLURM_CPUS_PER_TASK=%q GOMAXPROCS=%q: GOMAXPROCS %d; want %d", tt.cpus, tt.gomaxprocs, got, tt.want)
		}
	}
}

// TestSlurmForgedState: a slurm.json that 'hardness slurm' never writes
// is refused by status and resume with exit 2, naming the file and the
// field (shards = 2^40 ran status out of memory listing them).
func TestSlurmForgedState(t *testing.T) {
	if slurm.MaxShards != reduction.MaxShards {
		t.Errorf("slurm.MaxShards = %d, reduction.MaxShards = %d; want one bound", slurm.MaxShards, reduction.MaxShards)
	}
	for _, tt := range []struct{ state, want string }{
		{`{"kind":"run","shards":1099511627776,"shard_command":["x"]}`, "shards 1099511627776: want at most 1048576"},
		{`{"kind":"rm","shards":3,"shard_command":["x"]}`, `kind "rm": want run or experiment`},
		{`{"kind":"run","shards":3,"shard_command":["x"],"submissions":[{"tasks":[0,7]}]}`, "submissions[0] has task 7: want tasks in [0, 3)"},
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, slurm.StateFile), []byte(tt.state), 0o644)
		for _, c := range []string{"status", "resume"} {
			code, _, errOut := runCLI(t, nil, "slurm", c, dir)
			if code != exitBadInput || !strings.Contains(errOut, tt.want) || !strings.Contains(errOut, slurm.StateFile) {
				t.Errorf("slurm %s with %s = exit %d, %q; want exit 2 and %q", c, tt.state, code, errOut, tt.want)
			}
		}
	}
}
