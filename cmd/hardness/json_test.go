package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/hardnesslab/hardness/attention"
	"gonum.org/v1/gonum/mat"
)

// TestJSONSmallestShapes: --json never fails on a finite run, at the
// smallest shapes of every command that has it (issue 13 item 5: at n = 1,
// B/√ln n is +Inf, which JSON cannot encode; it is null). Each algorithm of
// attention, run with an exact and an uncertified algorithm (ErrBound
// +Inf), and solve.
func TestJSONSmallestShapes(t *testing.T) {
	dir := t.TempDir()
	for name, x := range map[string]float64{"Q.npy": 0.5, "K.npy": -0.25, "V.npy": 3} {
		if err := attention.WriteNPY(filepath.Join(dir, name), mat.NewDense(1, 1, []float64{x})); err != nil {
			t.Fatal(err)
		}
	}
	cnf := filepath.Join(dir, "one.cnf")
	if err := os.WriteFile(cnf, []byte("p cnf 1 1\n1 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var cases [][]string
	for _, algo := range attention.Names() {
		cases = append(cases, []string{"attention", "--q", filepath.Join(dir, "Q.npy"), "--k", filepath.Join(dir, "K.npy"),
			"--v", filepath.Join(dir, "V.npy"), "-o", filepath.Join(dir, "T-"+algo+".npy"), "--algo", algo, "--json"})
	}
	for _, algo := range []string{"exact", "performer", "poly"} {
		cases = append(cases, []string{"run", cnf, "--algo", algo, "--json"})
	}
	cases = append(cases, []string{"solve", "--json", cnf})
	for _, args := range cases {
		code, out, errOut := runCLI(t, nil, args...)
		if code != 0 && !(args[0] == "solve" && code == 10) {
			t.Errorf("hardness %v = %d, %q; want success", args, code, errOut)
			continue
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Errorf("hardness %v: stdout is not one JSON object (%v): %q", args, err, out)
		}
		if args[0] == "attention" {
			if r, ok := v["B_over_sqrt_ln_n"]; !ok || r != nil {
				t.Errorf("hardness %v: B_over_sqrt_ln_n = %v; want null at n = 1", args, r)
			}
			if tm, err := attention.ReadNPY(args[8]); err != nil || !(math.Abs(tm.At(0, 0)-3) <= 1e-9) {
				t.Errorf("hardness %v: T = %v, %v; want [[3]] (one key)", args, tm, err)
			}
		}
	}
}
