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
		softmax:      softmaxUpdateSIMD,
		accumulatePV: accumulatePVSIMD,
	}
}

//go:noescape
func dotTileAVX(s0, s1, q0, q1, kp *float64, groups, d int)

//go:noescape
func minMaxAVX(s *float64, n int) (lo, hi float64)

//go:noescape
func expShiftedAVX(s *float64, n int, m, invd float64) float64

//go:noescape
func expShiftedSafeAVX(s *float64, n int, m, invd float64) float64

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
	_, hi := minMaxSIMD(s)
	return hi
}

// minMaxSIMD returns min(+Inf, s...) and max(−Inf, s...) for NaN-free s.
func minMaxSIMD(s []float64) (lo, hi float64) {
	if len(s) == 0 {
		return posInf, negInf
	}
	return minMaxAVX(&s[0], len(s))
}

// softmaxUpdateSIMD is softmaxUpdate with one pass for the tile's minimum
// and maximum, which also tells whether the fast exp (all exponents
// normal) applies.
func softmaxUpdateSIMD(s []float64, m, l *float64, acc []float64, invd float64) {
	lo, tm := minMaxSIMD(s)
	mx := rescale(tm, m, l, acc, invd)
	*l += expShiftedVec(s, mx, invd, (lo-mx)*invd >= expFastMin)
}

// expFastMin is the least argument for which the fast vector exp is
// valid: x ≥ −708 gives k = round(x/ln 2) ≥ −1021, so 2^k is normal.
const expFastMin = -708

// expShiftedSIMD is expShifted with the exp of 4 logits per instruction
// (see "The vector exp" in kernel_amd64.s): k = round(x/ln 2), r = x − k·ln 2
// in two Cody–Waite steps, eʳ − 1 = r + r²·Q(r) with Q a degree-9
// Chebyshev fit on [−0.3466, 0.3466] (error below 0.07 ulp), and 2^k built
// in the exponent field. When some argument is below −708, the safe
// variant lifts the exponent by 1022 where k ≤ −1022 and multiplies the
// result by 2^−1022, so subnormal results are rounded once more, to the
// subnormal grid (≤ 1 ulp overall, tested against a 200-bit reference);
// it clamps arguments at −746, so results below e^−745.13 are 0 and a NaN
// argument gives 0, not NaN. The last len(s) mod 4 logits go through
// expNonPos.
func expShiftedSIMD(s []float64, m, invd float64) float64 {
	lo, _ := minMaxSIMD(s)
	return expShiftedVec(s, m, invd, (lo-m)*invd >= expFastMin)
}

// expShiftedVec runs the fast or the safe vector exp on the whole vectors
// of s and expNonPos on the rest.
func expShiftedVec(s []float64, m, invd float64, fast bool) float64 {
	n4 := len(s) &^ 3
	sum := 0.0
	switch {
	case n4 == 0:
	case fast:
		sum = expShiftedAVX(&s[0], n4, m, invd)
	default:
		sum = expShiftedSafeAVX(&s[0], n4, m, invd)
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
