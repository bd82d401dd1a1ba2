package reduction

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/ovp"
)

// TestRatioBoundExact checks Params.RatioBound against its hypothesis on
// every small size: for the default OV form ok holds iff 4(M+1) ≤ n², the
// bound holds whenever ok, and fails whenever the hypothesis does (so the
// condition is the exact one, not merely sufficient). The tight form and
// the ANN route are checked for soundness: ok implies the bound.
func TestRatioBoundExact(t *testing.T) {
	for _, delta := range []float64{1, 0.5, 0.3, 0.1, 0.01} {
		for n := 1; n <= 40; n++ {
			for m := 1; m <= 40; m++ {
				p, err := OVParams(n, m, 8, delta)
				if err != nil {
					t.Fatal(err)
				}
				bound, ok := p.RatioBound()
				if want := 4*(m+1) <= p.Size*p.Size; ok != want {
					t.Errorf("OV N=%d M=%d δ=%g: ok = %v; want 4(M+1) ≤ n² = %v", n, m, delta, ok, want)
				}
				if ok && p.BOverSqrtLnN > bound*(1+1e-12) || !ok && p.Size > 1 && p.BOverSqrtLnN <= bound {
					t.Errorf("OV N=%d M=%d δ=%g: B/√ln n = %v, bound %v, ok %v", n, m, delta, p.BOverSqrtLnN, bound, ok)
				}
				for _, e := range []int{1, 4, 8} {
					p, err := PaperOVParams(n, m, 8, e, delta)
					if err != nil {
						t.Fatal(err)
					}
					bound, ok := p.RatioBound()
					if want := 4*(m+1) <= p.Size*p.Size; ok != want {
						t.Errorf("paper OV N=%d M=%d e=%d δ=%g: ok = %v; want %v", n, m, e, delta, ok, want)
					}
					if ok && p.BOverSqrtLnN > bound*(1+1e-12) || !ok && p.BOverSqrtLnN <= bound || bound > 2/math.Sqrt(delta)*(1+1e-12) {
						t.Errorf("paper OV N=%d M=%d e=%d δ=%g: B/√ln n = %v, bound %v, ok %v", n, m, e, delta, p.BOverSqrtLnN, bound, ok)
					}
				}
				for _, tol := range []float64{1e-3, 0.1, 0.2} {
					p, err := TightOVParams(n, m, 8, delta, tol)
					if err != nil {
						t.Fatal(err)
					}
					if bound, ok := p.RatioBound(); ok && p.BOverSqrtLnN > bound*(1+1e-12) {
						t.Errorf("tight N=%d M=%d δ=%g tol=%g: B/√ln n = %v > %v", n, m, delta, tol, p.BOverSqrtLnN, bound)
					}
				}
			}
		}
	}
	for d0 := 1; d0 <= 12; d0++ {
		for tt := 0; tt <= d0; tt++ {
			for _, eps := range []float64{0.1, 0.5, 1, 3, 20} {
				for _, m := range []int{1, 2, 3, 7, 100} {
					p, err := ANNParams(m, m, d0, tt, eps)
					if err != nil {
						t.Fatal(err)
					}
					if bound, ok := p.RatioBound(); ok && p.BOverSqrtLnN > bound*(1+1e-12) {
						t.Errorf("ANN d0=%d t=%d ε=%g M=%d: B/√ln n = %v > %v", d0, tt, eps, m, p.BOverSqrtLnN, bound)
					}
				}
			}
		}
	}
}

// TestRegimeBoundOnlyWhereProved is the regression test of the report
// that printed "B/√ln n = 2.45 (≤ √(2/δ) = 2 …)" for N = 2, M = 1, δ = 1/2:
// the bound is printed only where it holds.
func TestRegimeBoundOnlyWhereProved(t *testing.T) {
	tests := []struct {
		n, m      int
		wantBound bool
	}{{2, 1, false}, {3, 1, true}, {2, 2, true}, {16, 16, true}}
	for _, tt := range tests {
		x := ovp.New(tt.n, tt.m, 4)
		x.Set(ovp.A, 0, 0, true)
		x.Set(ovp.B, 0, 1, true)
		for i := 1; i < tt.n; i++ {
			x.Set(ovp.A, i, 2, true)
			x.Set(ovp.A, i, 3, true)
		}
		for j := 1; j < tt.m; j++ {
			x.Set(ovp.B, j, 0, true)
			x.Set(ovp.B, j, 2, true)
			x.Set(ovp.B, j, 3, true)
		}
		r, err := RunOV(context.Background(), x, Options{Algo: exactAlgo(t), Gap: 0.5})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := r.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		bound := math.Sqrt(2 / 0.5)
		printed := strings.Contains(b.String(), "≤ √(2/δ)")
		if printed != tt.wantBound {
			t.Errorf("N=%d M=%d: bound printed %v; want %v (B/√ln n = %.3g, bound %.3g):\n%s", tt.n, tt.m, printed, tt.wantBound, r.Params.BOverSqrtLnN, bound, b.String())
		}
		if printed && r.Params.BOverSqrtLnN > bound {
			t.Errorf("N=%d M=%d: printed bound %v below B/√ln n = %v", tt.n, tt.m, bound, r.Params.BOverSqrtLnN)
		}
	}
}
