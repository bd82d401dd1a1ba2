//go:build !unix

package main

import "runtime/metrics"

// peakRSS returns, where getrusage is missing, the memory the Go runtime
// has mapped from the system now (not a peak, but an upper bound on the
// heap in use), in bytes.
func peakRSS() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}

// cpuSeconds is unknown here: 0.
func cpuSeconds() float64 { return 0 }
