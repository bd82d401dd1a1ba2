package reduction

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/ovp"
)

// TestTightOVParamsByHand checks the tight form's constants against the
// formulas of the package documentation, computed by hand for M = 9,
// δ = 1/4, tol = 0.15: K = 1.6/0.4 = 4, β² = 4·ln 36, τ = (1/2 + 1/5)/2.
func TestTightOVParamsByHand(t *testing.T) {
	p, err := TightOVParams(5, 9, 12, 0.25, 0.15)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"β", p.Scale, math.Sqrt(4 * math.Log(36))},
		{"B", p.B, math.Sqrt(4 * math.Log(36))},
		{"τ", p.Threshold, 0.35},
		{"tol", p.Tolerance, 0.15},
		{"YES", p.YesLower, 0.5},
		{"NO", p.NoUpper, 0.2},
		{"√ln n", p.SqrtLnN, math.Sqrt(math.Log(10))},
	}
	for _, c := range checks {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v; want %v", c.name, c.got, c.want)
		}
	}
	if p.Keys != 10 || p.Size != 10 || p.Form != FormTight {
		t.Errorf("keys %d, n %d, form %q; want 10, 10, %q", p.Keys, p.Size, p.Form, FormTight)
	}
	for _, bad := range [][2]float64{{0, 0.1}, {1.5, 0.1}, {0.5, 0}, {0.5, 0.25}} {
		if _, err := TightOVParams(5, 9, 12, bad[0], bad[1]); err == nil {
			t.Errorf("δ = %g, tol = %g: no error", bad[0], bad[1])
		}
	}
}

// TestFromOVTightClosedForm checks T_i = S_i/(S_i + 1) with naive
// attention and the bounds YES ≥ 1/2, NO ≤ 1/(K+1) on random instances
// with their measured gap, and that Decide agrees with a brute-force scan
// on every row.
func TestFromOVTightClosedForm(t *testing.T) {
	for seed := range uint64(30) {
		x := randomOV(6, 9, 8, 0.3, seed)
		minDot := -1
		for i := range 6 {
			for j := range 9 {
				if d := x.Dot(i, j); d > 0 && (minDot < 0 || d < minDot) {
					minDot = d
				}
			}
		}
		delta := 1.0
		if minDot > 0 {
			delta = float64(minDot) / 8
		}
		for _, tol := range []float64{1e-4, 0.01, 0.15, 0.24} {
			in, err := FromOVTight(x, delta, tol)
			if err != nil {
				t.Fatal(err)
			}
			T := attention.Naive(in.Q, in.K, in.V).T
			anyYes := false
			for i := range 6 {
				s, yes := 0.0, false
				for j := range 9 {
					s += math.Exp(-in.Scale * in.Scale * float64(x.Dot(i, j)) / 8)
					yes = yes || x.Dot(i, j) == 0
				}
				anyYes = anyYes || yes
				got, want := T.At(i, 0), s/(s+1)
				if !(math.Abs(got-want) <= 1e-14) {
					t.Errorf("seed %d tol %g: T[%d] = %v; want S/(S+1) = %v", seed, tol, i, got, want)
				}
				if yes && got < in.YesLower*(1-1e-12) || !yes && got > in.NoUpper*(1+1e-12) {
					t.Errorf("seed %d tol %g: row %d (YES %v): T = %v outside its bound (YES ≥ %v, NO ≤ %v)", seed, tol, i, yes, got, in.YesLower, in.NoUpper)
				}
				// Perturbing by just under tol in the wrong direction still decodes.
				if p := got - (1-1e-9)*tol*sign(yes); (p > in.Threshold) != yes {
					t.Errorf("seed %d tol %g: row %d perturbed to %v misdecodes (τ = %v)", seed, tol, i, p, in.Threshold)
				}
			}
			if dec := Decide(T, in.Params); (dec.Verdict == Sat) != anyYes {
				t.Errorf("seed %d tol %g: verdict %v; brute force says YES = %v", seed, tol, dec.Verdict, anyYes)
			}
		}
	}
}

func sign(yes bool) float64 {
	if yes {
		return 1
	}
	return -1
}

// TestPlantedTightDecoding runs planted Gap-OV instances at the densest
// gap δ = 1/2 (density 0.9) through the tight form with exact attention,
// YES and NO: the verdict is the planted one.
func TestPlantedTightDecoding(t *testing.T) {
	for lg := 6; lg <= 10; lg += 2 {
		for _, yes := range []bool{true, false} {
			t.Run(fmt.Sprintf("N=2^%d/yes=%v", lg, yes), func(t *testing.T) {
				n := 1 << lg
				pl, err := ovp.PlantGap(context.Background(), ovp.GapOptions{N: n, M: n, Dim: 2 * lg,
					Density: 0.9, Gap: 0.5, Yes: yes, Seed: uint64(lg)})
				if err != nil {
					t.Fatal(err)
				}
				in, err := FromOVTight(pl.Instance, pl.Gap(), 1/float64(n))
				if err != nil {
					t.Fatal(err)
				}
				out, err := exactAlgo(t).Attend(context.Background(), in.Q, in.K, in.V)
				if err != nil {
					t.Fatal(err)
				}
				dec := Decide(out.T, in.Params)
				if (dec.Verdict == Sat) != yes || yes && dec.Row != pl.Pair.I {
					t.Fatalf("verdict %v at row %d; want YES = %v (planted row %d)", dec.Verdict, dec.Row, yes, pl.Pair.I)
				}
				if float64(dec.MaxBelow) > in.NoUpper {
					t.Errorf("largest NO row %v; want ≤ 1/(K+1) = %v", float64(dec.MaxBelow), in.NoUpper)
				}
			})
		}
	}
}
