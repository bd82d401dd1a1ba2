package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/attention"
	"gonum.org/v1/gonum/mat"
)

// TestAttentionOverflowCLI: issue 13 item 1 through the command. Finite
// inputs give a finite T.npy within the printed bound, or exit 2 naming the
// cause; never a file with Inf or NaN.
func TestAttentionOverflowCLI(t *testing.T) {
	write := func(dir string, q, k, v *mat.Dense) []string {
		for name, m := range map[string]*mat.Dense{"Q.npy": q, "K.npy": k, "V.npy": v} {
			if err := attention.WriteNPY(filepath.Join(dir, name), m); err != nil {
				t.Fatal(err)
			}
		}
		return []string{"attention", "--q", filepath.Join(dir, "Q.npy"), "--k", filepath.Join(dir, "K.npy"),
			"--v", filepath.Join(dir, "V.npy"), "-o", filepath.Join(dir, "T.npy")}
	}
	// The case: poly printed a bound of 1.41e30 and wrote [+Inf, +Inf].
	dir := t.TempDir()
	args := write(dir, mat.NewDense(2, 1, []float64{1e-30, 5e-31}), mat.NewDense(3, 1, []float64{1e30, 2e30, 1.5e30}),
		mat.NewDense(3, 1, []float64{1e36, 1e36, 0}))
	want := attention.Naive(mat.NewDense(2, 1, []float64{1e-30, 5e-31}), mat.NewDense(3, 1, []float64{1e30, 2e30, 1.5e30}),
		mat.NewDense(3, 1, []float64{1e36, 1e36, 0})).T
	for _, algo := range []string{"exact", "naive", "poly", "performer"} {
		code, _, errOut := runCLI(t, nil, append(args, "--algo", algo)...)
		if algo == "performer" && code == exitBadInput && strings.Contains(errOut, "underflowed") {
			continue // its features exp(W·k − ‖k‖²/2) underflow at ‖k‖ = 2e30: a refusal naming the cause
		}
		if code != 0 {
			t.Errorf("%s on the issue's case: exit %d, %q; want a finite answer", algo, code, errOut)
			continue
		}
		got, err := attention.ReadNPY(filepath.Join(dir, "T.npy"))
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			if x := got.At(i, 0); math.IsInf(x, 0) || math.IsNaN(x) || (algo != "performer" && !(math.Abs(x-want.At(i, 0)) <= 1e-5*1e36)) {
				t.Errorf("%s: T[%d] = %g; want ≈ %g", algo, i, x, want.At(i, 0))
			}
		}
	}
	// Logits beyond float64: every algorithm refuses with exit 2 and says why.
	dir = t.TempDir()
	args = write(dir, mat.NewDense(1, 2, []float64{1e200, 1}), mat.NewDense(2, 2, []float64{1e200, 0, -1e200, 0}),
		mat.NewDense(2, 1, []float64{1, 2}))
	for _, algo := range []string{"exact", "naive", "poly", "performer"} {
		code, _, errOut := runCLI(t, nil, append(args, "--algo", algo)...)
		if code != exitBadInput || !strings.Contains(errOut, "overflow") && !strings.Contains(errOut, "exceeds") {
			t.Errorf("%s on logits of 1e400: exit %d, %q; want exit %d naming the overflow", algo, code, errOut, exitBadInput)
		}
	}
}
