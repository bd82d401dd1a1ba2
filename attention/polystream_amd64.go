//go:build amd64 && !purego

package attention

import "golang.org/x/sys/cpu"

// polySIMDKernel is the AVX2 + FMA block kernel pair of
// polystream_amd64.s, or nil when the CPU lacks AVX2 or FMA.
var polySIMDKernel = newPolySIMDKernel(cpu.X86.HasAVX2 && cpu.X86.HasFMA)

func newPolySIMDKernel(ok bool) *polyKernel {
	if !ok {
		return nil
	}
	return &polyKernel{name: "avx2", acc: polyAccSIMD, dot3: polyDot3SIMD}
}

//go:noescape
func polyAccAVX(acc, fb, x, vt *float64, parent, coord *int32, lo, hi, nstore, width int)

//go:noescape
func polyDot3AVX(t, fb, x, m *float64, parent, coord *int32, lo, hi, nstore int)

// polyCheckBlock panics unless the kernel range fits the slices: fb has
// room for the features below min(nstore, hi). That every parent and
// coordinate of the program is in range (parent[f] < f, parent[f] <
// start[g] ≤ len(fb)/polyB, coord[f] < d) is checked once per program by
// polyCheckProgram when the buffers are made. Cost O(1).
func polyCheckBlock(fb, x []float64, parent, coord []int32, lo, hi, nstore int) {
	if lo < 1 || hi > len(parent) || hi > len(coord) || min(nstore, hi)*polyB > len(fb) || len(x) < polyB {
		panic("attention: poly block kernel: range out of bounds")
	}
}

// polyAccSIMD is the acc kernel (see polyKernel) on AVX2 + FMA.
func polyAccSIMD(acc, fb, x, vt []float64, parent, coord []int32, lo, hi, nstore, width int) {
	if lo >= hi {
		return
	}
	polyCheckBlock(fb, x, parent, coord, lo, hi, nstore)
	if width < 1 || len(vt) < width*polyB || len(acc) < hi*width {
		panic("attention: polyAccSIMD: slices too short")
	}
	polyAccAVX(&acc[0], &fb[0], &x[0], &vt[0], &parent[0], &coord[0], lo, hi, nstore, width)
}

// polyDot3SIMD is the dot3 kernel (see polyKernel) on AVX2 + FMA.
func polyDot3SIMD(t, fb, x, m []float64, parent, coord []int32, lo, hi, nstore int) {
	if lo >= hi {
		return
	}
	polyCheckBlock(fb, x, parent, coord, lo, hi, nstore)
	if len(t) < 3*polyB || len(m) < 3*hi {
		panic("attention: polyDot3SIMD: slices too short")
	}
	polyDot3AVX(&t[0], &fb[0], &x[0], &m[0], &parent[0], &coord[0], lo, hi, nstore)
}
