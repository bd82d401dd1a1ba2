package experiments

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/attention/expapprox"
	"github.com/hardnesslab/hardness/reduction"
)

var (
	upperColumns = []string{"n", "log2_n", "d", "eps", "g_max", "rank_at_g_max", "c_up", "R_up", "cert_err_at_R_up",
		"solver_degree_below", "exponent_below", "solver_degree_above", "exponent_above", "c_up_measured", "measured_tolerance"}
	lowerColumns = []string{"n", "form", "delta", "N", "M", "keys", "dim", "B", "sqrt_ln_n", "c", "tolerance", "threshold",
		"built", "yes_ok", "no_ok", "yes_margin", "no_margin", "realised_gap_yes", "realised_gap_no"}
)

// TestThresholdQuick runs the threshold experiment in quick mode and checks
// c_up against the certificate directly (certified just below, not just
// above), the budget degree by its definition, and that every built
// construction decodes its YES and NO instance, with c equal to the
// reduction's own parameters.
func TestThresholdQuick(t *testing.T) {
	dir, _ := quickRun(t, "threshold")
	checkPlots(t, dir, "bracket", "ratio")
	for _, r := range csvTable(t, filepath.Join(dir, "upper.csv"), upperColumns) {
		n, d, g := num(t, r, "n"), int(num(t, r, "d")), int(num(t, r, "g_max"))
		if attention.Rank(d, g)*float64(d) >= n || attention.Rank(d, g+1)*float64(d) < n {
			t.Errorf("n = %g: g_max = %d is not the largest degree with C(d+g, g)·d < n", n, g)
		}
		cUp, eps, lnN := num(t, r, "c_up"), num(t, r, "eps"), math.Log(n)
		if e := expapprox.CertifiedError(math.Pow(cUp-1e-4, 2)*lnN, g); e > eps {
			t.Errorf("n = %g: certificate %g > ε = %g just below c_up = %g", n, e, eps, cUp)
		}
		if e := expapprox.CertifiedError(math.Pow(cUp+2e-5, 2)*lnN, g); e <= eps {
			t.Errorf("n = %g: certificate %g ≤ ε = %g just above c_up = %g", n, e, eps, cUp)
		}
		if num(t, r, "solver_degree_below") > float64(g) || num(t, r, "solver_degree_above") <= float64(g) ||
			num(t, r, "exponent_below") >= 2 || num(t, r, "exponent_above") < 2 {
			t.Errorf("n = %g: the solver's degrees around c_up (%s, %s) or exponents (%s, %s) disagree with g_max = %d",
				n, r["solver_degree_below"], r["solver_degree_above"], r["exponent_below"], r["exponent_above"], g)
		}
	}
	byN := map[string]map[string]float64{}
	for _, r := range csvTable(t, filepath.Join(dir, "lower.csv"), lowerColumns) {
		if r["built"] != "true" && r["form"] != "default δ=1/8" {
			t.Errorf("n = %s %s: not built in quick mode", r["n"], r["form"])
		}
		if r["built"] == "true" && (r["yes_ok"] != "true" || r["no_ok"] != "true" ||
			num(t, r, "realised_gap_yes") < 0.5 || num(t, r, "realised_gap_no") < 0.5) {
			t.Errorf("n = %s %s: YES %s, NO %s, realised gaps %s, %s", r["n"], r["form"], r["yes_ok"], r["no_ok"], r["realised_gap_yes"], r["realised_gap_no"])
		}
		nq, m, dim := int(num(t, r, "N")), int(num(t, r, "M")), int(num(t, r, "dim"))
		var p reduction.Params
		var err error
		if r["form"] == "tight δ=1/2" {
			p, err = reduction.TightOVParams(nq, m, dim, num(t, r, "delta"), 1/num(t, r, "n"))
		} else {
			p, err = reduction.OVParams(nq, m, dim, num(t, r, "delta"))
		}
		if err != nil {
			t.Fatal(err)
		}
		if c := num(t, r, "c"); c != p.BOverSqrtLnN || float64(p.Size) != num(t, r, "n") {
			t.Errorf("n = %s %s: c = %g, n = %d from the reduction; CSV says %g", r["n"], r["form"], p.BOverSqrtLnN, p.Size, c)
		}
		if byN[r["n"]] == nil {
			byN[r["n"]] = map[string]float64{}
		}
		byN[r["n"]][r["form"]] = num(t, r, "c")
	}
	for n, cs := range byN {
		if !(cs["tight δ=1/2"] < cs["default δ=1/2"] && cs["default δ=1/2"] < cs["default δ=1/8"]) {
			t.Errorf("n = %s: c_low %v; want tight < default at δ = 1/2 < default at δ = 1/8", n, cs)
		}
	}
}

func TestFirstAbove(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		errs   []float64
		want   float64
		neverp bool
	}{
		{[]float64{1e-8, 1e-6, 1e-4}, 2.5, false},       // log-interpolated between 1e-6 and 1e-4 at 1e-5
		{[]float64{1e-3, 1e-2}, 1, false},               // above from the first point
		{[]float64{0, 1e-2}, 2, false},                  // previous is 0: the point itself
		{[]float64{1e-8, inf}, 2, false},                // no output: the point itself
		{[]float64{1e-8, 1e-7, 1e-6}, math.NaN(), true}, // never above
	}
	for i, tt := range tests {
		cs := []float64{1, 2, 3}[:len(tt.errs)]
		got, never := firstAbove(cs, tt.errs, 1e-5)
		if never != tt.neverp || !(math.IsNaN(tt.want) && math.IsNaN(got) || math.Abs(got-tt.want) < 1e-12) {
			t.Errorf("case %d: firstAbove = %v, %v; want %v, %v", i, got, never, tt.want, tt.neverp)
		}
	}
	if got := above([]float64{1, 1e-9, 1, 1}, 0.5); got != 2 {
		t.Errorf("above = %d; want 2", got)
	}
}
