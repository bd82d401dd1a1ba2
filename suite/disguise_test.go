package suite

import (
	"math"
	"path/filepath"
	"testing"
)

// TestDisguiseKeepsDecisions generates the same suite with and without
// --disguise (the instance seeds do not depend on it) and checks, with
// exact float64 attention on the arrays as written, that every row of every
// disguised instance, mapped back through the key's query permutation, is
// decided exactly as in the plain instance, that the two T agree within the
// sum of their rounding bounds, and that the key reports B after the
// rotation (it changes) next to the construction's.
func TestDisguiseKeepsDecisions(t *testing.T) {
	for _, dtype := range []string{"float64", "float32"} {
		t.Run(dtype, func(t *testing.T) {
			o := Options{Routes: []string{"ov", "ann"}, Sizes: []int{32}, Gaps: []float64{0.15}, Eps: []float64{1},
				Count: 2, Seed: 11, DType: dtype}
			plainDir, plain := generate(t, o)
			o.Disguise = true
			disDir, dis := generate(t, o)
			for i := range plain {
				p, d := load(t, filepath.Join(plainDir, plain[i].ID)), load(t, filepath.Join(disDir, dis[i].ID))
				pk, dk := p.key, d.key
				if dk.Disguise == nil || len(dk.Disguise.QueryPerm) != pk.NQueries || dk.DV != 4 {
					t.Fatalf("%s: disguise not recorded: %+v, d_v %d", dk.ID, dk.Disguise, dk.DV)
				}
				if dk.B == dk.Source.BBefore || !(math.Abs(dk.Source.BBefore-pk.B) <= pk.B*0x1p-23) {
					t.Errorf("%s: B after rotation %.6g, before %.6g, plain %.6g: want the rotated B reported beside the construction's", dk.ID, dk.B, dk.Source.BBefore, pk.B)
				}
				tp := attend(p.q.Data, p.k.Data, p.v.Data, pk.NQueries, pk.NKeys, pk.D, pk.DV, float64(pk.D))
				td := attend(d.q.Data, d.k.Data, d.v.Data, dk.NQueries, dk.NKeys, dk.D, dk.DV, float64(dk.D))
				slack := pk.RoundingBound + dk.RoundingBound + 1e-12
				for r, orig := range dk.Disguise.QueryPerm {
					a, b := tp[orig*pk.DV+pk.Column], td[r*dk.DV+dk.Column]
					if (a > pk.Tau) != (b > dk.Tau) {
						t.Errorf("%s row %d (original %d): plain says %v, disguised %v", dk.ID, r, orig, a > pk.Tau, b > dk.Tau)
					}
					if !(math.Abs(a-b) <= slack) {
						t.Errorf("%s row %d: T %.12g vs %.12g, beyond the rounding bounds %.3g", dk.ID, r, a, b, slack)
					}
				}
			}
		})
	}
}
