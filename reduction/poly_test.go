package reduction

import (
	"context"
	"testing"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/sat"
)

// TestRunPolyTooSmallRank runs the polynomial method with a rank budget far
// too small for the instances' B: every run is flagged untrusted before it
// runs (Plan's certified error is not below the tolerance), and no wrong
// verdict is reported as agreement.
func TestRunPolyTooSmallRank(t *testing.T) {
	poly, err := attention.New("poly", attention.Options{MaxRank: 20})
	if err != nil {
		t.Fatal(err)
	}
	wrong, runs := 0, 0
	for n, f := range randomFormulas(t, 40, 10, 5) {
		if len(f.Clauses) < 5 {
			continue // d ≥ 5: rank 20 allows degree 1 only (C(5+2, 2) = 21)
		}
		runs++
		r, err := Run(context.Background(), f, Options{Algo: poly, MeasureGap: true})
		if err != nil {
			t.Fatalf("formula %d: %v", n, err)
		}
		g, _ := sat.Solve(context.Background(), f)
		if r.Algo.Trusted || r.Algo.Name != "poly" {
			t.Errorf("formula %d: %s trusted with error bound %v ≥ tolerance %v", n, r.Algo.Name, r.Algo.ErrBound, r.Algo.Tolerance)
		}
		if r.Verdict != Verdict(g.Status) {
			wrong++
			if r.Agree {
				t.Errorf("formula %d: wrong verdict %v (gini %v) reported as agreement", n, r.Verdict, g.Status)
			}
		}
		if r.Verdict == Sat && !r.Witness.Verified {
			t.Errorf("formula %d: SAT without a verified witness", n)
		}
	}
	t.Logf("%d wrong verdicts of %d runs", wrong, runs)
	if runs < 30 || wrong == 0 {
		t.Errorf("%d runs, %d wrong verdicts; want ≥ 30 runs and some wrong verdicts to check", runs, wrong)
	}
}

// TestRunPolyTrusted runs the polynomial method where its budget suffices:
// a one-clause formula (d = 1, logits in [−β², 0]) with the measured gap.
// The plan is trusted and the verdict agrees with gini.
func TestRunPolyTrusted(t *testing.T) {
	poly, err := attention.New("poly", attention.Options{Eps: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []*sat.Formula{
		{Vars: 4, Clauses: []sat.Clause{{1, -4}}},
		{Vars: 3, Clauses: []sat.Clause{{1}, {-1}}},
	} {
		r, err := Run(context.Background(), f, Options{Algo: poly, MeasureGap: true})
		if err != nil {
			t.Fatal(err)
		}
		g, _ := sat.Solve(context.Background(), f)
		if !r.Algo.Trusted || r.Verdict != Verdict(g.Status) || !r.Agree {
			t.Errorf("%v: trusted %v (bound %v, tolerance %v), verdict %v, agree %v (%s); want trusted and gini's %v",
				f, r.Algo.Trusted, r.Algo.ErrBound, r.Algo.Tolerance, r.Verdict, r.Agree, r.Reason, g.Status)
		}
	}
}
