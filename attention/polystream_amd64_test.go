//go:build amd64 && !purego

package attention

import "testing"

// TestPolyNoSIMDWithoutFeatures checks that a CPU without AVX2 or FMA gets
// the pure-Go block kernels.
func TestPolyNoSIMDWithoutFeatures(t *testing.T) {
	if k := newPolySIMDKernel(false); k != nil {
		t.Errorf("newPolySIMDKernel(false) = %s; want nil (pure Go)", k.name)
	}
}
