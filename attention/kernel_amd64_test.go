//go:build amd64 && !purego

package attention

import (
	"math"
	"testing"
)

// TestExpVectorVariants checks the choice between the fast and the safe
// vector exp and that the safe one turns NaN and −Inf into 0.
func TestExpVectorVariants(t *testing.T) {
	if simdKernels == nil {
		t.Skip("no AVX2/FMA on this CPU")
	}
	s := []float64{math.NaN(), -1, math.Inf(-1), 0, -800, -745.2, -700, -1e300}
	want := []float64{0, math.Exp(-1), 0, 1, 0, 0, math.Exp(-700), 0}
	sum := expShiftedVec(s, 0, 1, false)
	for i := range s {
		if ulpDiff(s[i], want[i]) > 1 || math.IsNaN(s[i]) {
			t.Errorf("safe exp[%d] = %v; want %v", i, s[i], want[i])
		}
	}
	if w := want[1] + 1 + want[6]; !(math.Abs(sum-w) <= 1e-15) {
		t.Errorf("safe exp sum = %v; want %v", sum, w)
	}
	// The fast variant agrees bit for bit with the safe one where it applies.
	xs := []float64{-708, -500, -1e-3, 0, -3.5, -700.25, -1, -2}
	a, b := append([]float64(nil), xs...), append([]float64(nil), xs...)
	expShiftedVec(a, 0, 1, true)
	expShiftedVec(b, 0, 1, false)
	for i := range xs {
		if a[i] != b[i] {
			t.Errorf("fast exp(%v) = %v; want safe %v", xs[i], a[i], b[i])
		}
	}
}

// TestNoSIMDWithoutFeatures checks that a CPU without AVX2 or FMA gets the
// pure-Go kernels.
func TestNoSIMDWithoutFeatures(t *testing.T) {
	if k := newSIMDKernels(false); k != nil {
		t.Errorf("newSIMDKernels(false) = %s; want nil (pure Go)", k.name)
	}
}
