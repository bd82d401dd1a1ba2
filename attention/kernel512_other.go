//go:build !amd64 || purego

package attention

// avx512Kernels is nil: this build has no AVX-512 kernels.
var avx512Kernels *kernels

// fmaPeak512 is never called without AVX-512 kernels.
func fmaPeak512(int) { panic("attention: no AVX-512 kernels in this build") }

// bpAVX512 is nil: this build has no AVX-512 counting kernel.
var bpAVX512 *bpCounter

// avx512Kernels32 is nil: this build has only the pure-Go float32 kernels.
var avx512Kernels32 *kernels32
