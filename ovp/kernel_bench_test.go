package ovp

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkKernelFilter8 measures the decision kernel alone on one core:
// eight rows of A against an L1-resident tile of B words.
func BenchmarkKernelFilter8(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	tile := make([]uint64, tileRows(1))
	for k := range tile {
		tile[k] = r.Uint64() | 1
	}
	var a [8]uint64
	for k := range a {
		a[k] = r.Uint64() | 1
	}
	n := 0
	for b.Loop() {
		n += filter8(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], tile)
	}
	benchSink = n
	b.ReportMetric(float64(8*len(tile))*float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
}
