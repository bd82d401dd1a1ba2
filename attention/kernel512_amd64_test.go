//go:build amd64 && !purego

package attention

import "testing"

// TestNoAVX512WithoutFeatures checks that a CPU without the AVX-512
// features gets no AVX-512 kernel set, so the AVX2 or pure-Go ones run.
func TestNoAVX512WithoutFeatures(t *testing.T) {
	if k := newAVX512Kernels(false); k != nil {
		t.Errorf("newAVX512Kernels(false) = %s; want nil", k.name)
	}
	if k := newAVX512Kernels32(false); k != nil {
		t.Errorf("newAVX512Kernels32(false) = %s; want nil", k.name)
	}
	if k := newBPAVX512(false); k != nil {
		t.Errorf("newBPAVX512(false) = %s; want nil", k.name)
	}
	if k := newPolyAVX512Kernel(false); k != nil {
		t.Errorf("newPolyAVX512Kernel(false) = %s; want nil", k.name)
	}
	t.Logf("AVX-512 kernels: exact %v, float32 %v, bitpacked %v, poly %v",
		avx512Kernels != nil, avx512Kernels32 != nil, bpAVX512 != nil, polyAVX512Kernel != nil)
}
