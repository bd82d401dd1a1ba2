//go:build !unix

package attention

import "math"

// processCPUSeconds is not available here: benchmarks report NaN.
func processCPUSeconds() float64 { return math.NaN() }
