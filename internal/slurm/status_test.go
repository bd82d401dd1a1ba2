package slurm

import (
	"context"
	"errors"
	"os"
	"reflect"
	"testing"
)

func TestParseQueue(t *testing.T) {
	out := "11_2|PENDING|JobArrayTaskLimit\n11_1|RUNNING|None\n11_0|CANCELLED|None\n\n12|PENDING|DependencyNeverSatisfied\n"
	want := []JobState{{"11_2", "PENDING", "JobArrayTaskLimit"}, {"11_1", "RUNNING", ""}, {"11_0", "CANCELLED", ""},
		{"12", "PENDING", "DependencyNeverSatisfied"}}
	if got := ParseQueue(out); !reflect.DeepEqual(got, want) {
		t.Errorf("ParseQueue = %v; want %v", got, want)
	}
}

func TestParseAccounting(t *testing.T) {
	out := "11_0|CANCELLED by 0\n11_1|COMPLETED\n11_2|TIMEOUT\n"
	want := []JobState{{"11_0", "CANCELLED", ""}, {"11_1", "COMPLETED", ""}, {"11_2", "TIMEOUT", ""}}
	if got := ParseAccounting(out); !reflect.DeepEqual(got, want) {
		t.Errorf("ParseAccounting = %v; want %v", got, want)
	}
}

func TestPhaseOf(t *testing.T) {
	dir := t.TempDir()
	st := &State{Dir: dir, Shards: 2}
	if err := os.WriteFile(ShardFile(dir, 1, 2), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		i     int
		state string
		want  Phase
	}{
		{1, "CANCELLED", Done}, // the file wins: the task finished writing it
		{0, "", Missing},
		{0, "PENDING", Pending},
		{0, "REQUEUED", Pending},
		{0, "RUNNING", Running},
		{0, "COMPLETED", Failed}, // completed without a shard file
		{0, "CANCELLED", Failed},
		{0, "TIMEOUT", Failed},
		{0, "PREEMPTED", Failed},
		{0, "OUT_OF_MEMORY", Failed},
	}
	for _, tt := range tests {
		if got := phaseOf(st, tt.i, Shard{Index: tt.i, State: tt.state}); got != tt.want {
			t.Errorf("phaseOf(shard %d, %q) = %v; want %v", tt.i, tt.state, got, tt.want)
		}
	}
}

func TestStatusResubmitAndLive(t *testing.T) {
	s := &Status{Shards: []Shard{{0, Done, "5_0", "COMPLETED"}, {1, Failed, "5_1", "TIMEOUT"}, {2, Running, "5_2", "RUNNING"},
		{3, Missing, "", ""}, {4, Pending, "5_4", "PENDING"}}}
	if got, want := s.Resubmit(), []int{1, 3}; !reflect.DeepEqual(got, want) {
		t.Errorf("Resubmit = %v; want %v", got, want)
	}
	if got, want := s.Live(), []string{"5_2", "5_4"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Live = %v; want %v", got, want)
	}
}

func TestLoadRejectsNonRunDirectory(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(dir); !errors.Is(err, ErrNotRun) {
		t.Errorf("Load(empty dir) = %v; want ErrNotRun", err)
	}
	os.WriteFile(dir+"/"+StateFile, []byte(`{"kind": ""}`), 0o644)
	if _, err := Load(dir); !errors.Is(err, ErrNotRun) {
		t.Errorf("Load(dir with an empty state) = %v; want ErrNotRun", err)
	}
}

func TestStateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	st := &State{Kind: "run", Shards: 4, Dir: dir, Command: "c", Version: "devel", ShardCommand: []string{"h", TaskID},
		MergeCommand: []string{"h", "merge"}, Report: dir + "/report.txt",
		Submissions: []Submission{{ArrayJob: "7", Tasks: []int{0, 1, 2, 3}, MergeJob: "8", Dependency: "afterok:7"}}}
	if err := st.Save(); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, st) {
		t.Errorf("Load(Save(st)) = %+v; want %+v", got, st)
	}
	// Nothing submitted: Inspect asks no cluster and counts the shards missing.
	st.Submissions = nil
	s := Inspect(context.Background(), Runner{}, st)
	if s.Count(Missing) != 4 || s.Cluster != "nothing submitted" {
		t.Errorf("Inspect(unsubmitted) = %d missing, %q; want 4, nothing submitted", s.Count(Missing), s.Cluster)
	}
}
