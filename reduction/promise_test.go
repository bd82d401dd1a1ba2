package reduction

import (
	"testing"

	"github.com/hardnesslab/hardness/ovp"
)

// TestDisprove checks the proof of a false promise against a brute-force
// scan of the row on random instances and gaps.
func TestDisprove(t *testing.T) {
	for seed := range uint64(30) {
		x := randomOV(5, 9, 20, 0.3, seed)
		for _, delta := range []float64{0.05, 0.1, 0.2, 0.3, 0.5} {
			for i := range x.N() {
				least := -1
				for j := range x.M() {
					if d := x.Dot(i, j); d > 0 && (least < 0 || d < least) {
						least = d
					}
				}
				v, ok := Disprove(x, i, delta)
				want := least > 0 && float64(least) < delta*20
				if ok != want {
					t.Fatalf("seed %d δ %g row %d: ok = %v; want %v (least %d, δm = %g)", seed, delta, i, ok, want, least, delta*20)
				}
				if ok && (v.Dot != least || x.Dot(i, v.Partner) != least || v.Row != i || v.Need != delta*20) {
					t.Fatalf("seed %d δ %g row %d: %+v; want dot %d", seed, delta, i, v, least)
				}
			}
		}
	}
	x := ovp.New(1, 2, 30)
	x.Set(ovp.A, 0, 3, true)
	x.Set(ovp.B, 1, 3, true)
	v, ok := Disprove(x, 0, 0.72)
	if want := "promised δ = 0.72 is false: row 0 has ⟨a_0, b_1⟩ = 1 < δ·m = 21.6 (j = 1)"; !ok || v.String() != want {
		t.Errorf("Disprove = %q, %v; want %q", v, ok, want)
	}
}
