package sat

import (
	"math"
	"slices"
	"testing"
)

// checkShape checks that f has o's shape: Vars, Clauses, K distinct
// variables per clause, literals in range.
func checkShape(t *testing.T, f *Formula, o GenOptions) {
	t.Helper()
	if f.Vars != o.Vars || len(f.Clauses) != o.Clauses {
		t.Fatalf("%+v: got %d vars, %d clauses; want %d, %d", o, f.Vars, len(f.Clauses), o.Vars, o.Clauses)
	}
	for i, c := range f.Clauses {
		if len(c) != o.K {
			t.Fatalf("%+v: clause %d = %s has %d literals; want %d", o, i, c, len(c), o.K)
		}
		seen := map[int]bool{}
		for _, l := range c {
			if l == 0 || l.Var() > o.Vars || seen[l.Var()] {
				t.Fatalf("%+v: clause %d = %s has a literal out of range or a repeated variable", o, i, c)
			}
			seen[l.Var()] = true
		}
	}
}

func TestRandomShapeAndSeed(t *testing.T) {
	for _, o := range []GenOptions{
		{Vars: 20, Clauses: 91, K: 3, Seed: 1},
		{Vars: 5, Clauses: 40, K: 5, Seed: 2}, // K = Vars: every variable in every clause
		{Vars: 50, Clauses: 0, K: 2, Seed: 3},
		{Vars: 1, Clauses: 3, K: 1, Seed: 4},
	} {
		f, err := Random(o)
		if err != nil {
			t.Fatalf("Random(%+v) error %v", o, err)
		}
		checkShape(t, f, o)
		g, _ := Random(o)
		if !sameFormula(f, g) {
			t.Errorf("Random(%+v) twice gave different formulas", o)
		}
		o2 := o
		o2.Seed += 100
		if h, _ := Random(o2); o.Clauses > 0 && o.Vars > 1 && sameFormula(f, h) {
			t.Errorf("Random with seeds %d and %d gave the same formula", o.Seed, o2.Seed)
		}
	}
}

// TestRandomIsUniform checks signs and variables over 30000 literals: each
// sign about half, each of 10 variables about a tenth.
func TestRandomIsUniform(t *testing.T) {
	o := GenOptions{Vars: 10, Clauses: 10000, K: 3, Seed: 5}
	f, _ := Random(o)
	neg, perVar := 0, make([]int, o.Vars+1)
	for _, c := range f.Clauses {
		for _, l := range c {
			if l.Neg() {
				neg++
			}
			perVar[l.Var()]++
		}
	}
	n := float64(f.NumLits())
	if p := float64(neg) / n; !(math.Abs(p-0.5) <= 0.02) {
		t.Errorf("fraction of negative literals = %.3f; want 0.5 ± 0.02", p)
	}
	for v := 1; v <= o.Vars; v++ {
		if p := float64(perVar[v]) / n; !(math.Abs(p-0.1) <= 0.01) {
			t.Errorf("fraction of literals on x%d = %.3f; want 0.1 ± 0.01", v, p)
		}
	}
}

func TestPlanted(t *testing.T) {
	for seed := range uint64(20) {
		o := GenOptions{Vars: 30, Clauses: 200, K: 1 + int(seed%5), Seed: seed}
		f, a, err := Planted(o)
		if err != nil {
			t.Fatalf("Planted(%+v) error %v", o, err)
		}
		checkShape(t, f, o)
		if a.Vars() != o.Vars {
			t.Fatalf("Planted(%+v) assignment has %d variables; want %d", o, a.Vars(), o.Vars)
		}
		if err := Verify(f, a); err != nil {
			t.Errorf("Planted(%+v): planted assignment fails: %v", o, err)
		}
		g, b, _ := Planted(o)
		if !sameFormula(f, g) || !slices.Equal(a, b) {
			t.Errorf("Planted(%+v) twice gave different results", o)
		}
	}
}

// TestPlantedIsUniformOverSatisfiedClauses checks the rejection sampler:
// among the 7 sign patterns of a 3-clause that the planted assignment
// satisfies, 3 have one true literal, 3 two and 1 three.
func TestPlantedIsUniformOverSatisfiedClauses(t *testing.T) {
	o := GenOptions{Vars: 40, Clauses: 21000, K: 3, Seed: 9}
	f, a, _ := Planted(o)
	var hist [4]int
	for _, c := range f.Clauses {
		n := 0
		for _, l := range c {
			if a.Sat(l) {
				n++
			}
		}
		hist[n]++
	}
	want := [4]float64{0, 3.0 / 7, 3.0 / 7, 1.0 / 7}
	for j := range hist {
		if p := float64(hist[j]) / float64(o.Clauses); !(math.Abs(p-want[j]) <= 0.015) {
			t.Errorf("fraction of clauses with %d true literals = %.3f; want %.3f ± 0.015", j, p, want[j])
		}
	}
}

func TestGenOptionsErrors(t *testing.T) {
	for _, o := range []GenOptions{
		{Vars: 5, Clauses: 1, K: 0},
		{Vars: 2, Clauses: 1, K: 3},
		{Vars: 5, Clauses: -1, K: 3},
	} {
		if _, err := Random(o); err == nil {
			t.Errorf("Random(%+v) = nil error; want an error", o)
		}
		if _, _, err := Planted(o); err == nil {
			t.Errorf("Planted(%+v) = nil error; want an error", o)
		}
	}
}

func TestClausesForRatio(t *testing.T) {
	for _, tt := range []struct {
		v     int
		ratio float64
		want  int
	}{{20, 4.55, 91}, {50, 4.36, 218}, {100, 4.26, 426}, {10, 0, 0}, {3, 0.5, 2},
		{10, math.NaN(), -1}, {10, -1, -1}, {10, 2e16, MaxClauses + 1}, {10, math.Inf(1), MaxClauses + 1}} {
		if got := ClausesForRatio(tt.v, tt.ratio); got != tt.want {
			t.Errorf("ClausesForRatio(%d, %g) = %d; want %d", tt.v, tt.ratio, got, tt.want)
		}
	}
}
