package ovp

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

var (
	benchMu    sync.Mutex
	benchCache = map[benchKey]*Instance{}
)

type benchKey struct {
	logN, m int
	rho     float64
}

// benchInstance returns a planted NO instance (no orthogonal pair, so no
// early exit) of 2^logN + 2^logN vectors of dimension m and density rho,
// cached.
func benchInstance(b *testing.B, logN, m int, rho float64) *Instance {
	b.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	key := benchKey{logN, m, rho}
	if x, ok := benchCache[key]; ok {
		return x
	}
	p, err := PlantGap(context.Background(), GapOptions{N: 1 << logN, M: 1 << logN, Dim: m, Density: rho, Gap: 1 / float64(m), Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	benchCache[key] = p.Instance
	return p.Instance
}

var benchSink any

// BenchmarkFindOrthogonal measures pair tests per second of the decision
// solver on NO instances (every pair is tested), on all cores.
func BenchmarkFindOrthogonal(b *testing.B) {
	for _, logN := range []int{14, 16} {
		for _, m := range []int{64, 128, 256} {
			b.Run(fmt.Sprintf("N=M=2^%d/m=%d", logN, m), func(b *testing.B) {
				x := benchInstance(b, logN, m, 0.5)
				c0 := cpuTime()
				b.ResetTimer()
				for b.Loop() {
					r, err := FindOrthogonal(context.Background(), x, Options{})
					if err != nil || r.Found {
						b.Fatalf("FindOrthogonal = %v, %v; want a NO instance", r, err)
					}
					benchSink = r
				}
				reportPairs(b, x, cpuTime()-c0)
			})
		}
	}
}

// BenchmarkFindOrthogonalSparse runs the decision solver on a sparse NO
// instance (density 0.2, m = 256), where the first-word test fails for
// 0.96^64 ≈ 7% of the pairs and they are checked on all words.
func BenchmarkFindOrthogonalSparse(b *testing.B) {
	x := benchInstance(b, 14, 256, 0.2)
	c0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		r, err := FindOrthogonal(context.Background(), x, Options{})
		if err != nil || r.Found {
			b.Fatalf("FindOrthogonal = %v, %v; want a NO instance", r, err)
		}
		benchSink = r
	}
	reportPairs(b, x, cpuTime()-c0)
}

// BenchmarkMinInnerProduct measures pairs per second of the full
// inner-product histogram (popcount on every word of every pair).
func BenchmarkMinInnerProduct(b *testing.B) {
	for _, logN := range []int{14} {
		for _, m := range []int{64, 128, 256} {
			b.Run(fmt.Sprintf("N=M=2^%d/m=%d", logN, m), func(b *testing.B) {
				x := benchInstance(b, logN, m, 0.5)
				c0 := cpuTime()
				b.ResetTimer()
				for b.Loop() {
					s, err := MinInnerProduct(context.Background(), x, Options{})
					if err != nil {
						b.Fatal(err)
					}
					benchSink = s
				}
				reportPairs(b, x, cpuTime()-c0)
			})
		}
	}
}

// reportPairs reports pairs/s (wall clock, all cores) and, where the CPU
// time is known, pairs/cpu-s (per core, robust to a shared machine).
func reportPairs(b *testing.B, x *Instance, cpu time.Duration) {
	pairs := float64(x.Pairs()) * float64(b.N)
	b.ReportMetric(pairs/b.Elapsed().Seconds(), "pairs/s")
	if cpu > 0 {
		b.ReportMetric(pairs/cpu.Seconds(), "pairs/cpu-s")
	}
}
