package experiments

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
)

func TestHardnessQuick(t *testing.T) {
	dir, _ := quickRun(t, "hardness")
	checkPlots(t, dir, "b_over_sqrt_ln_n", "poly_at_exact_budget")
	rows := csvTable(t, filepath.Join(dir, "hardness.csv"), hardnessColumns)
	fams := map[string][]float64{}
	for _, r := range rows {
		if r["exact_correct"] != "true" {
			t.Errorf("%s %s N = %s: exact attention decoded %s; want the right verdict", r["family"], r["truth"], r["N"], r["exact_verdict"])
		}
		// A trusted verdict must be right; an untrusted one is only recorded.
		if r["poly_trusted"] == "true" && r["poly_correct"] != "true" {
			t.Errorf("%s N = %s: poly was trusted but decoded %s", r["family"], r["N"], r["poly_verdict"])
		}
		if num(t, r, "poly_certified_err") < num(t, r, "tolerance") {
			t.Errorf("%s N = %s: poly on exact's budget certifies %g below the tolerance %g", r["family"], r["N"], num(t, r, "poly_certified_err"), num(t, r, "tolerance"))
		}
		delta, ratio := num(t, r, "gap_delta"), num(t, r, "B_over_sqrt_ln_n")
		if bound := math.Sqrt(2 / delta); ratio > bound+1e-9 {
			t.Errorf("%s N = %s: B/√ln n = %g above √(2/δ) = %g", r["family"], r["N"], ratio, bound)
		}
		fams[r["family"]] = append(fams[r["family"]], ratio)
	}
	if len(fams) != 3 {
		t.Errorf("families %v; want planted Gap-OV and the two CNF families", fams)
	}
	for f, rs := range fams {
		if strings.HasSuffix(f, "planted") {
			continue // satisfiable formulas have gap ~1/v: B/√ln n grows like √v
		}
		if lo, hi := minOf(rs), maxOf(rs); hi > 1.5*lo {
			t.Errorf("%s: B/√ln n from %g to %g; want roughly flat", f, lo, hi)
		}
	}
}
