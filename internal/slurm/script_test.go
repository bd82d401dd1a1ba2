package slurm

import (
	"os"
	"strings"
	"testing"
)

func TestArraySpec(t *testing.T) {
	tests := []struct {
		tasks []int
		j     int
		want  string
	}{
		{[]int{0, 1, 2, 3}, 0, "0-3"},
		{[]int{0, 1, 2, 3}, 2, "0-3%2"},
		{[]int{0, 1, 2, 3}, 4, "0-3"},
		{[]int{2}, 1, "2"},
		{[]int{1, 3, 5, 6, 7}, 2, "1,3,5-7%2"},
		{[]int{0, 2, 3}, 0, "0,2-3"},
	}
	for _, tt := range tests {
		if got := ArraySpec(tt.tasks, tt.j); got != tt.want {
			t.Errorf("ArraySpec(%v, %d) = %q; want %q", tt.tasks, tt.j, got, tt.want)
		}
	}
}

func TestCommandQuoting(t *testing.T) {
	got := Command([]string{"/opt/h", "run", "my file.cnf", "--gap=0.5", TaskID, "it's"})
	want := `/opt/h run 'my file.cnf' --gap=0.5 "$SLURM_ARRAY_TASK_ID" 'it'\''s'`
	if got != want {
		t.Errorf("Command = %s; want %s", got, want)
	}
}

func ExampleScript_Render() {
	s := &Script{
		JobName:   "hardness-run",
		Array:     ArraySpec([]int{0, 1, 2, 3}, 2),
		Resources: Resources{Partition: "short", Time: "10", Mem: "2G", CPUsPerTask: 4},
		Output:    "/scratch/f/logs/shard-%a.out",
		Comments:  []string{"Written by hardness devel"},
		Body:      []string{"exec " + Command([]string{"/opt/hardness", "run", "f.cnf", "--shards", "4", "--shard", TaskID, "--out", "/scratch/f"})},
	}
	s.Render(os.Stdout)
	// Output:
	// #!/bin/bash
	// # Written by hardness devel
	// #SBATCH --job-name=hardness-run
	// #SBATCH --array=0-3%2
	// #SBATCH --partition=short
	// #SBATCH --time=10
	// #SBATCH --mem=2G
	// #SBATCH --cpus-per-task=4
	// #SBATCH --ntasks=1
	// #SBATCH --output=/scratch/f/logs/shard-%a.out
	// #SBATCH --open-mode=append
	// #SBATCH --requeue
	//
	// set -euo pipefail
	// exec /opt/hardness run f.cnf --shards 4 --shard "$SLURM_ARRAY_TASK_ID" --out /scratch/f
}

func TestScriptsRecordCommandAndVersion(t *testing.T) {
	st := &State{Kind: "run", Shards: 3, Dir: "/scratch/f", Command: "hardness slurm run f.cnf --shards=3 --out=/scratch/f",
		Version: "v1.2.3", ShardCommand: []string{"/opt/h", "run", "f.cnf", "--shards", "3", "--shard", TaskID, "--out", "/scratch/f"},
		MergeCommand: []string{"/opt/h", "merge", "/scratch/f"}, Report: "/scratch/f/report.txt", MaxParallel: 2}
	shards, merge := st.Scripts()
	var a, b strings.Builder
	shards.Render(&a)
	merge.Render(&b)
	for _, want := range []string{"hardness v1.2.3", st.Command, "#SBATCH --array=0-2%2", `--shard "$SLURM_ARRAY_TASK_ID"`} {
		if !strings.Contains(a.String(), want) {
			t.Errorf("array script lacks %q:\n%s", want, a.String())
		}
	}
	for _, want := range []string{"hardness v1.2.3", "/opt/h merge /scratch/f >/scratch/f/report.txt.tmp", "mv -f /scratch/f/report.txt.tmp /scratch/f/report.txt", `exit "$status"`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("merge script lacks %q:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "--array") {
		t.Errorf("merge script has an --array line:\n%s", b.String())
	}
}

func TestRenderQuotesSpacesAndRefusesQuotes(t *testing.T) {
	var b strings.Builder
	s := &Script{JobName: "j", Output: "/scratch/my runs/logs/shard-%a.out"}
	if err := s.Render(&b); err != nil || !strings.Contains(b.String(), `#SBATCH --output="/scratch/my runs/logs/shard-%a.out"`) {
		t.Errorf("Render(output with a space) = %v:\n%s\nwant the value double-quoted", err, b.String())
	}
	s.Output = `/scratch/a"b/x.out`
	if err := s.Render(&b); err == nil || !strings.Contains(err.Error(), "cannot be written") {
		t.Errorf("Render(output with a double quote) = %v; want an error", err)
	}
}

// TestScriptExampleArrayInRange: the script's example of submitting only
// some shards names shards that exist (it said --array=1,3 for K = 2).
func TestScriptExampleArrayInRange(t *testing.T) {
	for k, want := range map[int]string{1: "--array=0 ", 2: "--array=1 ", 8: "--array=1,7 "} {
		st := &State{Kind: "run", Shards: k, Dir: "/scratch/f", Command: "hardness slurm run f.cnf", ShardCommand: []string{"hardness", "run", "f.cnf"}}
		sh, _ := st.Scripts()
		if got := strings.Join(sh.Comments, "\n"); !strings.Contains(got, "Only some shards: sbatch "+want) {
			t.Errorf("K = %d: comments %q; want %q", k, got, want)
		}
	}
}
