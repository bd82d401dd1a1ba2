package attention

import (
	"context"
	"math"
)

// kernels is one implementation of the four inner loops of the streaming
// engine. goKernels (this file) is the reference and works everywhere;
// simdKernels (kernel_amd64.s, AVX2 + FMA) is used when the CPU has them
// and the build has no purego tag. Both are tested in every go test run.
type kernels struct {
	name         string
	dotTile      func(s0, s1, q0, q1, kp []float64, d int)
	maxOf        func(s []float64) float64
	expShifted   func(s []float64, m, invd float64) float64
	softmax      func(s []float64, m, l *float64, acc []float64, invd float64)
	accumulatePV func(acc0, acc1, p0, p1, v []float64, dv, stride int)
	// strip, when set, selects the strip path of the engine (kernelstrip.go),
	// which uses strip, maxOf, expShifted and softmax but not dotTile and
	// accumulatePV.
	strip *stripKernels
}

// goKernels are the pure-Go kernels.
var goKernels = &kernels{
	name:         "go",
	dotTile:      dotTile,
	maxOf:        maxOf,
	expShifted:   expShifted,
	softmax:      softmaxUpdate,
	accumulatePV: accumulatePV,
}

// kern is the kernel set Stream uses: the SIMD one when available. Tests
// switch it to run both.
var kern = defaultKernels()

func defaultKernels() *kernels {
	if avx512Kernels != nil {
		return avx512Kernels
	}
	if simdKernels != nil {
		return simdKernels
	}
	return goKernels
}

var negInf, posInf = math.Inf(-1), math.Inf(1)

// The pure-Go kernels of the streaming engine. A key tile is packed in
// groups of kr = 4 keys, the d coordinates of the four keys interleaved:
// kp[g·4d + 4c + r] = K[4g+r][c], zero-padded past the last key, so the
// micro-kernel reads one contiguous 4d block per group.
const kr = 4

// packKeys returns K packed for dotTile: ⌈n_k/4⌉ groups of 4·d values
// (packPanels with panels of kr keys).
func packKeys(k []float64, nk, d, stride int) []float64 {
	kp, _ := packPanels(context.Background(), k, nk, d, stride, kr)
	return kp
}

// dotTile sets s0[j] = ⟨q0, k_j⟩ and s1[j] = ⟨q1, k_j⟩ for the keys of
// the packed groups kp (len(kp) = 4·d·groups, len(s0), len(s1) ≥ 4·groups):
// a 2 × 4 register-blocked micro-kernel with eight independent
// accumulators. Cost 8·d multiply-adds per group.
func dotTile(s0, s1, q0, q1, kp []float64, d int) {
	q0, q1 = q0[:d], q1[:d]
	for j := 0; len(kp) >= kr*d; j += kr {
		kg := kp[:kr*d]
		kp = kp[kr*d:]
		var a0, a1, a2, a3, b0, b1, b2, b3 float64
		for c := range q0 {
			k := kg[kr*c : kr*c+kr : kr*c+kr]
			x, y := q0[c], q1[c]
			a0 += x * k[0]
			a1 += x * k[1]
			a2 += x * k[2]
			a3 += x * k[3]
			b0 += y * k[0]
			b1 += y * k[1]
			b2 += y * k[2]
			b3 += y * k[3]
		}
		o := s0[j : j+kr : j+kr]
		o[0], o[1], o[2], o[3] = a0, a1, a2, a3
		o = s1[j : j+kr : j+kr]
		o[0], o[1], o[2], o[3] = b0, b1, b2, b3
	}
}

// softmaxUpdate folds one key tile into a row's online softmax (Milakov
// and Gimelshein 2018; FlashAttention, Dao et al. 2022). s holds the raw
// dot products ⟨q, k_j⟩ of the tile; m is the running maximum of the raw
// dot products, l the running Σ_j exp((s_j − m)/d) and acc the running
// Σ_j exp((s_j − m)/d)·v_j. On return s holds the weights
// p_j = exp((s_j − m')/d) for the new maximum m', and l, acc are rescaled
// to m'. Each weight is at most 1, so nothing overflows; weights that
// underflow to 0 are those below e^−745 relative to the maximum.
func softmaxUpdate(s []float64, m, l *float64, acc []float64, invd float64) {
	mx := rescale(maxOf(s), m, l, acc, invd)
	*l += expShifted(s, mx, invd)
}

// rescale moves the running state m, l, acc of softmaxUpdate to the new
// maximum max(m, tm) and returns it.
func rescale(tm float64, m, l *float64, acc []float64, invd float64) float64 {
	mx := *m
	if tm > mx {
		if alpha := expNonPos((mx - tm) * invd); alpha != 1 {
			*l *= alpha
			for c := range acc {
				acc[c] *= alpha
			}
		}
		mx = tm
		*m = mx
	}
	return mx
}

// maxOf returns max(−Inf, s...) for NaN-free s.
func maxOf(s []float64) float64 {
	m := negInf
	for _, x := range s {
		m = max(m, x)
	}
	return m
}

// expShifted replaces each s_j by exp((s_j − m)·invd), for s_j ≤ m, and
// returns their sum. It is expNonPos written out in the loop: expNonPos
// costs 164 against Go's inlining budget of 80 (go build -gcflags=-m=2),
// so calling it would add a call per logit (the AVX2 kernel has its own exp).
func expShifted(s []float64, m, invd float64) float64 {
	sum := 0.0
	for j, sj := range s {
		x := (sj - m) * invd
		var p float64
		if x < -708 {
			p = Exp(x)
		} else {
			kd := x*expInvLn2N + expShift
			ki := math.Float64bits(kd)
			kd -= expShift
			r := (x - kd*expLn2HiN) - kd*expLn2LoN
			e := &expTable[ki%expN]
			r2 := r * r
			tmp := e.tail + r + r2*(1.0/2+r*(1.0/6)) + r2*r2*(1.0/24+r*(1.0/120))
			scale := math.Float64frombits(e.bits + ki<<(52-expBits))
			p = scale + scale*tmp
		}
		s[j] = p
		sum += p
	}
	return sum
}

// accumulatePV adds Σ_j p0_j·v_j to acc0 and Σ_j p1_j·v_j to acc1, where
// v_j = v[j·stride : j·stride+dv] and j < len(p0) = len(p1): a 2 × 4
// register-blocked update. Cost 2·dv multiply-adds per key.
func accumulatePV(acc0, acc1, p0, p1, v []float64, dv, stride int) {
	n := len(p0)
	p1 = p1[:n]
	if n == 0 {
		return
	}
	v = v[:(n-1)*stride+dv]
	acc0, acc1 = acc0[:dv], acc1[:dv]
	c := 0
	for ; c+4 <= dv; c += 4 {
		var a0, a1, a2, a3, b0, b1, b2, b3 float64
		off := c
		for j, x := range p0 {
			w := v[off : off+4 : off+4]
			off += stride
			y := p1[j]
			a0 += x * w[0]
			a1 += x * w[1]
			a2 += x * w[2]
			a3 += x * w[3]
			b0 += y * w[0]
			b1 += y * w[1]
			b2 += y * w[2]
			b3 += y * w[3]
		}
		o := acc0[c : c+4 : c+4]
		o[0] += a0
		o[1] += a1
		o[2] += a2
		o[3] += a3
		o = acc1[c : c+4 : c+4]
		o[0] += b0
		o[1] += b1
		o[2] += b2
		o[3] += b3
	}
	accumulatePVCols(acc0, acc1, p0, p1, v, c, dv, stride)
}

// accumulatePVCols is accumulatePV restricted to the columns [c0, dv), one
// at a time: the tail of the blocked kernels.
func accumulatePVCols(acc0, acc1, p0, p1, v []float64, c0, dv, stride int) {
	for c := c0; c < dv; c++ {
		var a, b float64
		off := c
		for j, x := range p0 {
			w := v[off]
			off += stride
			a += x * w
			b += p1[j] * w
		}
		acc0[c] += a
		acc1[c] += b
	}
}
