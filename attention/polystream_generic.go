//go:build !amd64 || purego

package attention

// polySIMDKernel is nil: this build has only the pure-Go block kernels.
var polySIMDKernel *polyKernel
