package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPrintedSentencesAtTheEdges runs commands on the smallest inputs and
// checks that what they print is true of them: exact attention's error
// is not called certified, one pair is "1 pair", and a search that found
// a pair does not report 0 pairs tested.
func TestPrintedSentencesAtTheEdges(t *testing.T) {
	dir := t.TempDir()
	ov := filepath.Join(dir, "n1.ov")
	if err := os.WriteFile(ov, []byte("ov 1 1 3\n101\n010\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cnf := filepath.Join(dir, "one.cnf")
	if err := os.WriteFile(cnf, []byte("p cnf 1 1\n1 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	qkv := genQKV(t, "--n", "1", "--d", "1", "--B", "1", "--seed", "1")
	tests := []struct {
		args      []string
		code      int
		want, not []string
	}{
		{[]string{"ov", ov}, 0, []string{"(1 pair)", "(1 pair tested in"}, []string{"0 pairs tested", "1 pairs"}},
		{[]string{"attention", "--q", filepath.Join(qkv, "Q.npy"), "--k", filepath.Join(qkv, "K.npy"), "--v", filepath.Join(qkv, "V.npy"), "-o", filepath.Join(dir, "T.npy")},
			0, []string{"error bound 0 in exact arithmetic, float64 rounding ≤ ", " (proved)"}, []string{"error bound 0,", "not bounded"}},
		{[]string{"gen", "ov", "--cnf", cnf, "-o", filepath.Join(dir, "one.ov")}, 0, []string{"v = 1 variable, m = 1 clause", "2^0 assignments of no variables, B: 2^1 of x1;"}, []string{"x1..x0", "1 variables"}},
		{[]string{"solve", cnf}, 10, []string{"c 1 variable, 1 clause, 1 literal"}, []string{"1 variables", "1 clauses"}},
		{[]string{"gen", "cnf", "--vars", "1", "--clauses", "1", "--k", "1", "-o", filepath.Join(dir, "g.cnf")}, 0, []string{": 1 variable, 1 clause"}, []string{"1 variables"}},
		{[]string{"gen", "suite", "--routes", "ov", "--n", "16", "--c", "auto", "--count", "1", "--seed", "1", "-o", filepath.Join(dir, "s")}, 0, []string{": 1 instance ("}, []string{"1 instances"}},
	}
	for _, tt := range tests {
		t.Run(tt.args[0], func(t *testing.T) {
			code, out, errOut := runCLI(t, nil, tt.args...)
			if code != tt.code {
				t.Fatalf("%v = %d: %s", tt.args, code, errOut)
			}
			all := out + errOut
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("%v lacks %q:\n%s", tt.args, w, all)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(all, w) {
					t.Errorf("%v says %q:\n%s", tt.args, w, all)
				}
			}
		})
	}
}
