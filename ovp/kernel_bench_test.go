package ovp

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkKernelFilter4 measures the decision kernel alone on one core:
// four rows of A against an L1-resident tile of B words.
func BenchmarkKernelFilter4(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	tile := make([]uint64, tileRows(1))
	for k := range tile {
		tile[k] = r.Uint64() | 1
	}
	a := [4]uint64{r.Uint64() | 1, r.Uint64() | 1, r.Uint64() | 1, r.Uint64() | 1}
	n := 0
	for b.Loop() {
		n += filter4(a[0], a[1], a[2], a[3], tile)
	}
	benchSink = n
	b.ReportMetric(float64(4*len(tile))*float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
}
