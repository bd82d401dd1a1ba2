package reduction

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/attention"

	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/sat"
)

// TestWriteTextSentences runs the pipeline on edge cases and checks that
// each sentence of the report is true of them: counts agree with their
// nouns, empty and one-variable sides are named as such, m = 0 does not
// claim δ = 1/m, a promised δ below 1/m is not called 1/m, an unbalanced
// split is not said to give B = Θ(log n) unconditionally, a YES found by
// the brute-force scan is not said to have scanned all pairs, parameters
// follow τ's value instead of being equated with it, and exact attention
// is not said to be certified.
func TestWriteTextSentences(t *testing.T) {
	ctx := context.Background()
	cnf := func(t *testing.T, text string, opt Options) string {
		t.Helper()
		f, err := sat.ReadDIMACS(strings.NewReader(text), "edge.cnf")
		if err != nil {
			t.Fatal(err)
		}
		if opt.Algo == nil {
			opt.Algo = exactAlgo(t)
		}
		r, err := Run(ctx, f, opt)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := r.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		checkWidth(t, b.String())
		return b.String()
	}
	ov := func(t *testing.T, x *ovp.Instance, opt Options) string {
		t.Helper()
		opt.Algo = exactAlgo(t)
		r, err := RunOV(ctx, x, opt)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := r.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	yes := ovp.New(2, 2, 2)
	yes.SetVector(ovp.A, 0, []uint8{1, 0})
	yes.SetVector(ovp.A, 1, []uint8{0, 1})
	yes.SetVector(ovp.B, 0, []uint8{1, 0})
	yes.SetVector(ovp.B, 1, []uint8{1, 0})
	ann0, err := ovp.PlantANN(ctx, ovp.ANNOptions{N: 8, M: 8, Dim: 16, T: 0, Eps: 1, Close: true, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	annText := func(t *testing.T) string {
		r, err := RunANN(ctx, ann0.Instance, 0, 1, Options{Algo: exactAlgo(t)})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := r.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	tests := []struct {
		name      string
		text      func(t *testing.T) string
		want, not []string
	}{
		{"one variable, one clause", func(t *testing.T) string { return cnf(t, "p cnf 1 1\n1 0\n", Options{}) },
			[]string{"v = 1 variable, m = 1 clause, 1 literal", "N = 2^0 = 1 vector (no variables)", "M = 2^1 = 2 vectors (x1)",
				"1 query × 4 keys", "(the only row above τ)"},
			[]string{"1 variables", "x1..x0", "all 1 rows"}},
		{"no clauses", func(t *testing.T) string { return cnf(t, "p cnf 0 0\n", Options{}) },
			[]string{"δ = 1 (m = 0"}, []string{"δ = 1/m = 1"}},
		{"promised gap below 1/m", func(t *testing.T) string {
			return cnf(t, "p cnf 2 4\n1 2 0\n-1 2 0\n1 -2 0\n-1 -2 0\n", Options{Gap: 0.1})
		},
			[]string{"δ < 1/m", "it holds: δ ≤ 1/m", "if it does not, the result can only be a decoding failure"}, []string{"(δ = 1/m"}},
		{"unbalanced split", func(t *testing.T) string {
			return cnf(t, "p cnf 4 2\n1 2 0\n3 4 0\n", Options{Split: 3})
		}, []string{"M = n^Θ(1) (a balanced split), B = Θ(√m) when M = O(1)"}, []string{"B = Θ(log n) when m = Θ(log n);"}},
		{"tight form", func(t *testing.T) string { return cnf(t, "p cnf 1 1\n1 0\n", Options{Form: FormTight}) },
			[]string{"τ = (1/2 + 1/(K+1))/2 = 0.35 with K = 4:"}, []string{"K = 4 = 0.35"}},
		{"exact attention", func(t *testing.T) string { return cnf(t, "p cnf 1 1\n1 0\n", Options{}) },
			[]string{"exact: error 0 in exact arithmetic, float64 rounding ≤ ", " (proved) vs tolerance", "trusted: every row decodes correctly"},
			[]string{"certified error 0", "not bounded"}},
		{"bit-packed attention", func(t *testing.T) string {
			a, err := attention.New("bitpacked", attention.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return cnf(t, "p cnf 1 1\n1 0\n", Options{Algo: a})
		}, []string{"bitpacked: error 0 in exact arithmetic, float64 rounding ≤ ", "(proved)"}, []string{"certified error 0", "not bounded"}},
		{"Gap-ANN with t = 0", annText, []string{"max(t+1, ⌈(1+ε)t⌉) = 1", "t = 0: B² = 2·d0·ln(4(M+1))", "measured: ‖Q‖∞, ‖K‖∞", "t = 0: the proved bound 2·√d0 grows with d0"},
			[]string{"⌈(1+ε)t⌉ = 1", "Θ(√log n) for constant ε and t/d0"}},
		{"gap measured over one pair", func(t *testing.T) string {
			x := ovp.New(1, 1, 2)
			x.SetVector(ovp.A, 0, []uint8{1, 1})
			x.SetVector(ovp.B, 0, []uint8{1, 1})
			return ov(t, x, Options{MeasureGap: true})
		}, []string{"over 1 pair, a quadratic pass"}, []string{"1 pairs"}},
		{"paper's form, bound not proved at n = 2", func(t *testing.T) string {
			x := ovp.New(1, 1, 2)
			x.SetVector(ovp.A, 0, []uint8{1, 1})
			x.SetVector(ovp.B, 0, []uint8{1, 1})
			return ov(t, x, Options{Gap: 1, Form: FormPaper})
		}, []string{"the bound √(2(m+e)/(mδ)) needs 4(M+1) ≤ n², false at these sizes"}, []string{"√(2/δ) needs"}},
		{"brute force finds a pair", func(t *testing.T) string { return ov(t, yes, Options{}) },
			[]string{"brute force (a scan stopped at the first orthogonal pair): YES"}, []string{"all pairs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := strings.Join(strings.Fields(tt.text(t)), " ")
			for _, w := range tt.want {
				if !strings.Contains(s, w) {
					t.Errorf("report lacks %q:\n%s", w, s)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(s, w) {
					t.Errorf("report says %q:\n%s", w, s)
				}
			}
		})
	}
}

// TestUntrustedNoteWithoutCertificate: an algorithm with no certificate
// (+Inf) is not said to have a "certified error +Inf".
func TestUntrustedNoteWithoutCertificate(t *testing.T) {
	r := &Report{Algo: AlgoInfo{Name: "performer", ErrBound: Number(math.Inf(1)), Tolerance: 0.01}}
	if got := r.untrustedNote(); strings.Contains(got, "certified error +Inf") || !strings.Contains(got, "no certified error bound") {
		t.Errorf("untrustedNote() = %q", got)
	}
	r.Algo.ErrBound = 0.5
	if got := r.untrustedNote(); !strings.Contains(got, "certified error 0.5 is not below the tolerance 0.01") {
		t.Errorf("untrustedNote() = %q", got)
	}
}

func TestRoundingTrusted(t *testing.T) {
	for _, tc := range []struct {
		rounding, tol float64
		want          bool
	}{
		{1e-12, 1e-5, true},
		{2e-5, 1e-5, false},
		{1e-5, 1e-5, false},
		{math.Inf(1), 1e-5, true}, // none derived: not bounded, said so
		{math.NaN(), 1e-5, false},
	} {
		if got := roundingTrusted(tc.rounding, tc.tol); got != tc.want {
			t.Errorf("roundingTrusted(%g, %g) = %v; want %v", tc.rounding, tc.tol, got, tc.want)
		}
	}
}

// TestRoundingField: the report's rounding bound is a finite proof for
// an exact algorithm (the same on every shard: it depends on the instance
// only) and "NaN" (not applicable) for an approximation.
func TestRoundingField(t *testing.T) {
	f, err := sat.ReadDIMACS(strings.NewReader("p cnf 4 3\n1 2 0\n-1 3 0\n-3 4 0\n"), "r.cnf")
	if err != nil {
		t.Fatal(err)
	}
	poly, err := attention.New("poly", attention.Options{Degree: 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		algo  attention.Algorithm
		exact bool
	}{{exactAlgo(t), true}, {poly, false}} {
		r, err := Run(context.Background(), f, Options{Algo: tc.algo})
		if err != nil {
			t.Fatal(err)
		}
		got := float64(r.Algo.Rounding)
		if tc.exact && !(got > 0 && got < r.Params.Tolerance) || !tc.exact && !math.IsNaN(got) {
			t.Errorf("%s: Rounding = %g; want a proved bound below the tolerance %g for exact, NaN otherwise", tc.algo.Name(), got, r.Params.Tolerance)
		}
	}
}
