//go:build amd64 && !purego

package attention

import "golang.org/x/sys/cpu"

// avx512Kernels are the AVX-512 kernels of kernel512_amd64.s on the strip
// path, or nil when the CPU (or the OS, which x/sys/cpu accounts for)
// lacks AVX-512 F and DQ.
var avx512Kernels = newAVX512Kernels(cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ)

func newAVX512Kernels(ok bool) *kernels {
	if !ok {
		return nil
	}
	return &kernels{
		name:       "avx512",
		maxOf:      max512Go,
		expShifted: exp512Go,
		softmax:    softmax512,
		strip:      &stripKernels{qk: qkStrip512Go, pv: pvStrip512Go},
	}
}

//go:noescape
func qkStrip512(s, qp, kp *float64, lds, strips, panels, d int)

//go:noescape
func pvStrip512(acc, p, v *float64, ldacc, ldp, ldv, n, dv int)

//go:noescape
func pvCol512(acc, p, v *float64, ldacc, ldp, n int)

//go:noescape
func max512(s *float64, n int) float64

//go:noescape
func exp512(s *float64, n int, m, invd float64) float64

//go:noescape
func fmaPeak512(n int)

// qkStrip512Go checks the bounds of qkStrip512 (see stripKernels.qk).
func qkStrip512Go(s []float64, lds int, qp, kp []float64, strips, panels, d int) {
	if panels <= 0 || strips <= 0 {
		return
	}
	if d <= 0 || lds < panels*stripNR || len(s) < (strips*stripMR-1)*lds+panels*stripNR ||
		len(qp) < strips*stripMR*d || len(kp) < panels*stripNR*d {
		panic("attention: qkStrip512: slices too short")
	}
	qkStrip512(&s[0], &qp[0], &kp[0], lds, strips, panels, d)
}

// pvStrip512Go checks the bounds of pvStrip512 (see stripKernels.pv) and
// runs pvCol512 instead for one contiguous value column.
func pvStrip512Go(acc []float64, ldacc int, p []float64, ldp int, v []float64, ldv, n, dv int) {
	if n <= 0 || dv <= 0 {
		return
	}
	if ldacc < dv || ldp < n || ldv < dv || len(acc) < (stripMR-1)*ldacc+dv ||
		len(p) < (stripMR-1)*ldp+n || len(v) < (n-1)*ldv+dv {
		panic("attention: pvStrip512: slices too short")
	}
	if dv == 1 && ldv == 1 {
		pvCol512(&acc[0], &p[0], &v[0], ldacc, ldp, n)
		return
	}
	pvStrip512(&acc[0], &p[0], &v[0], ldacc, ldp, ldv, n, dv)
}

// max512Go is maxOf on AVX-512.
func max512Go(s []float64) float64 {
	if len(s) == 0 {
		return negInf
	}
	return max512(&s[0], len(s))
}

// exp512Go is expShifted on AVX-512: the whole slice, tail masked, one
// code path for normal, subnormal and zero results (VSCALEFPD), error
// within 2 ulp (TestExpVector).
func exp512Go(s []float64, m, invd float64) float64 {
	if len(s) == 0 {
		return 0
	}
	return exp512(&s[0], len(s), m, invd)
}

// softmax512 is softmaxUpdate on AVX-512.
func softmax512(s []float64, m, l *float64, acc []float64, invd float64) {
	mx := rescale(max512Go(s), m, l, acc, invd)
	*l += exp512Go(s, mx, invd)
}

// bpAVX512 is the counting kernel pair of Bitpacked on AVX-512 with
// VPOPCNTQ (8 keys per instruction) and a gather of the weights, or nil
// without AVX-512 F, VL and VPOPCNTDQ.
var bpAVX512 = newBPAVX512(cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL && cpu.X86.HasAVX512VPOPCNTDQ && cpu.X86.HasAVX512DQ)

func newBPAVX512(ok bool) *bpCounter {
	if !ok {
		return nil
	}
	return &bpCounter{name: "avx512 vpopcntq", packed: true, min: bpMin512Go, sum: bpSum512Go}
}

//go:noescape
func bpMin512(q, kp *uint64, words, nk int) int

//go:noescape
func bpSum512(q, kp *uint64, words, nk int, table, v *float64) (l, acc float64)

// bpCheck panics unless the packed operands of e fit q and a table of
// tableLen entries (which must cover every count c ≤ 64·words).
func bpCheck(e *bpEngine, q []uint64, tableLen int) {
	panels := (e.nk + 7) / 8
	if e.nk < 1 || e.words < 1 || len(q) < e.words || len(e.kp) < panels*8*e.words ||
		len(e.vcol) < panels*8 || tableLen < 64*e.words+1 {
		panic("attention: bitpacked AVX-512 kernel: slices too short")
	}
}

// bpMin512Go is the min kernel (see bpCounter) on AVX-512.
func bpMin512Go(e *bpEngine, q []uint64) int {
	bpCheck(e, q, 64*e.words+1) // no table here
	return bpMin512(&q[0], &e.kp[0], e.words, e.nk)
}

// bpSum512Go is the sum kernel (see bpCounter) on AVX-512, for d_v = 1.
func bpSum512Go(e *bpEngine, q []uint64, table, acc []float64) float64 {
	bpCheck(e, q, len(table))
	l, a := bpSum512(&q[0], &e.kp[0], e.words, e.nk, &table[0], &e.vcol[0])
	acc[0] += a
	return l
}
