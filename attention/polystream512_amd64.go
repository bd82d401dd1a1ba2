//go:build amd64 && !purego

package attention

import "golang.org/x/sys/cpu"

// polyAVX512Kernel is the AVX-512 block kernel pair of
// polystream512_amd64.s, or nil without AVX-512 F.
var polyAVX512Kernel = newPolyAVX512Kernel(cpu.X86.HasAVX512F)

func newPolyAVX512Kernel(ok bool) *polyKernel {
	if !ok {
		return nil
	}
	return &polyKernel{name: "avx512", acc: polyAcc512Go, dot3: polyDot3512Go}
}

//go:noescape
func polyAcc512(acc, fb, x, vt *float64, parent, coord *int32, lo, hi, nstore, width int)

//go:noescape
func polyDot3512(t, fb, x, m *float64, parent, coord *int32, lo, hi, nstore int)

// polyAcc512Go is the acc kernel (see polyKernel) on AVX-512, with the
// bounds checks of polyAccSIMD.
func polyAcc512Go(acc, fb, x, vt []float64, parent, coord []int32, lo, hi, nstore, width int) {
	if lo >= hi {
		return
	}
	polyCheckBlock(fb, x, parent, coord, lo, hi, nstore)
	if width < 1 || len(vt) < width*polyB || len(acc) < hi*width {
		panic("attention: polyAcc512: slices too short")
	}
	polyAcc512(&acc[0], &fb[0], &x[0], &vt[0], &parent[0], &coord[0], lo, hi, nstore, width)
}

// polyDot3512Go is the dot3 kernel (see polyKernel) on AVX-512.
func polyDot3512Go(t, fb, x, m []float64, parent, coord []int32, lo, hi, nstore int) {
	if lo >= hi {
		return
	}
	polyCheckBlock(fb, x, parent, coord, lo, hi, nstore)
	if len(t) < 3*polyB || len(m) < 3*hi {
		panic("attention: polyDot3512: slices too short")
	}
	polyDot3512(&t[0], &fb[0], &x[0], &m[0], &parent[0], &coord[0], lo, hi, nstore)
}
