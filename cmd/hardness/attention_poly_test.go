package main

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/attention"
)

// runAttentionJSON runs hardness attention with --json on the Q, K, V in dir
// and returns the report and the output matrix's max deviation from the
// exact reference.
func runAttentionJSON(t *testing.T, dir string, args ...string) (rep attentionReport, dev float64) {
	t.Helper()
	out := filepath.Join(dir, "T.npy")
	base := []string{"attention", "--json", "--q", filepath.Join(dir, "Q.npy"), "--k", filepath.Join(dir, "K.npy"),
		"--v", filepath.Join(dir, "V.npy"), "-o", out}
	code, stdout, stderr := runCLI(t, nil, append(base, args...)...)
	if code != 0 {
		t.Fatalf("attention %v = %d, %q; want 0", args, code, stderr)
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("attention %v --json: %v in %q", args, err, stdout)
	}
	q, k, v, err := attention.ReadQKV(filepath.Join(dir, "Q.npy"), filepath.Join(dir, "K.npy"), filepath.Join(dir, "V.npy"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := attention.ReadNPY(out)
	if err != nil {
		t.Fatal(err)
	}
	want := attention.Naive(q, k, v).T
	n, m := got.Dims()
	for i := range n {
		for j := range m {
			dev = math.Max(dev, math.Abs(got.At(i, j)-want.At(i, j)))
		}
	}
	return rep, dev
}

// TestAttentionPolyAndPerformer: --algo poly reports its degree, rank and a
// certified bound that holds; a too-small degree is flagged (null bound and
// a warning); --algo performer reports no bound.
func TestAttentionPolyAndPerformer(t *testing.T) {
	dir := genQKV(t, "--n", "80", "--d", "4", "--B", "1", "--dv", "2", "--seed", "3")
	rep, dev := runAttentionJSON(t, dir, "--algo", "poly", "--eps", "1e-6")
	notes := strings.Join(rep.Notes, "\n")
	if rep.ErrBound == nil || dev > *rep.ErrBound+1e-13 || !strings.Contains(notes, "degree g =") {
		t.Errorf("poly: err_bound %v, deviation %g, notes %q; want a bound that holds and the degree", rep.ErrBound, dev, notes)
	}
	big := genQKV(t, "--n", "40", "--d", "4", "--B", "3", "--seed", "3")
	rep, _ = runAttentionJSON(t, big, "--algo", "poly", "--degree", "1")
	if rep.ErrBound != nil || !strings.Contains(strings.Join(rep.Notes, "\n"), "vacuous") {
		t.Errorf("poly --degree 1 at B = 3: err_bound %v, notes %q; want null and a vacuous warning", rep.ErrBound, rep.Notes)
	}
	rep, dev = runAttentionJSON(t, dir, "--algo", "performer", "--features", "512", "--seed", "2")
	if rep.ErrBound != nil || dev > 0.2 {
		t.Errorf("performer: err_bound %v, deviation %g; want null and a rough estimate", rep.ErrBound, dev)
	}
}
