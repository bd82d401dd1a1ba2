//go:build !amd64 || purego

package attention

// polySIMDKernel is nil: this build has only the pure-Go block kernels.
var polySIMDKernel *polyKernel

// polyAVX512Kernel is nil: this build has no AVX-512 block kernels.
var polyAVX512Kernel *polyKernel
