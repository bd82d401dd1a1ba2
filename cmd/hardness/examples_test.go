package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets the test binary stand in for the hardness command when the
// Python examples call it (HARDNESS_TEST_AS_CLI=1), so they run against
// this build without a separate go build.
func TestMain(m *testing.M) {
	if os.Getenv("HARDNESS_TEST_AS_CLI") == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	code := m.Run()
	removeBuiltBinary()
	os.Exit(code)
}

const python = "/usr/bin/python3"

// needNumPy skips the test, saying why, unless /usr/bin/python3 with NumPy
// is installed (CI installs python3-numpy in .ci/run).
func needNumPy(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(python); err != nil {
		t.Skipf("%s not found: install python3 and python3-numpy to run the Python examples", python)
	}
	if out, err := exec.Command(python, "-c", "import numpy").CombinedOutput(); err != nil {
		t.Skipf("%s has no NumPy (%v: %s): install python3-numpy", python, err, strings.TrimSpace(string(out)))
	}
}

func hasTorch() bool { return exec.Command(python, "-c", "import torch").Run() == nil }

// runExample runs examples/score_suite.py with the test binary as hardness
// and returns its exit status and combined output.
func runExample(t *testing.T, args ...string) (int, string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, append([]string{filepath.Join("..", "..", "examples", "score_suite.py")}, append(args, "--hardness", self)...)...)
	cmd.Env = append(os.Environ(), "HARDNESS_TEST_AS_CLI=1")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), string(out)
	case err != nil:
		t.Fatalf("running the example: %v", err)
	}
	return 0, string(out)
}

// TestPythonExample runs the NumPy example on a small suite: exact
// softmax attention must score every verdict right (exit 0); the random-
// feature method must run and be scored (exit 0 or 1, never bad input);
// with PyTorch installed, the torch backend too.
func TestPythonExample(t *testing.T) {
	needNumPy(t)
	for _, conv := range [][]string{
		{"--routes", "ov,ann", "--eps", "1"},
		{"--disguise", "--dtype", "float32", "--layout", "bhnd", "--logit-scale", "sqrt-d"},
	} {
		t.Run(strings.Join(conv, " "), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "suite")
			args := append([]string{"gen", "suite", "--n", "64", "--gap", "0.15", "--c", "auto", "--count", "2", "--seed", "8", "-o", dir}, conv...)
			if code, _, errOut := runCLI(t, nil, args...); code != exitOK {
				t.Fatalf("gen suite = %d: %s", code, errOut)
			}
			code, out := runExample(t, dir, filepath.Join(t.TempDir(), "exact"), "--method", "exact")
			if code != exitOK || !strings.Contains(out, "exact: ") || !strings.Contains(out, "verdicts right") {
				t.Errorf("exact example = %d:\n%s", code, out)
			}
			code, out = runExample(t, dir, filepath.Join(t.TempDir(), "rf"), "--method", "rf", "--features", "64", "--seed", "3")
			if (code != exitOK && code != exitMismatch) || !strings.Contains(out, "| rf-64 |") {
				t.Errorf("rf example = %d, want 0 or 1 and a table:\n%s", code, out)
			}
			if hasTorch() {
				code, out = runExample(t, dir, filepath.Join(t.TempDir(), "torch"), "--method", "exact", "--backend", "torch")
				if code != exitOK || !strings.Contains(out, "exact-torch") {
					t.Errorf("torch example = %d:\n%s", code, out)
				}
			}
		})
	}
}

// sdpaCheck is PyTorch's default scaled_dot_product_attention formula
// (attn = softmax(q @ k.T * (1/sqrt(d))) @ v, as in its documentation's
// reference implementation) written in NumPy; it prints, per instance, the
// largest |T − answer_T| on the decisive column and the key's rounding bound.
const sdpaCheck = `
import json, math, os, sys
import numpy as np
suite = sys.argv[1]
for line in open(os.path.join(suite, "manifest.jsonl")):
    e = json.loads(line)
    d = os.path.join(suite, e["id"])
    q, k, v = (np.load(os.path.join(d, n + ".npy")) for n in "QKV")
    scale = 1 / math.sqrt(q.shape[-1])
    s = q @ k.T * scale
    s -= s.max(axis=1, keepdims=True)
    p = np.exp(s)
    p /= p.sum(axis=1, keepdims=True)
    t = (p @ v)[:, e["decisive_column"]]
    want = np.load(os.path.join(d, "answer_T.npy"))[:, 0]
    print(e["id"], np.abs(t - want).max(), e["rounding_bound"])
`

// TestLogitScaleSqrtDMatchesSDPA: with --logit-scale sqrt-d the default
// SDPA formula reproduces the instance's exact T to the float64 rounding:
// within the key's rounding bound plus 1e-13 for NumPy's own arithmetic.
func TestLogitScaleSqrtDMatchesSDPA(t *testing.T) {
	needNumPy(t)
	dir := filepath.Join(t.TempDir(), "suite")
	if code, _, errOut := runCLI(t, nil, "gen", "suite", "--routes", "ov,ann", "--n", "64", "--gap", "0.15", "--eps", "1",
		"--c", "auto", "--count", "2", "--logit-scale", "sqrt-d", "--disguise", "-o", dir); code != exitOK {
		t.Fatalf("gen suite = %d: %s", code, errOut)
	}
	out, err := exec.Command(python, "-c", sdpaCheck, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 4:\n%s", len(lines), out)
	}
	for _, l := range lines {
		var id string
		var diff, bound float64
		if _, err := fmt.Sscan(l, &id, &diff, &bound); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		if diff > bound+1e-13 {
			t.Errorf("%s: SDPA formula differs from the key's T by %.3g, above the rounding bound %.3g + 1e-13", id, diff, bound)
		}
	}
}
