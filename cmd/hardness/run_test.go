package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/reduction"
)

// writeRunCNF writes a DIMACS file into a temporary directory.
func writeRunCNF(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const (
	smallSat   = "p cnf 4 4\n1 2 0\n-1 3 0\n-2 -3 0\n4 -1 0\n"
	smallUnsat = "p cnf 2 4\n1 2 0\n1 -2 0\n-1 2 0\n-1 -2 0\n"
)

// TestRunDefault runs the embedded default: a planted formula, so SAT with
// a verified assignment, agreeing with gini.
func TestRunDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("the default instance takes about a second of exact attention")
	}
	code, out, errOut := runCLI(t, nil, "run")
	if code != exitOK {
		t.Fatalf("hardness run = %d, stderr %q; want 0", code, errOut)
	}
	for _, want := range []string{"embedded default", "v = 22 variables, m = 94 clauses", "B/√ln n", "trusted",
		"SAT: witness pair", "assignment verified", "gini        SAT", "agreement   yes", "stages"} {
		if !strings.Contains(out, want) {
			t.Errorf("hardness run output lacks %q:\n%s", want, out)
		}
	}
}

func TestRunFiles(t *testing.T) {
	tests := []struct {
		name, cnf string
		args      []string
		code      int
		want      []string
	}{
		{"sat", smallSat, nil, exitOK, []string{"SAT: witness pair", "agreement   yes"}},
		{"unsat", smallUnsat, nil, exitOK, []string{"no row above τ", "UNSAT", "agreement   yes"}},
		{"measured gap", smallUnsat, []string{"--measure-gap"}, exitOK, []string{"measured", "agreement   yes"}},
		{"promised gap", smallSat, []string{"--gap", "0.25"}, exitOK, []string{"promised by --gap", "agreement   yes"}},
		{"split", smallSat, []string{"--split", "1"}, exitOK, []string{"split h = 1", "agreement   yes"}},
		{"poly too small", "p cnf 3 8\n1 2 3 0\n1 2 -3 0\n1 -2 3 0\n1 -2 -3 0\n-1 2 3 0\n-1 2 -3 0\n-1 -2 3 0\n-1 -2 -3 0\n",
			[]string{"--algo", "poly", "--max-rank", "5"}, exitMismatch, []string{"UNTRUSTED", "agreement   NO"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeRunCNF(t, "f.cnf", tt.cnf)
			code, out, errOut := runCLI(t, nil, append([]string{"run", p}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("hardness run %s %v = %d, stderr %q; want %d\n%s", p, tt.args, code, errOut, tt.code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if code == exitMismatch && (!strings.Contains(out, "untrusted") || strings.Contains(errOut, "untrusted")) {
				t.Errorf("stdout lacks or stderr repeats the reason naming the untrusted algorithm:\n%s\nstderr %q", out, errOut)
			}
		})
	}
}

func TestRunBadInput(t *testing.T) {
	bad := writeRunCNF(t, "bad.cnf", "p cnf 2 1\n1 x 0\n")
	good := writeRunCNF(t, "good.cnf", smallSat)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"malformed file", []string{bad}, "bad.cnf:2"},
		{"missing file", []string{filepath.Join(t.TempDir(), "none.cnf")}, "none.cnf"},
		{"gap out of range", []string{good, "--gap", "2"}, "--gap"},
		{"unknown algorithm", []string{good, "--algo", "nope"}, "unknown algorithm"},
		{"memory", []string{good, "--max-memory", "1KiB"}, "memory limit"},
		{"split", []string{good, "--split", "9"}, "split"},
		{"two files", []string{good, good}, "accepts at most 1 arg"},
		{"unknown form", []string{good, "--form", "nosuch"}, "--form"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, nil, append([]string{"run"}, tt.args...)...)
			if code != exitBadInput || !strings.Contains(errOut, tt.want) {
				t.Errorf("hardness run %v = %d, %q; want %d and %q", tt.args, code, errOut, exitBadInput, tt.want)
			}
		})
	}
}

// TestRunTimeout checks that a run cut short exits 1 and says so.
func TestRunTimeout(t *testing.T) {
	p := writeRunCNF(t, "f.cnf", smallSat)
	code, _, errOut := runCLI(t, nil, "run", p, "--timeout", "1ns")
	if code != exitMismatch || !strings.Contains(errOut, "timed out") {
		t.Errorf("hardness run --timeout 1ns = %d, %q; want %d and a timeout", code, errOut, exitMismatch)
	}
}

// TestRunJSONAndSave checks --json and the files of --save: Q, K, V, T in
// NumPy format with the report's shapes, and report.json.
func TestRunJSONAndSave(t *testing.T) {
	p := writeRunCNF(t, "f.cnf", smallSat)
	dir := filepath.Join(t.TempDir(), "out")
	code, out, errOut := runCLI(t, nil, "run", p, "--json", "--save", dir)
	if code != exitOK {
		t.Fatalf("hardness run --json --save = %d, %q", code, errOut)
	}
	var r reduction.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\n%s", err, out)
	}
	if r.Verdict != reduction.Sat || !r.Agree || r.Stages[0].Name != "read" {
		t.Errorf("JSON report: verdict %v, agree %v, stages %v; want SAT, agreement, read first", r.Verdict, r.Agree, r.Stages)
	}
	shapes := map[string][2]int{"Q": {r.Params.N, r.Params.D}, "K": {r.Params.Keys, r.Params.D},
		"V": {r.Params.Keys, 1}, "T": {r.Params.N, 1}}
	for name, want := range shapes {
		m, err := attention.ReadNPY(filepath.Join(dir, name+".npy"))
		if err != nil {
			t.Fatalf("%s.npy: %v", name, err)
		}
		if r, c := m.Dims(); r != want[0] || c != want[1] {
			t.Errorf("%s.npy is %d×%d; want %d×%d", name, r, c, want[0], want[1])
		}
		if name == "Q" && m.At(0, 0) != 0 && m.At(0, 0) != r.Params.Scale {
			t.Errorf("Q[0][0] = %v; want 0 or β = %v", m.At(0, 0), r.Params.Scale)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var saved reduction.Report
	if err := json.Unmarshal(b, &saved); err != nil || saved.Verdict != reduction.Sat {
		t.Errorf("report.json: %v, verdict %v", err, saved.Verdict)
	}
}

// TestRunFormPaperJSON runs --form paper with --json: the report carries
// the property table, and the paper's properties hold on the instance
// saved (logits in [0, B'] from Q.npy and K.npy).
func TestRunFormPaperJSON(t *testing.T) {
	p := writeRunCNF(t, "f.cnf", smallSat)
	dir := filepath.Join(t.TempDir(), "out")
	code, out, errOut := runCLI(t, nil, "run", p, "--json", "--form", "paper", "--save", dir)
	if code != exitOK {
		t.Fatalf("hardness run --form paper --json = %d, %q", code, errOut)
	}
	var r reduction.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\n%s", err, out)
	}
	if r.Params.Form != reduction.FormPaper || len(r.Properties) != 5 {
		t.Fatalf("form %q, properties %+v", r.Params.Form, r.Properties)
	}
	for _, pr := range r.Properties[:3] {
		if pr.Status != reduction.Holds {
			t.Errorf("property %q: %s (%s)", pr.Name, pr.Status, pr.Value)
		}
	}
	q, err := attention.ReadNPY(filepath.Join(dir, "Q.npy"))
	if err != nil {
		t.Fatal(err)
	}
	k, err := attention.ReadNPY(filepath.Join(dir, "K.npy"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := attention.ReadNPY(filepath.Join(dir, "V.npy"))
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range reduction.CheckProperties(q, k, v, r.Params)[:3] {
		if pr.Status != reduction.Holds {
			t.Errorf("on the saved Q, K, V: property %q: %s (%s)", pr.Name, pr.Status, pr.Value)
		}
	}
}
