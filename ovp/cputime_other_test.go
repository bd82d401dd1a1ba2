//go:build !unix

package ovp

import "time"

// cpuTime is unavailable here; benchmarks then omit pairs/cpu-s.
func cpuTime() time.Duration { return 0 }
