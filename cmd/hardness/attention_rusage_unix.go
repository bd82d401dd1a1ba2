//go:build unix

package main

import (
	"runtime"
	"syscall"
)

// peakRSS returns the peak resident set size of this process in bytes
// (getrusage's ru_maxrss: kilobytes on Linux and the BSDs, bytes on macOS),
// or 0 if unknown.
func peakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return int64(ru.Maxrss)
	}
	return int64(ru.Maxrss) * 1024
}

// cpuSeconds returns the user plus system CPU time of this process so
// far, in seconds (getrusage), or 0 if unknown.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}
