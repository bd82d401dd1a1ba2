package attention

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// polyTestKernels are the block kernels available in this build.
func polyTestKernels() []*polyKernel {
	ks := []*polyKernel{polyGoKernel}
	for _, k := range []*polyKernel{polySIMDKernel, polyAVX512Kernel} {
		if k != nil {
			ks = append(ks, k)
		}
	}
	return ks
}

// TestPolyBlockKernels checks each block kernel against row-by-row
// evaluation of the monomials (mono.eval) and plain sums.
func TestPolyBlockKernels(t *testing.T) {
	for _, kern := range polyTestKernels() {
		for _, tc := range []struct{ d, g, width int }{{1, 0, 1}, {1, 3, 2}, {3, 2, 4}, {8, 6, 9}, {5, 4, 7}, {4, 3, 8}, {3, 3, 17}, {6, 2, 24}} {
			t.Run(fmt.Sprintf("%s/d=%d,g=%d,width=%d", kern.name, tc.d, tc.g, tc.width), func(t *testing.T) {
				testPolyBlockKernel(t, kern, tc.d, tc.g, tc.width)
			})
		}
	}
}

func testPolyBlockKernel(t *testing.T, kern *polyKernel, d, g, width int) {
	rng := rand.New(rand.NewPCG(uint64(d), uint64(g)))
	r := int(Rank(d, g))
	mono := newPolyMonomials(d, g, r)
	wb := newPolyWork(mono, d, width)
	rows := make([][]float64, polyB)
	feat := make([][]float64, polyB)
	for i := range rows {
		rows[i] = make([]float64, d)
		feat[i] = make([]float64, r)
		for c := range rows[i] {
			rows[i][c] = 2*rng.Float64() - 1
			wb.x[c*polyB+i] = rows[i][c]
		}
		mono.eval(feat[i], rows[i])
	}
	for i := range wb.vt {
		wb.vt[i] = 2*rng.Float64() - 1
	}
	m := make([]float64, 3*r)
	for i := range m {
		m[i] = 2*rng.Float64() - 1
	}
	polyOnes(wb.fb)
	acc := make([]float64, r*width)
	kern.acc(acc, wb.fb, wb.x, wb.vt, mono.parent, mono.coord, 1, r, mono.start[g], width)
	for f := 1; f < r; f++ {
		for c := range width {
			want, scale := 0.0, 0.0
			for i := range polyB {
				want += feat[i][f] * wb.vt[c*polyB+i]
				scale += math.Abs(feat[i][f] * wb.vt[c*polyB+i])
			}
			if got := acc[f*width+c]; !(math.Abs(got-want) <= 1e-14*scale) {
				t.Fatalf("acc[%d][%d] = %v; want %v", f, c, got, want)
			}
		}
	}
	tt := make([]float64, 3*polyB)
	polyOnes(wb.fb[:polyB])
	kern.dot3(tt, wb.fb, wb.x, m, mono.parent, mono.coord, 1, r, mono.start[g])
	for i := range polyB {
		for j := range 3 {
			want, scale := 0.0, 0.0
			for f := 1; f < r; f++ {
				want += feat[i][f] * m[3*f+j]
				scale += math.Abs(feat[i][f] * m[3*f+j])
			}
			if got := tt[j*polyB+i]; !(math.Abs(got-want) <= 1e-14*scale+1e-300) {
				t.Fatalf("t[%d][%d] = %v; want %v", j, i, got, want)
			}
		}
	}
}

// BenchmarkPolyBlockKernels times each block kernel pair on one block of
// the degree-4 program in d = 16 (r = 4845 features) with d_v + 1 = 17
// columns, per feature.
func BenchmarkPolyBlockKernels(b *testing.B) {
	const d, g, width = 16, 4, 17
	r := int(Rank(d, g))
	mono := newPolyMonomials(d, g, r)
	wb := newPolyWork(mono, d, width)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range wb.x {
		wb.x[i] = 2*rng.Float64() - 1
	}
	for i := range wb.vt {
		wb.vt[i] = 2*rng.Float64() - 1
	}
	m := make([]float64, 3*r)
	acc := make([]float64, r*width)
	tt := make([]float64, 3*polyB)
	for _, kern := range polyTestKernels() {
		b.Run("acc/kernels="+kern.name, func(b *testing.B) {
			polyOnes(wb.fb)
			for b.Loop() {
				kern.acc(acc, wb.fb, wb.x, wb.vt, mono.parent, mono.coord, 1, r, mono.start[g], width)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(r), "ns/feature")
		})
		b.Run("dot3/kernels="+kern.name, func(b *testing.B) {
			polyOnes(wb.fb)
			for b.Loop() {
				kern.dot3(tt, wb.fb, wb.x, m, mono.parent, mono.coord, 1, r, mono.start[g])
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(r), "ns/feature")
		})
	}
}
