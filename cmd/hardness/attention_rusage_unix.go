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
