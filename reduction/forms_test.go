package reduction

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/sat"
)

// TestFormsAgainstGini runs every form of the OV construction through the
// whole pipeline on random formulas, with the guaranteed and the measured
// gap, and compares each verdict with gini: equal verdicts, every SAT
// witness verified, both verdicts seen. In the paper's form the logits lie
// in [0, B'] and half of each row sits at B'.
func TestFormsAgainstGini(t *testing.T) {
	fs := randomFormulas(t, 120, 14, 5)
	for _, form := range Forms {
		var nSat, nUnsat int
		for n, f := range fs {
			for _, measure := range []bool{false, true} {
				r, err := Run(context.Background(), f, Options{Algo: exactAlgo(t), Form: form, MeasureGap: measure})
				if err != nil {
					t.Fatalf("form %q formula %d: %v", form, n, err)
				}
				if !r.Agree || r.Verdict != r.Check.Verdict {
					t.Fatalf("form %q formula %d (v = %d, measured %v): %v vs gini %v: %s", form, n, f.Vars, measure, r.Verdict, r.Check.Verdict, r.Reason)
				}
				if r.Verdict == Sat && !r.Witness.Verified {
					t.Fatalf("form %q formula %d: SAT without a verified witness", form, n)
				}
				if r.Params.Form != form {
					t.Fatalf("form %q: params say %q", form, r.Params.Form)
				}
				if form == FormPaper && (r.Properties[0].Status != Holds || r.Properties[1].Status != Holds) {
					t.Errorf("paper form, formula %d: %+v", n, r.Properties[:2])
				}
				if r.Verdict == Sat {
					nSat++
				} else {
					nUnsat++
				}
			}
		}
		if nSat == 0 || nUnsat == 0 {
			t.Errorf("form %q: %d SAT and %d UNSAT; want both", form, nSat, nUnsat)
		}
	}
}

// TestFormsAgainstBruteForce runs the forms on planted Gap-OV instances
// (RunOV) and the paper's form on planted Gap-ANN instances (RunANN), YES
// and NO, against the brute-force check.
func TestFormsAgainstBruteForce(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(6) {
		for _, yes := range []bool{true, false} {
			pl, err := ovp.PlantGap(ctx, ovp.GapOptions{N: 40, M: 50, Dim: 24, Density: 0.6, Gap: 0.25, Yes: yes, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			for _, form := range Forms {
				r, err := RunOV(ctx, pl.Instance, Options{Algo: exactAlgo(t), Form: form, Gap: 0.25})
				if err != nil {
					t.Fatal(err)
				}
				if !r.Agree || (r.Verdict == Sat) != yes {
					t.Errorf("OV form %q seed %d yes %v: %v, agree %v: %s", form, seed, yes, r.Verdict, r.Agree, r.Reason)
				}
			}
			ann, err := ovp.PlantANN(ctx, ovp.ANNOptions{N: 30, M: 30, Dim: 64, T: 6, Eps: 1, Close: yes, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			for _, form := range []string{"", FormPaper} {
				r, err := RunANN(ctx, ann.Instance, 6, 1, Options{Algo: exactAlgo(t), Form: form})
				if err != nil {
					t.Fatal(err)
				}
				if !r.Agree || (r.Verdict == Sat) != yes {
					t.Errorf("ANN form %q seed %d yes %v: %v, agree %v: %s", form, seed, yes, r.Verdict, r.Agree, r.Reason)
				}
				if form == FormPaper {
					for _, p := range r.Properties[:3] {
						if p.Status != Holds {
							t.Errorf("ANN paper form seed %d: %+v", seed, p)
						}
					}
				}
			}
		}
	}
	x := ovp.New(2, 2, 4)
	if _, err := RunANN(ctx, x, 1, 1, Options{Algo: exactAlgo(t), Form: FormTight}); err == nil {
		t.Errorf("tight form on the Gap-ANN route: no error")
	}
	if _, err := RunOV(ctx, x, Options{Algo: exactAlgo(t), Form: "nosuch"}); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("unknown form: error %v", err)
	}
}

// unsatFormula returns a random 3-SAT formula with v variables at clause
// ratio 6 that gini proves unsatisfiable.
func unsatFormula(t *testing.T, v int, seed uint64) *sat.Formula {
	t.Helper()
	for s := seed; ; s++ {
		f, err := sat.Random(sat.GenOptions{Vars: v, Clauses: 6 * v, K: 3, Seed: s})
		if err != nil {
			t.Fatal(err)
		}
		res, err := sat.Solve(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		if res.Status == sat.Unsat {
			return f
		}
	}
}

// TestFalsePromiseIsProved is the regression test of "trusted: every row
// decodes correctly" printed under an unchecked promise that then ended
// in a decoding failure: with --gap 0.1 on unsatisfiable 12-variable
// formulas whose true gap is far smaller, the report says "trusted if the
// promised gap holds", and every decoding failure names a pair of the
// failing row whose inner product is below δ·m, which the test checks on
// the split-and-list instance.
func TestFalsePromiseIsProved(t *testing.T) {
	failures := 0
	for seed := range uint64(12) {
		f := unsatFormula(t, 12, 100*seed)
		r, err := Run(context.Background(), f, Options{Algo: exactAlgo(t), Gap: 0.1})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := r.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(b.String()), " ")
		if !strings.Contains(text, "trusted if the promised gap holds") || strings.Contains(text, "every row decodes correctly") {
			t.Errorf("seed %d: the report does not qualify the trust by the promise:\n%s", seed, b.String())
		}
		if r.Verdict == Sat {
			t.Fatalf("seed %d: SAT on an unsatisfiable formula", seed)
		}
		if r.Verdict != DecodingFailure {
			continue
		}
		failures++
		v := r.Promise
		if v == nil {
			t.Fatalf("seed %d: decoding failure without a proof that the promise is false: %s", seed, r.Reason)
		}
		cnf, err := ovp.FromCNF(f, ovp.CNFOptions{})
		if err != nil {
			t.Fatal(err)
		}
		m := len(f.Clauses)
		if got := cnf.Instance.Dot(v.Row, v.Partner); got != v.Dot || got == 0 || float64(got) >= 0.1*float64(m) || v.Row != r.Decision.Row {
			t.Fatalf("seed %d: violation %+v, but ⟨a, b⟩ = %d, δ·m = %g, arg-max row %d", seed, v, got, 0.1*float64(m), r.Decision.Row)
		}
		want := fmt.Sprintf("promised δ = 0.1 is false: row %d has ⟨a_%d, b_%d⟩ = %d < δ·m = %.4g (j = %d)", v.Row, v.Row, v.Partner, v.Dot, 0.1*float64(m), v.Partner)
		if !strings.Contains(r.Reason, want) || !strings.Contains(b.String(), "promise") {
			t.Errorf("seed %d: reason %q lacks %q", seed, r.Reason, want)
		}
	}
	if failures == 0 {
		t.Fatalf("no decoding failure in 12 formulas: the test does not exercise the proof")
	}
}

// TestFalsePromiseSatisfiable is the regression test of satisfiable
// formulas that ended in a decoding failure under --gap 1: decoding now
// tries the rows above τ in decreasing order, and with exact attention the
// true YES rows are among them (T ≥ 1/(M+1) > τ whatever the gap), so
// every run ends SAT with a verified assignment, agreeing with gini.
func TestFalsePromiseSatisfiable(t *testing.T) {
	rescued := 0
	for seed := range uint64(20) {
		f, _, err := sat.Planted(sat.GenOptions{Vars: 12, Clauses: 51, K: 3, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		r, err := Run(context.Background(), f, Options{Algo: exactAlgo(t), Gap: 1})
		if err != nil {
			t.Fatal(err)
		}
		if r.Verdict != Sat || !r.Agree || !r.Witness.Verified {
			t.Fatalf("seed %d: %v, agree %v: %s", seed, r.Verdict, r.Agree, r.Reason)
		}
		if w := r.Witness; w.ArgMax >= 0 {
			rescued++
			if w.ArgMax != r.Decision.Row || w.Row == w.ArgMax || w.Tried < 2 || r.Promise == nil {
				t.Errorf("seed %d: rescued witness %+v, decision row %d, promise %v", seed, w, r.Decision.Row, r.Promise)
			}
			var b strings.Builder
			r.WriteText(&b)
			if !strings.Contains(strings.Join(strings.Fields(b.String()), " "), fmt.Sprintf("the arg-max row %d failed", w.ArgMax)) {
				t.Errorf("seed %d: the report does not say the arg-max row failed:\n%s", seed, b.String())
			}
		}
	}
	if rescued == 0 {
		t.Fatalf("no run needed another row: the test does not exercise the rescue")
	}
}
