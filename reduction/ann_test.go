package reduction

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/ovp"
)

// TestRunANN decodes YES and NO Gap-ANN instances with exact attention and
// compares with the brute-force scan.
func TestRunANN(t *testing.T) {
	tests := []struct {
		n, m, d0, t int
		eps         float64
	}{
		{16, 16, 48, 6, 1},
		{8, 32, 64, 10, 0.5},
		{4, 4, 24, 0, 1}, // exact nearest neighbour: far = 1
	}
	for _, tc := range tests {
		for _, yes := range []bool{true, false} {
			x := hammingInstance(t, tc.n, tc.m, tc.d0, tc.t, tc.eps, yes, uint64(tc.d0))
			r, err := RunANN(context.Background(), x, tc.t, tc.eps, Options{Algo: exactAlgo(t)})
			if err != nil {
				t.Fatal(err)
			}
			want := Unsat
			if yes {
				want = Sat
			}
			if r.Verdict != want || r.Check.Verdict != want || !r.Agree || r.Check.GapViolations != 0 {
				t.Errorf("RunANN(%+v, yes %v) = %v, check %v, agree %v (%s); want %v", tc, yes, r.Verdict, r.Check.Verdict, r.Agree, r.Reason, want)
			}
			if yes && (r.Witness == nil || !r.Witness.Verified || r.Witness.Dot > tc.t) {
				t.Errorf("RunANN(%+v): witness %+v; want a verified pair within %d", tc, r.Witness, tc.t)
			}
		}
	}
}

// TestRunANNBrokenPromise runs instances whose planted pair (distance 4)
// sits between t = 3 and far: no pair is within t, so the verdict must
// never be YES; a row pushed above τ by the near pair is a decoding
// failure, and the check counts the broken promise.
func TestRunANNBrokenPromise(t *testing.T) {
	x := hammingInstance(t, 4, 4, 16, 4, 1, true, 1)
	sawFailure := false
	for _, eps := range []float64{1, 2, 3, 4} {
		r, err := RunANN(context.Background(), x, 3, eps, Options{Algo: exactAlgo(t)})
		if err != nil {
			t.Fatal(err)
		}
		if r.Check.GapViolations == 0 || r.Check.Verdict != Unsat || r.Verdict == Sat {
			t.Errorf("ε = %g: violations %d, check %v, verdict %v; want ≥ 1, NO, not YES", eps, r.Check.GapViolations, r.Check.Verdict, r.Verdict)
		}
		if r.Verdict == DecodingFailure {
			sawFailure = true
			if r.Agree || !strings.Contains(r.Reason, "no partner within distance 3") {
				t.Errorf("ε = %g: decoding failure with agree %v, reason %q", eps, r.Agree, r.Reason)
			}
		}
	}
	if !sawFailure {
		t.Errorf("no ε gave a decoding failure; want the near pair to push a row above τ for a small s")
	}
}

// TestRunPlantedANN runs ovp's planted Gap-ANN instances (t = d0/8, ε = 1,
// so B/√ln n ≤ 2/√(ερ) = 4√2 with ρ = 1/8), YES and NO, through exact
// attention: the verdict is the planted one and a YES witness is the
// planted pair.
func TestRunPlantedANN(t *testing.T) {
	for _, lg := range []int{6, 8, 10} {
		for _, yes := range []bool{true, false} {
			n, d0 := 1<<lg, 8*lg
			pl, err := ovp.PlantANN(context.Background(), ovp.ANNOptions{N: n, M: n, Dim: d0, T: d0 / 8, Eps: 1, Close: yes, Seed: uint64(lg)})
			if err != nil {
				t.Fatal(err)
			}
			r, err := RunANN(context.Background(), pl.Instance, pl.T, pl.Eps, Options{Algo: exactAlgo(t)})
			if err != nil {
				t.Fatal(err)
			}
			want := Unsat
			if yes {
				want = Sat
			}
			if r.Verdict != want || !r.Agree {
				t.Errorf("N = 2^%d, yes %v: verdict %v, agree %v (%s); want %v", lg, yes, r.Verdict, r.Agree, r.Reason, want)
			}
			if yes && (r.Witness.Row != pl.Pair.I || r.Witness.Partner != pl.Pair.J || r.Witness.Dot != pl.T) {
				t.Errorf("N = 2^%d: witness %+v; want the planted pair %v at distance %d", lg, r.Witness, pl.Pair, pl.T)
			}
			if bound := 2 / math.Sqrt(1.0/8); r.Params.BOverSqrtLnN > bound {
				t.Errorf("N = 2^%d: B/√ln n = %v; want ≤ %v", lg, r.Params.BOverSqrtLnN, bound)
			}
		}
	}
}
