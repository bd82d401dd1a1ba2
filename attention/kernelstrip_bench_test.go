package attention

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkStreamKernels times the whole engine with each kernel set on
// n × n × d inputs (d_v = d, entries uniform in [−1, 1]) and reports the
// rate counting the two products, 4·n²·d flops.
func BenchmarkStreamKernels(b *testing.B) {
	for _, sh := range []struct{ n, d int }{{16384, 16}, {4096, 64}, {8192, 128}} {
		rng := rand.New(rand.NewPCG(1, 1))
		q, k, v := randDense(rng, sh.n, sh.d, 1), randDense(rng, sh.n, sh.d, 1), randDense(rng, sh.n, sh.d, 1)
		for _, ks := range kernelSets() {
			if ks == goKernels || ks == goStripKernels {
				continue // minutes per run; tested, not timed
			}
			b.Run(fmt.Sprintf("n=%d,d=%d/kernels=%s", sh.n, sh.d, ks.name), func(b *testing.B) {
				saved := kern
				kern = ks
				defer func() { kern = saved }()
				alg := NewStream(Options{})
				for b.Loop() {
					if _, err := alg.Attend(context.Background(), q, k, v); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(4*float64(sh.n)*float64(sh.n)*float64(sh.d)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "Gflop/s")
			})
		}
	}
}

// BenchmarkFMAPeak measures the machine's float64 FMA peak: every
// goroutine (GOMAXPROCS of them) runs 24 independent chains of AVX-512
// fused multiply-adds on registers, 384 flops per loop iteration, and the
// benchmark reports the total rate. It is the denominator of the engine's
// "fraction of peak" in the README.
func BenchmarkFMAPeak(b *testing.B) {
	if avx512Kernels == nil {
		b.Skip("no AVX-512 kernels in this build or on this CPU")
	}
	const iters = 1 << 16
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			fmaPeak512(iters)
		}
	})
	b.ReportMetric(384*iters*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "Gflop/s")
}
