//go:build unix

package attention

import "syscall"

// processCPUSeconds returns the user+system CPU time of this process, all
// threads, so benchmarks on a shared machine can report CPU seconds, which
// depend less on the load than wall time.
func processCPUSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
