//go:build !amd64 || purego

package attention

// simdKernels is nil: this build has only the pure-Go kernels.
var simdKernels *kernels
