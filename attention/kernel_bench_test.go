package attention

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkKernels times the three kernels of one key tile for two query
// rows, per logit (pair of query row and key), for each kernel set.
func BenchmarkKernels(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, d := range []int{16, 64} {
		const bk = 512
		k := randDense(rng, bk, d, 1)
		kp := packKeys(k.RawMatrix().Data, bk, d, d)
		q := randDense(rng, 2, d, 1).RawMatrix().Data
		v := randDense(rng, bk, d, 1).RawMatrix().Data
		s0, s1 := make([]float64, bk), make([]float64, bk)
		acc0, acc1 := make([]float64, d), make([]float64, d)
		for _, ks := range kernelSets() {
			if ks.strip != nil {
				continue // BenchmarkStripKernels
			}
			b.Run(fmt.Sprintf("dot/d=%d/kernels=%s", d, ks.name), func(b *testing.B) {
				for b.Loop() {
					ks.dotTile(s0, s1, q, q[d:], kp, d)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(2*bk), "ns/logit")
			})
			b.Run(fmt.Sprintf("exp/d=%d/kernels=%s", d, ks.name), func(b *testing.B) {
				for b.Loop() {
					for i := range s0 {
						s0[i] = -float64(i) * 0.01
					}
					ks.expShifted(s0, 0, 1)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(bk), "ns/logit")
			})
			b.Run(fmt.Sprintf("pv/d=%d/kernels=%s", d, ks.name), func(b *testing.B) {
				for b.Loop() {
					ks.accumulatePV(acc0, acc1, s0, s1, v, d, d)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(2*bk), "ns/logit")
			})
		}
	}
}
