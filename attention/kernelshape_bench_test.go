package attention

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkStreamShapes times the exact engine (the best kernel set of
// the machine) on the shapes the reductions build, including a single
// value column (d_v = 1, as in hardness run), and reports the rate
// counting both products, 2·n_q·n_k·(d + d_v) flops, per second of wall
// time and per second of the process's CPU time (which a shared machine
// distorts less; with -cpu 1 it is one core's rate).
func BenchmarkStreamShapes(b *testing.B) {
	for _, sh := range []struct{ nq, nk, d, dv int }{
		{8192, 16384, 128, 1}, {4096, 4096, 64, 64}, {8192, 8192, 128, 128}, {4096, 4096, 256, 256},
	} {
		rng := rand.New(rand.NewPCG(1, 1))
		q, k, v := randDense(rng, sh.nq, sh.d, 1), randDense(rng, sh.nk, sh.d, 1), randDense(rng, sh.nk, sh.dv, 1)
		b.Run(fmt.Sprintf("nq=%d,nk=%d,d=%d,dv=%d", sh.nq, sh.nk, sh.d, sh.dv), func(b *testing.B) {
			alg := NewStream(Options{})
			cpu0 := processCPUSeconds()
			for b.Loop() {
				if _, err := alg.Attend(context.Background(), q, k, v); err != nil {
					b.Fatal(err)
				}
			}
			flops := 2 * float64(sh.nq) * float64(sh.nk) * float64(sh.d+sh.dv)
			cpu := processCPUSeconds() - cpu0
			b.ReportMetric(flops*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "Gflop/s")
			b.ReportMetric(flops*float64(b.N)/cpu/1e9, "Gflop/cpu-s")
		})
	}
}
