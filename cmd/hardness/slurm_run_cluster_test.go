package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reportFields are the fields of a run's JSON report that must be equal,
// byte for byte, between a sharded run merged through Slurm and a run on
// one machine: everything but timings, memory and the source name.
var reportFields = []string{"route", "formula", "ov", "gap", "params", "decision", "witness", "verdict", "agree", "reason"}

// runReport runs 'hardness run ARGS --json' in-process.
func runReport(t *testing.T, args ...string) map[string]json.RawMessage {
	t.Helper()
	code, out, errOut := runCLI(t, nil, append(append([]string{"run"}, args...), "--json")...)
	if code != 0 {
		t.Fatalf("hardness run %s = %d: %s", strings.Join(args, " "), code, errOut)
	}
	return decodeReport(t, "run "+strings.Join(args, " "), []byte(out))
}

func decodeReport(t *testing.T, what string, b []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: not a JSON report: %v\n%s", what, err, b)
	}
	return m
}

// sameReport compares the reportFields of two reports, and the check's
// verdict.
func sameReport(t *testing.T, got, want map[string]json.RawMessage) {
	t.Helper()
	for _, f := range reportFields {
		if !bytes.Equal(compact(got[f]), compact(want[f])) {
			t.Errorf("merged report %s = %s; want the unsharded run's %s", f, got[f], want[f])
		}
	}
	var gc, wc struct{ Verdict json.RawMessage }
	json.Unmarshal(got["check"], &gc)
	json.Unmarshal(want["check"], &wc)
	if !bytes.Equal(gc.Verdict, wc.Verdict) {
		t.Errorf("merged check verdict %s; want %s", gc.Verdict, wc.Verdict)
	}
}

func compact(b json.RawMessage) []byte {
	var out bytes.Buffer
	if len(b) == 0 || json.Compact(&out, b) != nil {
		return b
	}
	return out.Bytes()
}

// requireShardedRun skips until 'hardness run' has --shards (issue 11).
func requireShardedRun(t *testing.T) {
	t.Helper()
	if newRunCmd().Flags().Lookup("shards") == nil {
		t.Skip("hardness run has no --shards yet")
	}
}

// gen runs 'hardness gen ARGS -o FILE' in-process and returns FILE.
func gen(t *testing.T, name string, args ...string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if code, _, errOut := runCLI(t, nil, append(append([]string{"gen"}, args...), "-o", file)...); code != 0 {
		t.Fatalf("hardness gen %s = %d: %s", strings.Join(args, " "), code, errOut)
	}
	return file
}

// TestSlurmRunMatchesUnsharded: a SAT and an UNSAT formula (v = 24) and a
// planted Gap-OV instance, each in K = 4 shards through the real cluster:
// the merged report equals the unsharded one (verdict, decision with max
// T, witness, bit for bit).
func TestSlurmRunMatchesUnsharded(t *testing.T) {
	requireSlurm(t)
	requireShardedRun(t)
	exe := hardnessBinary(t)
	tests := []struct {
		name, verdict string
		input         []string // gen arguments
		flags         []string // run flags
	}{
		{"SAT", `"SAT"`, []string{"cnf", "--vars", "24", "--ratio", "4.26", "--planted", "--seed", "3"}, nil},
		{"UNSAT", `"UNSAT"`, []string{"cnf", "--vars", "24", "--ratio", "7", "--seed", "1"}, nil},
		{"GapOV", `"SAT"`, []string{"ov", "--planted", "--n", "1024", "--dim", "64", "--gap", "0.2", "--yes", "--seed", "5"}, []string{"--ov", "--measure-gap"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := gen(t, tt.name, tt.input...)
			want := runReport(t, append([]string{file}, tt.flags...)...)
			if string(want["verdict"]) != tt.verdict {
				t.Fatalf("unsharded verdict %s; want %s (pick another seed)", want["verdict"], tt.verdict)
			}
			dir := filepath.Join(t.TempDir(), "run")
			args := append([]string{"slurm", "run", file, "--shards", "4", "--out", dir, "--hardness", exe, "--time", "10", "--json"}, tt.flags...)
			st := submit(t, args...)
			if state := waitMerged(t, dir); state != "COMPLETED" {
				t.Fatalf("merge job %s; want COMPLETED (see %s/logs)", state, dir)
			}
			b, err := os.ReadFile(st.Report)
			if err != nil {
				t.Fatal(err)
			}
			sameReport(t, decodeReport(t, st.Report, b), want)
		})
	}
}

// TestSlurmRunTimeLimitAndResume: a task killed at its --time limit leaves
// no shard, the merge never runs, status names the shard (TIMEOUT), and
// resume gives the unsharded report.
func TestSlurmRunTimeLimitAndResume(t *testing.T) {
	requireSlurm(t)
	requireShardedRun(t)
	exe := hardnessBinary(t)
	file := gen(t, "f.cnf", "cnf", "--vars", "22", "--ratio", "4.26", "--planted", "--seed", "4")
	want := runReport(t, file)
	dir := filepath.Join(t.TempDir(), "run")
	release := filepath.Join(t.TempDir(), "release")
	faultThenResume(t, dir, release, "TIMEOUT", func(string) {}, // Slurm kills it after a minute
		"slurm", "run", file, "--shards", "4", "--out", dir, "--time", "1", "--json",
		"--hardness", stallingHardness(t, exe, 2, release))
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	sameReport(t, decodeReport(t, "report.json", b), want)
}
