package suite

import (
	"math"
	"path/filepath"
	"testing"
)

// TestExactAttentionDecides generates small suites in every route and
// convention and checks, with an independent float64 softmax attention on
// the arrays as written, that (1) the decisive column is within the key's
// rounding bound of the stored exact T, and (2) reading it through the key
// (column, τ, tolerance, YES rows) decides every instance with margin ≥ 1.
// The slack 1e-12 covers this test's own float64 attention, which the
// bound (stated for exact arithmetic) does not.
func TestExactAttentionDecides(t *testing.T) {
	routes := []Options{
		{Routes: []string{"cnf"}, C: []float64{0, 7}},
		{Routes: []string{"ov"}, Gaps: []float64{0.15}, C: []float64{0, 2.5}},
		{Routes: []string{"ann"}, Eps: []float64{1}, C: []float64{0, 6}},
	}
	for _, tt := range []struct {
		name string
		mod  func(*Options)
	}{
		{"plain float64", func(*Options) {}},
		{"disguised float64", func(o *Options) { o.Disguise = true }},
		{"disguised float32", func(o *Options) { o.Disguise, o.DType = true, "float32" }},
		{"float32 sqrt-d bhnd", func(o *Options) { o.DType, o.LogitScale, o.Layout = "float32", "sqrt-d", "bhnd" }},
		{"disguised logit 1", func(o *Options) { o.Disguise, o.LogitScale = true, "1" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, o := range routes {
				o.Sizes, o.Count, o.Seed = []int{16, 32}, 2, 5
				tt.mod(&o)
				dir, entries := generate(t, o)
				if len(entries) != 2*2*2 {
					t.Fatalf("%d instances, want 8", len(entries))
				}
				for _, e := range entries {
					checkInstance(t, filepath.Join(dir, e.ID), o.LogitScale)
				}
			}
		})
	}
}

func checkInstance(t *testing.T, dir, conv string) {
	t.Helper()
	l := load(t, dir)
	e := &l.key.Entry
	nq, nk, d, dv := e.NQueries, e.NKeys, e.D, e.DV
	tt := attend(l.q.Data, l.k.Data, l.v.Data, nq, nk, d, dv, divisor(conv, d))
	yes := map[int]bool{}
	for _, r := range l.key.YesRows {
		yes[r] = true
	}
	if e.Yes() != (len(yes) > 0) {
		t.Errorf("%s: expected %s but %d YES rows", e.ID, e.Expected, len(yes))
	}
	worst := 0.0
	for r := range nq {
		x := tt[r*dv+e.Column]
		worst = max(worst, math.Abs(x-l.t.Data[r]))
		margin := (x - e.Tau) / e.Tolerance
		if !yes[r] {
			margin = -margin
		}
		if margin < 1-1e-12/e.Tolerance {
			t.Errorf("%s row %d (yes=%v): T = %.10g, τ = %.6g, tolerance %.3g: margin %.6f < 1", e.ID, r, yes[r], x, e.Tau, e.Tolerance, margin)
		}
	}
	if worst > e.RoundingBound+1e-12 {
		t.Errorf("%s: max |T(files) − T(key)| = %.3g above the rounding bound %.3g", e.ID, worst, e.RoundingBound)
	}
	if l.key.Exact.Margin < 1 {
		t.Errorf("%s: exact margin %.4g < 1", e.ID, l.key.Exact.Margin)
	}
}
