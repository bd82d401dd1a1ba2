package reduction

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

// TestOVParamsByHand checks OVParams on values computed by hand.
//
//   - N = M = 1, m = 1, δ = 1: β² = ln 8, n = 2, τ = 5/16, tol = 3/16,
//     B/√ln n = √(ln 8/ln 2) = √3.
//   - N = 8, M = 3, m = 3, δ = 1/3: 4(M+1) = 16, β² = 3·ln 16 = 12·ln 2,
//     n = max(8, 6) = 8, B²/ln n = 12 ln 2/(3 ln 2) = 4, so B/√ln n = 2;
//     τ = 5/32, tol = 3/32, YES ≥ 1/4, NO ≤ 1/17.
func TestOVParamsByHand(t *testing.T) {
	ln2 := math.Ln2
	tests := []struct {
		n, m, dim  int
		delta      float64
		beta2      float64
		size, keys int
		tau, tol   float64
		yes, no    float64
		ratio      float64
	}{
		{1, 1, 1, 1, 3 * ln2, 2, 2, 5.0 / 16, 3.0 / 16, 1.0 / 2, 1.0 / 9, math.Sqrt(3)},
		{8, 3, 3, 1.0 / 3, 12 * ln2, 8, 6, 5.0 / 32, 3.0 / 32, 1.0 / 4, 1.0 / 17, 2},
	}
	for _, tc := range tests {
		p, err := OVParams(tc.n, tc.m, tc.dim, tc.delta)
		if err != nil {
			t.Fatalf("OVParams(%d, %d, %d, %g): %v", tc.n, tc.m, tc.dim, tc.delta, err)
		}
		checks := []struct {
			name      string
			got, want float64
		}{
			{"β²", p.Scale * p.Scale, tc.beta2},
			{"B", p.B, math.Sqrt(tc.beta2)},
			{"n", float64(p.Size), float64(tc.size)},
			{"keys", float64(p.Keys), float64(tc.keys)},
			{"d", float64(p.D), float64(tc.dim)},
			{"τ", p.Threshold, tc.tau},
			{"tol", p.Tolerance, tc.tol},
			{"YES lower", p.YesLower, tc.yes},
			{"NO upper", p.NoUpper, tc.no},
			{"B/√ln n", p.BOverSqrtLnN, tc.ratio},
		}
		for _, c := range checks {
			if !near(c.got, c.want) {
				t.Errorf("OVParams(%d, %d, %d, %g): %s = %v; want %v", tc.n, tc.m, tc.dim, tc.delta, c.name, c.got, c.want)
			}
		}
	}
}

// TestANNParamsByHand checks ANNParams on values computed by hand.
//
//   - N = M = 1, d0 = 4, t = 2, ε = 1: s² = ln 8/2, d = 8,
//     B² = 8·s² = 4 ln 8 = 12 ln 2, n = 2, B/√ln n = √12.
//   - N = 8, M = 3, d0 = 8, t = 2, ε = 1/2: s² = ln 16/1 = 4 ln 2, d = 16,
//     B² = 64 ln 2, n = 8, B²/ln n = 64/3.
//   - N = 8, M = 3, d0 = 8, t = 3, ε = 1/2: far = ⌈4.5⌉ = 5, so the integer
//     gap is 2 (not εt = 1.5): s² = ln 16/2 = 2 ln 2, B² = 32 ln 2,
//     B²/ln n = 32/3.
//   - N = 8, M = 3, d0 = 8, t = 0, ε = 1: far = 1, s² = 4 ln 2 as above.
func TestANNParamsByHand(t *testing.T) {
	ln2 := math.Ln2
	tests := []struct {
		n, m, d0, t int
		eps         float64
		s2, b2      float64
		d           int
		ratio2      float64
	}{
		{1, 1, 4, 2, 1, 1.5 * ln2, 12 * ln2, 8, 12},
		{8, 3, 8, 2, 0.5, 4 * ln2, 64 * ln2, 16, 64.0 / 3},
		{8, 3, 8, 3, 0.5, 2 * ln2, 32 * ln2, 16, 32.0 / 3},
		{8, 3, 8, 0, 1, 4 * ln2, 64 * ln2, 16, 64.0 / 3},
	}
	for _, tc := range tests {
		p, err := ANNParams(tc.n, tc.m, tc.d0, tc.t, tc.eps)
		if err != nil {
			t.Fatalf("ANNParams: %v", err)
		}
		if !near(p.Scale*p.Scale, tc.s2) || !near(p.B*p.B, tc.b2) || p.D != tc.d ||
			!near(p.BOverSqrtLnN*p.BOverSqrtLnN, tc.ratio2) {
			t.Errorf("ANNParams(%d, %d, %d, %d, %g) = s² %v, B² %v, d %d, (B/√ln n)² %v; want %v, %v, %d, %v",
				tc.n, tc.m, tc.d0, tc.t, tc.eps, p.Scale*p.Scale, p.B*p.B, p.D, p.BOverSqrtLnN*p.BOverSqrtLnN,
				tc.s2, tc.b2, tc.d, tc.ratio2)
		}
		if w := 5 / (8 * float64(tc.m+1)); !near(p.Threshold, w) {
			t.Errorf("ANNParams τ = %v; want %v", p.Threshold, w)
		}
	}
}

// TestParamsSeparation checks the inequalities the decoder relies on, for
// many M: NO upper < τ − tol·0 < YES lower, with the margins exactly tol.
func TestParamsSeparation(t *testing.T) {
	for _, m := range []int{1, 2, 3, 7, 100, 1 << 20} {
		p, err := OVParams(m, m, 5, 0.2)
		if err != nil {
			t.Fatal(err)
		}
		if !(p.NoUpper+p.Tolerance < p.Threshold) {
			t.Errorf("M = %d: NO bound %v + tol %v = %v; want < τ = %v", m, p.NoUpper, p.Tolerance, p.NoUpper+p.Tolerance, p.Threshold)
		}
		if !near(p.YesLower-p.Tolerance, p.Threshold) {
			t.Errorf("M = %d: YES bound − tol = %v; want τ = %v", m, p.YesLower-p.Tolerance, p.Threshold)
		}
		// The NO bound x/(1+x) with x = e^(−β²δ) equals 1/(4M+5).
		x := math.Exp(-p.Scale * p.Scale * p.Delta)
		if !near(x/(1+x), p.NoUpper) {
			t.Errorf("M = %d: x/(1+x) = %v; want 1/(4M+5) = %v", m, x/(1+x), p.NoUpper)
		}
	}
}

// TestBOverSqrtLnNBounded checks the bound B/√ln n ≤ √(2/δ) (OV) and
// ≤ 2/√(ερ) (ANN, t = ρ·d0) for M ≥ 2, and its limit 1/√δ.
func TestBOverSqrtLnNBounded(t *testing.T) {
	for _, delta := range []float64{1, 0.5, 0.25, 0.1} {
		for lg := 1; lg <= 40; lg++ {
			m := 1 << lg
			p, err := OVParams(m, m, 64, delta)
			if err != nil {
				t.Fatal(err)
			}
			if bound := math.Sqrt(2 / delta); p.BOverSqrtLnN > bound {
				t.Errorf("OVParams(2^%d, δ=%g): B/√ln n = %v; want ≤ √(2/δ) = %v", lg, delta, p.BOverSqrtLnN, bound)
			}
		}
		p, _ := OVParams(1<<40, 1<<40, 64, delta)
		if lim := 1 / math.Sqrt(delta); !(math.Abs(p.BOverSqrtLnN-lim) <= 0.05*lim) {
			t.Errorf("OVParams(2^40, δ=%g): B/√ln n = %v; want ≈ 1/√δ = %v", delta, p.BOverSqrtLnN, lim)
		}
	}
	for _, eps := range []float64{0.5, 1, 2} {
		for lg := 1; lg <= 40; lg++ {
			p, err := ANNParams(1<<lg, 1<<lg, 100, 25, eps)
			if err != nil {
				t.Fatal(err)
			}
			if bound := 2 / math.Sqrt(eps*0.25); p.BOverSqrtLnN > bound {
				t.Errorf("ANNParams(2^%d, ε=%g): B/√ln n = %v; want ≤ %v", lg, eps, p.BOverSqrtLnN, bound)
			}
		}
	}
}

func TestParamsErrors(t *testing.T) {
	ov := []struct {
		n, m, dim int
		delta     float64
	}{{0, 1, 1, 1}, {1, 0, 1, 1}, {1, 1, 0, 1}, {1, 1, 1, 0}, {1, 1, 1, 1.5}, {1, 1, 1, math.NaN()}}
	for _, c := range ov {
		if _, err := OVParams(c.n, c.m, c.dim, c.delta); err == nil {
			t.Errorf("OVParams(%d, %d, %d, %g) = nil error; want an error", c.n, c.m, c.dim, c.delta)
		}
	}
	ann := []struct {
		d0, t int
		eps   float64
	}{{4, -1, 1}, {4, 5, 1}, {4, 2, 0}, {4, 2, math.Inf(1)}, {0, 1, 1}}
	for _, c := range ann {
		if _, err := ANNParams(2, 2, c.d0, c.t, c.eps); err == nil {
			t.Errorf("ANNParams(2, 2, %d, %d, %g) = nil error; want an error", c.d0, c.t, c.eps)
		}
	}
}
