//go:build amd64 && !purego

package attention

import "golang.org/x/sys/cpu"

// avx512Kernels32 are the float32 kernels of kernel512f32_amd64.s, or nil
// without AVX-512 F and DQ.
var avx512Kernels32 = newAVX512Kernels32(cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ)

func newAVX512Kernels32(ok bool) *kernels32 {
	if !ok {
		return nil
	}
	return &kernels32{name: "avx512", qk: qkStrip512f32Go, pv: pvStrip512f32Go, maxOf: max512f32Go, exp: exp512f32Go}
}

//go:noescape
func qkStrip512f32(s, qp, kp *float32, lds, strips, panels, d int)

//go:noescape
func pvStrip512f32(acc *float64, p, v *float32, ldacc, ldp, ldv, n, dv int)

//go:noescape
func max512f32(s *float32, n int) float32

//go:noescape
func exp512f32(s *float32, n int, m, invd float32) float64

func qkStrip512f32Go(s []float32, lds int, qp, kp []float32, strips, panels, d int) {
	if panels <= 0 || strips <= 0 {
		return
	}
	if d <= 0 || lds < panels*strip32NR || len(s) < (strips*stripMR-1)*lds+panels*strip32NR ||
		len(qp) < strips*stripMR*d || len(kp) < panels*strip32NR*d {
		panic("attention: qkStrip512f32: slices too short")
	}
	qkStrip512f32(&s[0], &qp[0], &kp[0], lds, strips, panels, d)
}

func pvStrip512f32Go(acc []float64, ldacc int, p []float32, ldp int, v []float32, ldv, n, dv int) {
	if n <= 0 || dv <= 0 {
		return
	}
	if ldacc < dv || ldp < n || ldv < dv || len(acc) < (stripMR-1)*ldacc+dv ||
		len(p) < (stripMR-1)*ldp+n || len(v) < (n-1)*ldv+dv {
		panic("attention: pvStrip512f32: slices too short")
	}
	pvStrip512f32(&acc[0], &p[0], &v[0], ldacc, ldp, ldv, n, dv)
}

func max512f32Go(s []float32) float32 {
	if len(s) == 0 {
		return float32(negInf)
	}
	return max512f32(&s[0], len(s))
}

func exp512f32Go(s []float32, m, invd float32) float64 {
	if len(s) == 0 {
		return 0
	}
	return exp512f32(&s[0], len(s), m, invd)
}
