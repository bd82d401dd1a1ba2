package main

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/attention"
)

// TestAttentionFloat32 runs attention --dtype float32 on float64 inputs and
// on the float32 files it writes itself: T is float32, the JSON report has
// the dtype and a bound, and T agrees with float64 attention within it.
func TestAttentionFloat32(t *testing.T) {
	dir := genQKV(t, "--n", "70", "--d", "16", "--dv", "3", "--B", "1.5", "--seed", "3")
	p := func(n string) string { return filepath.Join(dir, n) }
	code, _, errOut := runCLI(t, nil, "attention", "--q", p("Q.npy"), "--k", p("K.npy"), "--v", p("V.npy"), "-o", p("T64.npy"))
	if code != 0 {
		t.Fatalf("attention float64 = %d: %s", code, errOut)
	}
	code, out, errOut := runCLI(t, nil, "attention", "--q", p("Q.npy"), "--k", p("K.npy"), "--v", p("V.npy"), "-o", p("T32.npy"), "--dtype", "float32", "--json")
	if code != 0 {
		t.Fatalf("attention --dtype float32 = %d: %s", code, errOut)
	}
	var rep attentionReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Dtype != "float32" || rep.ErrBound == nil || !(*rep.ErrBound < 1e-3) || !strings.Contains(errOut, "rounded to float32") {
		t.Fatalf("report dtype %q, bound %v, stderr %q; want float32, a small bound and the rounding note", rep.Dtype, rep.ErrBound, errOut)
	}
	t64, err := attention.ReadNPY(p("T64.npy"))
	if err != nil {
		t.Fatal(err)
	}
	t32, rounded, err := attention.ReadNPY32(p("T32.npy"))
	if err != nil || rounded {
		t.Fatalf("T32.npy: rounded %v, %v; want a float32 file", rounded, err)
	}
	for i, x := range t32.Data {
		if d := math.Abs(float64(x) - t64.RawMatrix().Data[i]); d > *rep.ErrBound {
			t.Fatalf("T32[%d] off by %.3g > bound %.3g", i, d, *rep.ErrBound)
		}
	}
	// float32 inputs are used as they are: no rounding note.
	code, _, errOut = runCLI(t, nil, "attention", "--q", p("T32.npy"), "--k", p("T32.npy"), "--v", p("T32.npy"), "-o", p("U.npy"), "--dtype", "float32")
	if code != 0 || strings.Contains(errOut, "rounded to float32") {
		t.Errorf("attention on float32 files = %d, %q; want 0 and no rounding note", code, errOut)
	}
	for _, args := range [][]string{{"--dtype", "float16"}, {"--dtype", "float32", "--algo", "poly"}} {
		code, _, errOut = runCLI(t, nil, append([]string{"attention", "--q", p("Q.npy"), "--k", p("K.npy"), "--v", p("V.npy"), "-o", p("X.npy")}, args...)...)
		if code != 2 || !strings.Contains(errOut, "dtype") {
			t.Errorf("attention %v = %d, %q; want 2 and an error about --dtype", args, code, errOut)
		}
	}
}
