//go:build amd64 && !purego

package attention

import "golang.org/x/sys/cpu"

// simdKernels are the AVX2 + FMA kernels of kernel_amd64.s, or nil when
// the CPU lacks AVX2 or FMA (or the OS does not save YMM registers, which
// cpu.X86.HasAVX2 already accounts for).
var simdKernels = newSIMDKernels(cpu.X86.HasAVX2 && cpu.X86.HasFMA)

func newSIMDKernels(ok bool) *kernels {
	if !ok {
		return nil
	}
	return &kernels{
		name:         "avx2",
		dotTile:      dotTileSIMD,
		maxOf:        maxSIMD,
		expShifted:   expShiftedSIMD,
		accumulatePV: accumulatePVSIMD,
	}
}

//go:noescape
func dotTileAVX(s0, s1, q0, q1, kp *float64, groups, d int)

//go:noescape
func maxAVX(s *float64, n int) float64

//go:noescape
func expShiftedAVX(s *float64, n int, m, invd float64) float64

//go:noescape
func accumulatePVAVX(acc0, acc1, p0, p1, v *float64, n, blocks, stride int)

// dotTileSIMD is dotTile on AVX2 + FMA: 2 rows × 16 keys per register
// block, one fused multiply-add per 4 products.
func dotTileSIMD(s0, s1, q0, q1, kp []float64, d int) {
	groups := len(kp) / (kr * d)
	if groups == 0 {
		return
	}
	if d <= 0 || len(q0) < d || len(q1) < d || len(s0) < kr*groups || len(s1) < kr*groups {
		panic("attention: dotTileSIMD: slices too short")
	}
	dotTileAVX(&s0[0], &s1[0], &q0[0], &q1[0], &kp[0], groups, d)
}

// maxSIMD returns max(−Inf, s...) for NaN-free s.
func maxSIMD(s []float64) float64 {
	if len(s) == 0 {
		return negInf
	}
	return maxAVX(&s[0], len(s))
}

// expShiftedSIMD is expShifted with the exp of 4 logits per instruction
// (see EXP4 in kernel_amd64.s): k = round(x/ln 2), r = x − k·ln 2 in two
// Cody–Waite steps, eʳ − 1 = r + r²·Q(r) with Q a degree-10 near-minimax
// (Chebyshev) fit on [−0.3466, 0.3466] whose error is below 0.002 ulp,
// and 2^k built in the exponent field; where x < −708 the exponent is
// lifted by 1022 and the result multiplied by 2^−1022, so subnormal
// results are rounded once more, to the subnormal grid (≤ 1 ulp, tested
// against a 200-bit reference). Arguments below −746 give 0 and a NaN
// argument gives 0, so a NaN is never produced. The last len(s) mod 4
// logits go through expNonPos.
func expShiftedSIMD(s []float64, m, invd float64) float64 {
	n4 := len(s) &^ 3
	sum := 0.0
	if n4 > 0 {
		sum = expShiftedAVX(&s[0], n4, m, invd)
	}
	for j := n4; j < len(s); j++ {
		p := expNonPos((s[j] - m) * invd)
		s[j] = p
		sum += p
	}
	return sum
}

// accumulatePVSIMD is accumulatePV on AVX2 + FMA: 2 rows × 16 columns per
// register block; the last d_v mod 4 columns are done in Go.
func accumulatePVSIMD(acc0, acc1, p0, p1, v []float64, dv, stride int) {
	n := len(p0)
	if n == 0 {
		return
	}
	if len(p1) < n || len(acc0) < dv || len(acc1) < dv || dv > stride || len(v) < (n-1)*stride+dv {
		panic("attention: accumulatePVSIMD: slices too short")
	}
	if blocks := dv / 4; blocks > 0 {
		accumulatePVAVX(&acc0[0], &acc1[0], &p0[0], &p1[0], &v[0], n, blocks, stride)
	}
	accumulatePVCols(acc0, acc1, p0, p1[:n], v, dv&^3, dv, stride)
}
