package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/score"
	"github.com/hardnesslab/hardness/suite"
	"gonum.org/v1/gonum/mat"
)

// smallSuite writes a small suite with the CLI and returns its directory
// and manifest.
func smallSuite(t *testing.T, extra ...string) (string, []suite.Entry) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "suite")
	args := append([]string{"gen", "suite", "--routes", "ov", "--n", "32", "--gap", "0.15", "--c", "auto,4", "--count", "2", "--seed", "3", "-o", dir}, extra...)
	if code, _, errOut := runCLI(t, nil, args...); code != exitOK {
		t.Fatalf("gen suite = %d: %s", code, errOut)
	}
	es, err := suite.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, es
}

func readDense(t *testing.T, path string) *mat.Dense {
	t.Helper()
	a, err := suite.ReadNPY(path)
	if err != nil {
		t.Fatal(err)
	}
	s := a.Shape
	return mat.NewDense(s[len(s)-2], s[len(s)-1], a.Data)
}

func writeArray(t *testing.T, path string, a *suite.Array) {
	t.Helper()
	var b bytes.Buffer
	if err := suite.EncodeNPY(&b, a); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// exactOutputs writes exact attention (attention.Naive, logits /d) of every
// instance into a new directory.
func exactOutputs(t *testing.T, dir string, es []suite.Entry) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "exact")
	os.MkdirAll(out, 0o755)
	for _, e := range es {
		d := filepath.Join(dir, e.ID)
		res := attention.Naive(readDense(t, filepath.Join(d, "Q.npy")), readDense(t, filepath.Join(d, "K.npy")), readDense(t, filepath.Join(d, "V.npy")))
		r, c := res.T.Dims()
		writeArray(t, filepath.Join(out, e.ID+".npy"), &suite.Array{Shape: []int{r, c}, DType: "float64", Data: res.T.RawMatrix().Data})
	}
	return out
}

func TestScoreExactAllRight(t *testing.T) {
	dir, es := smallSuite(t)
	out := exactOutputs(t, dir, es)
	rep := filepath.Join(t.TempDir(), "rep")
	code, stdout, errOut := runCLI(t, nil, "score", "--suite", dir, "--outputs", "exact="+out, "--report", rep)
	if code != exitOK || !strings.Contains(stdout, "| exact | ov-n32-g0.15-c4 | 32 |") || !strings.Contains(errOut, "4 of 4 verdicts right") {
		t.Fatalf("score = %d, %s, %s; want 0 and the table", code, stdout, errOut)
	}
	for _, f := range []string{"scores.md", "cells.csv", "instances.csv", "scores.json", "accuracy_vs_c.png", "accuracy_vs_c.svg", "margin_vs_c.png", "margin_vs_c.svg"} {
		if st, err := os.Stat(filepath.Join(rep, f)); err != nil || st.Size() == 0 {
			t.Errorf("report file %s: %v", f, err)
		}
	}
	// One instance through --instance.
	code, stdout, _ = runCLI(t, nil, "score", "--instance", filepath.Join(dir, es[0].ID), filepath.Join(out, es[0].ID+".npy"), "--json")
	if code != exitOK || !strings.Contains(stdout, `"right": true`) {
		t.Errorf("score --instance = %d, %s", code, stdout)
	}
}

// TestScoreWrongIsExit1 replaces one output by its complement-like
// distortion (every row set to τ ± 2·tolerance on the wrong side).
func TestScoreWrongIsExit1(t *testing.T) {
	dir, es := smallSuite(t)
	out := exactOutputs(t, dir, es)
	e := es[0]
	val := e.Tau + 2*e.Tolerance // says YES
	if e.Yes() {
		val = e.Tau - 2*e.Tolerance // says NO
	}
	data := make([]float64, e.NQueries*e.DV)
	for i := range data {
		data[i] = val
	}
	writeArray(t, filepath.Join(out, e.ID+".npy"), &suite.Array{Shape: []int{e.NQueries, e.DV}, DType: "float64", Data: data})
	code, stdout, errOut := runCLI(t, nil, "score", "--suite", dir, "--outputs", out, "--json")
	if code != exitMismatch || !strings.Contains(errOut, "3 of 4 verdicts right") || !strings.Contains(stdout, `"margin": -2`) {
		t.Errorf("score with one wrong output = %d, %s; want 1, 3 of 4 right and margin −2", code, errOut)
	}
	// A method that failed on an instance says so in OUT/<id>.json: wrong, not bad input.
	os.Remove(filepath.Join(out, es[1].ID+".npy"))
	os.WriteFile(filepath.Join(out, es[1].ID+".json"), []byte(`{"error": "poly: a row normaliser is not positive"}`), 0o644)
	code, stdout, errOut = runCLI(t, nil, "score", "--suite", dir, "--outputs", out)
	if code != exitMismatch || !strings.Contains(errOut, "2 of 4 verdicts right") || !strings.Contains(stdout, "| 0/2 | 1 | -2 |") {
		t.Errorf("score with a failed instance = %d, %s, %s; want 1, 2 of 4 right, one failure in the table", code, stdout, errOut)
	}
}

// TestScoreBadInput: every kind of bad input exits 2 naming the instance
// (or the missing file) and the problem.
func TestScoreBadInput(t *testing.T) {
	dir, es := smallSuite(t, "--disguise", "--layout", "bhnd")
	e := es[1]
	shape := func(s ...int) []int { return s }
	for _, tt := range []struct {
		name  string
		setup func(t *testing.T, out string)
		want  []string
	}{
		{"missing output", func(t *testing.T, out string) { os.Remove(filepath.Join(out, e.ID+".npy")) },
			[]string{"1 of 4 outputs missing", e.ID}},
		{"transposed", func(t *testing.T, out string) {
			writeArray(t, filepath.Join(out, e.ID+".npy"), &suite.Array{Shape: shape(e.DV, e.NQueries), DType: "float64", Data: make([]float64, e.NQueries*e.DV)})
		}, []string{e.ID, "shape (4, 32)", "want (32, 4)"}},
		{"rank 3 layout", func(t *testing.T, out string) {
			writeArray(t, filepath.Join(out, e.ID+".npy"), &suite.Array{Shape: shape(1, e.NQueries, e.DV), DType: "float64", Data: make([]float64, e.NQueries*e.DV)})
		}, []string{e.ID, "shape (1, 32, 4)", "(1, 1, 32, 4) (layout bhnd)"}},
		{"int dtype", func(t *testing.T, out string) {
			p := filepath.Join(out, e.ID+".npy")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, bytes.Replace(b, []byte("'<f8'"), []byte("'<i8'"), 1), 0o644)
		}, []string{e.ID, "dtype <i8", "want float64"}},
		{"NaN", func(t *testing.T, out string) {
			data := make([]float64, e.NQueries*e.DV)
			data[5*e.DV+1] = 0 / zero()
			writeArray(t, filepath.Join(out, e.ID+".npy"), &suite.Array{Shape: shape(1, 1, e.NQueries, e.DV), DType: "float32", Data: data})
		}, []string{e.ID, "entry [0 0 5 1] is NaN"}},
		{"missing key", func(t *testing.T, out string) { os.Remove(filepath.Join(dir, e.ID, "answer_T.npy")) },
			[]string{e.ID, "answer_T.npy"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := exactOutputs(t, dir, es)
			tt.setup(t, out)
			code, _, errOut := runCLI(t, nil, "score", "--suite", dir, "--outputs", out)
			if code != exitBadInput {
				t.Errorf("score = %d, want %d (%s)", code, exitBadInput, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q does not contain %q", errOut, w)
				}
			}
		})
	}
	code, _, errOut := runCLI(t, nil, "score", "--suite", t.TempDir(), "--outputs", t.TempDir())
	if code != exitBadInput || !strings.Contains(errOut, "manifest.jsonl") {
		t.Errorf("score on an empty directory = %d, %s; want 2 naming manifest.jsonl", code, errOut)
	}
}

func zero() float64 { return 0 }

func TestGenSuiteBadFlags(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--routes", "ov,xyz"}, `unknown route "xyz"`},
		{[]string{"--n", "33"}, "--n 33"},
		{[]string{"--routes", "cnf", "--n", "48"}, "power of two"},
		{[]string{"--logit-scale", "sqrt"}, "--logit-scale"},
		{[]string{"--dtype", "float16"}, "--dtype"},
		{[]string{"--c", "1"}, "not decisive"},
		{[]string{"--gap", "0.7"}, "--gap 0.7"},
	} {
		args := append([]string{"gen", "suite", "--n", "32", "--count", "1", "-o", out}, tt.args...)
		code, _, errOut := runCLI(t, nil, args...)
		if code != exitBadInput || !strings.Contains(errOut, tt.want) {
			t.Errorf("gen suite %v = %d, %q; want 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
}

// TestScoreDamagedKey: an answer key (instance.json) or manifest that no
// suite writes exits 2 naming the file and the field; before the audit a
// decisive column outside T̃, YES rows out of range or missing panicked,
// a tolerance ≤ 0 gave infinite or sign-flipped margins, an id differing
// from the manifest's looked for outputs under another name.
func TestScoreDamagedKey(t *testing.T) {
	dir, es := smallSuite(t)
	out := exactOutputs(t, dir, es)
	yes := es[0]
	for _, e := range es {
		if e.Yes() {
			yes = e
		}
	}
	for _, tt := range []struct {
		field string
		value any
		want  string
	}{
		{"decisive_column", 5, "decisive_column 5: want a column of T in [0, d_v = 1)"},
		{"decisive_column", -1, "decisive_column -1"},
		{"yes_rows", []int{}, "expected YES with 0 yes_rows"},
		{"yes_rows", []int{1 << 30}, "yes_rows[0] = 1073741824: want increasing rows of T in [0, n_queries = 32)"},
		{"yes_rows", []int{3, 3}, "yes_rows[1] = 3"},
		{"tolerance", 0, "tolerance 0: want a finite number > 0"},
		{"tolerance", -1, "tolerance -1"},
		{"n_queries", -5, "n_queries -5"},
		{"expected", "MAYBE", `expected "MAYBE": want YES or NO for route ov`},
		{"route", "xyz", `route "xyz": want cnf, ov or ann`},
		{"id", "zzz", `has id "zzz", but manifest.jsonl lists it as "` + yes.ID + `"`},
	} {
		p := filepath.Join(dir, yes.ID, "instance.json")
		orig, _ := os.ReadFile(p)
		var k map[string]any
		json.Unmarshal(orig, &k)
		k[tt.field] = tt.value
		b, _ := json.Marshal(k)
		os.WriteFile(p, b, 0o644)
		code, _, errOut := runCLI(t, nil, "score", "--suite", dir, "--outputs", out)
		if code != exitBadInput || !strings.Contains(errOut, tt.want) || !strings.Contains(errOut, p) || strings.Contains(errOut, "panic") {
			t.Errorf("score with instance.json %s = %v: exit %d, %q; want exit 2 naming %s and %q", tt.field, tt.value, code, errOut, p, tt.want)
		}
		os.WriteFile(p, orig, 0o644)
	}
	for _, tt := range []struct {
		manifest, want string
	}{
		{`{"id":"../` + filepath.Base(dir) + `/` + yes.ID + `"}`, "manifest.jsonl:1: id \"../"},
		{strings.Repeat(manifestLine(t, yes)+"\n", 2), "manifest.jsonl:2: id \"" + yes.ID + "\" is also on line 1"},
	} {
		mdir := t.TempDir()
		os.WriteFile(filepath.Join(mdir, "manifest.jsonl"), []byte(tt.manifest), 0o644)
		code, _, errOut := runCLI(t, nil, "score", "--suite", mdir, "--outputs", out)
		if code != exitBadInput || !strings.Contains(errOut, tt.want) {
			t.Errorf("score with manifest %q = exit %d, %q; want exit 2 and %q", tt.manifest, code, errOut, tt.want)
		}
	}
}

func manifestLine(t *testing.T, e suite.Entry) string {
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestScoreHostileOutputs: outputs that are finite but absurd are scored
// (wrong, exit 1) with a JSON report, not "json: unsupported value: +Inf"
// and a half-written report; a negative certificate and repeated method
// names are bad input.
func TestScoreHostileOutputs(t *testing.T) {
	dir, es := smallSuite(t)
	out := exactOutputs(t, dir, es)
	e := es[0]
	data := make([]float64, e.NQueries*e.DV)
	for i := range data {
		data[i] = math.MaxFloat64 * float64(1-2*(i%2))
	}
	writeArray(t, filepath.Join(out, e.ID+".npy"), &suite.Array{Shape: []int{e.NQueries, e.DV}, DType: "float64", Data: data})
	rep := filepath.Join(t.TempDir(), "rep")
	code, stdout, errOut := runCLI(t, nil, "score", "--suite", dir, "--outputs", out, "--json", "--report", rep)
	var v struct{ Methods []*score.Method }
	if code != exitMismatch || json.Unmarshal([]byte(stdout), &v) != nil || len(v.Methods) != 1 {
		t.Errorf("score with ±MaxFloat64 outputs = exit %d, %q, %q; want exit 1 and a JSON report", code, stdout, errOut)
	}
	if _, err := os.Stat(filepath.Join(rep, "margin_vs_c.svg")); err != nil {
		t.Errorf("the report was not written completely: %v", err)
	}
	out = exactOutputs(t, dir, es)
	os.WriteFile(filepath.Join(out, e.ID+".json"), []byte(`{"err_bound": -1}`), 0o644)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--outputs", out}, "err_bound -1; want a certified error ≥ 0"},
		{[]string{"--outputs", "a=" + out, "--outputs", "a=" + out}, `method name "a" is also --outputs "a=`},
		{[]string{"--outputs", "=" + out}, "want [NAME=]OUT with a non-empty name and directory"},
	} {
		code, _, errOut := runCLI(t, nil, append([]string{"score", "--suite", dir}, tt.args...)...)
		if code != exitBadInput || !strings.Contains(errOut, tt.want) {
			t.Errorf("score %v = exit %d, %q; want exit 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
}
