package expapprox

import (
	"math"
	"math/big"
	"testing"
)

// expRelErrOnGrid returns max |P(x) − e^x|/e^x over n+1 equispaced points of
// [−R, R], P evaluated in 512-bit arithmetic from its float64 coefficients
// (so the float64 evaluation error is not part of the measurement) and e^x by
// math.Exp (error below 1 ulp).
func expRelErrOnGrid(p *Poly, n int) float64 {
	worst := 0.0
	for i := 0; i <= n; i++ {
		x := -p.R + 2*p.R*float64(i)/float64(n)
		bx := bigS().SetFloat64(x)
		s := bigS()
		for t := len(p.Coef) - 1; t >= 0; t-- {
			s.Mul(s, bx)
			s.Add(s, bigS().SetFloat64(p.Coef[t]))
		}
		px, _ := s.Float64()
		worst = math.Max(worst, math.Abs(px-math.Exp(x))/math.Exp(x))
	}
	return worst
}

// TestNewCertifiedOnGrid checks the certificate against a dense grid:
// the measured relative error never exceeds it, and it is not loose by more
// than a modest factor where it is meaningful (well above rounding level).
func TestNewCertifiedOnGrid(t *testing.T) {
	const slack = 4 * 0x1p-53 // math.Exp and the final rounding of P(x)
	for _, R := range []float64{0.0625, 0.25, 1, 2.5, 4, 8} {
		for _, g := range []int{0, 1, 2, 4, 7, 11, 16, 22, 30, 40} {
			p := New(R, g)
			got := expRelErrOnGrid(p, 1000)
			if got > p.CertErr+slack {
				t.Errorf("R=%g g=%d: measured relative error %.4g > certified %.4g", R, g, got, p.CertErr)
			}
			// Tightness where rounding does not dominate: within 3×.
			if p.CertErr < 0.1 && p.CertErr > 1e-12 && got < p.CertErr/3 {
				t.Errorf("R=%g g=%d: certificate %.4g is more than 3× the measured %.4g", R, g, p.CertErr, got)
			}
		}
	}
}

// TestCertifiedErrorBeatsTaylor: the certificate beats the Taylor
// remainder e^R·R^{g+1}/(g+1)! of the same degree whenever it is < 1.
func TestCertifiedErrorBeatsTaylor(t *testing.T) {
	for _, R := range []float64{0.5, 1, 4} {
		for g := 1; g < 30; g += 3 {
			c := CertifiedError(R, g)
			lg, _ := math.Lgamma(float64(g + 2))
			taylor := math.Exp(R + float64(g+1)*math.Log(R) - lg)
			if c < 1 && c > 1e-9 && c > taylor {
				t.Errorf("CertifiedError(%g, %d) = %.3g; Taylor gives %.3g", R, g, c, taylor)
			}
		}
	}
}

func TestCertifiedErrorEdges(t *testing.T) {
	if got := CertifiedError(0, 0); got != 0 {
		t.Errorf("CertifiedError(0, 0) = %v; want 0", got)
	}
	if got := CertifiedError(1000, 3); !(got >= 1) {
		t.Errorf("CertifiedError(1000, 3) = %v; want ≥ 1 (vacuous)", got)
	}
	if got := CertifiedError(math.Inf(1), 3); !math.IsInf(got, 1) {
		t.Errorf("CertifiedError(+Inf, 3) = %v; want +Inf", got)
	}
	p := New(0, 3)
	if p.Coef[0] != 1 || p.Coef[1] != 0 || p.Eval(0) != 1 {
		t.Errorf("New(0, 3).Coef = %v; want [1 0 0 0]", p.Coef)
	}
}

// TestDegreeMonotone: the chosen degree never decreases as R grows or
// ε shrinks, increases strictly somewhere, and meets its target.
func TestDegreeMonotone(t *testing.T) {
	epss := []float64{1e-3, 1e-6, 1e-9}
	Rs := []float64{0.0625, 0.25, 1, 4} // B² for B = 0.25, 0.5, 1, 2
	grid := make([][]int, len(Rs))
	for i, R := range Rs {
		for _, eps := range epss {
			g, e := Degree(R, eps)
			if e > eps || e != CertifiedError(R, g) {
				t.Errorf("Degree(%g, %g) = %d, %g; want error ≤ eps and = CertifiedError", R, eps, g, e)
			}
			if g > 0 && CertifiedError(R, g-1) <= eps {
				t.Errorf("Degree(%g, %g) = %d; degree %d already certifies", R, eps, g, g-1)
			}
			grid[i] = append(grid[i], g)
		}
	}
	strictR, strictE := false, false
	for i := range Rs {
		for j := range epss {
			if i > 0 {
				if grid[i][j] < grid[i-1][j] {
					t.Errorf("degree(R=%g, eps=%g) = %d < degree(R=%g) = %d", Rs[i], epss[j], grid[i][j], Rs[i-1], grid[i-1][j])
				}
				strictR = strictR || grid[i][j] > grid[i-1][j]
			}
			if j > 0 {
				if grid[i][j] < grid[i][j-1] {
					t.Errorf("degree(R=%g, eps=%g) = %d < degree(eps=%g) = %d", Rs[i], epss[j], grid[i][j], epss[j-1], grid[i][j-1])
				}
				strictE = strictE || grid[i][j] > grid[i][j-1]
			}
		}
	}
	if !strictR || !strictE {
		t.Errorf("degrees %v: want strict growth with R (%v) and with 1/eps (%v)", grid, strictR, strictE)
	}
}

// TestDegreeFloor: when float64 coefficients cannot reach eps, the
// returned error says so (> eps) instead of pretending.
func TestDegreeFloor(t *testing.T) {
	g, e := Degree(20, 1e-9)
	if e <= 1e-9 {
		t.Errorf("Degree(20, 1e-9) = %d, %g; want error > 1e-9 (float64 floor)", g, e)
	}
	if e2 := CertifiedError(20, g+20); e2 < e*0.99 {
		t.Errorf("Degree(20, 1e-9) stopped at %d (%g) but degree %d gives %g", g, e, g+20, e2)
	}
}

func TestRank(t *testing.T) {
	tests := []struct {
		d, g int
		want float64
	}{{1, 5, 6}, {2, 2, 6}, {8, 0, 1}, {8, 6, 3003}, {8, 10, 43758}, {0, 4, 1}}
	for _, tc := range tests {
		if got := Rank(tc.d, tc.g); got != tc.want {
			t.Errorf("Rank(%d, %d) = %v; want %v", tc.d, tc.g, got, tc.want)
		}
	}
	want, _ := new(big.Float).SetInt(new(big.Int).Binomial(22+200, 200)).Float64()
	if got := Rank(22, 200); got != want || got < 1e28 {
		t.Errorf("Rank(22, 200) = %v; want %v", got, want)
	}
}
