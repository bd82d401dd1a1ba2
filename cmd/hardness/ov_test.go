package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/sat"
)

// TestOVWithCNF runs gen ov and ov --cnf on satisfiable and unsatisfiable
// formulas: the verdict must agree with gini and the assignment verify.
func TestOVWithCNF(t *testing.T) {
	dir := t.TempDir()
	unsat := &sat.Formula{Vars: 4, Clauses: []sat.Clause{{1, 2}, {1, -2}, {-1, 3}, {-1, -3}, {4}}}
	planted, _, err := sat.Planted(sat.GenOptions{Vars: 13, Clauses: 60, K: 3, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		f    *sat.Formula
		want []string
	}{
		"unsat":   {unsat, []string{"result: no orthogonal pair", "gini: UNSAT (agrees)"}},
		"planted": {planted, []string{"result: orthogonal pair", "check: the decoded assignment satisfies all 60 clauses", "gini: SAT (agrees)", "\nassignment: v "}},
	} {
		t.Run(name, func(t *testing.T) {
			cnf, ov := filepath.Join(dir, name+".cnf"), filepath.Join(dir, name+".ov")
			writeCNF(t, cnf, tc.f)
			if code, _, errOut := runCLI(t, nil, "gen", "ov", "--cnf", cnf, "--split", "3", "-o", ov); code != exitOK {
				t.Fatalf("gen ov = %d, %s", code, errOut)
			}
			code, stdout, errOut := runCLI(t, nil, "ov", ov, "--cnf", cnf, "--stats")
			if code != exitOK {
				t.Fatalf("ov --cnf = %d, %s %s", code, stdout, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("ov --cnf output %q; want %q", stdout, w)
				}
			}
		})
	}
}

func TestOVErrors(t *testing.T) {
	dir := t.TempDir()
	cnf := filepath.Join(dir, "f.cnf")
	writeCNF(t, cnf, &sat.Formula{Vars: 2, Clauses: []sat.Clause{{1, 2}}})
	other := filepath.Join(dir, "other.cnf")
	writeCNF(t, other, &sat.Formula{Vars: 2, Clauses: []sat.Clause{{-1, 2}}})
	ov := filepath.Join(dir, "f.ov")
	if code, _, errOut := runCLI(t, nil, "gen", "ov", "--cnf", cnf, "-o", ov); code != exitOK {
		t.Fatal(errOut)
	}
	bad := filepath.Join(dir, "bad.ov")
	writeFile(t, bad, "ov 1 1 2\n10\n1\n")
	wrongSize := filepath.Join(dir, "wrong.ov")
	writeFile(t, wrongSize, "ov 1 2 1\n1\n0\n1\n")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"ov"}, "accepts 1 arg"},
		{[]string{"ov", filepath.Join(dir, "missing.ov")}, "missing.ov"},
		{[]string{"ov", bad}, "bad.ov:3: vector B[0] has 1 coordinates, expected 2"},
		{[]string{"ov", ov, "--cnf", other}, "vectors differ"},
		{[]string{"ov", wrongSize, "--cnf", cnf}, "not the split-and-list instance"},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, nil, tt.args...)
		if code != exitBadInput || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v = %d, %q; want %d and %q", tt.args, code, errOut, exitBadInput, tt.want)
		}
	}
}
