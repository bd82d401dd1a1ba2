// Package memlimit checks estimated memory against a limit before large
// allocations, so that work which would not fit is refused with an estimate
// instead of crashing the process.
package memlimit

import "fmt"

// Default is the limit used when none is given: 8 GiB.
const Default int64 = 8 << 30

// Error reports work refused because its estimate exceeds the limit.
type Error struct {
	What  string // what would be allocated, e.g. "OV instance of 2^20 + 2^20 vectors"
	Need  int64  // estimated bytes
	Limit int64  // the limit in bytes
	Hint  string // how to lower the need, e.g. "use a smaller split"
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s needs about %s, above the memory limit of %s", e.What, Bytes(e.Need), Bytes(e.Limit))
	if e.Hint != "" {
		s += "; " + e.Hint
	}
	return s
}

// Check returns an *Error if need > limit. A limit ≤ 0 means Default.
func Check(what string, need, limit int64, hint string) error {
	if limit <= 0 {
		limit = Default
	}
	if need > limit {
		return &Error{What: what, Need: need, Limit: limit, Hint: hint}
	}
	return nil
}

// Bytes formats n as a human-readable size with binary prefixes ("1.5 GiB").
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// Parse reads a size such as "512MiB", "8GiB", "2G", "100000" (bytes).
func Parse(s string) (int64, error) {
	var x float64
	var suf string
	n, _ := fmt.Sscanf(s, "%g%s", &x, &suf)
	if n == 0 || x < 0 {
		return 0, fmt.Errorf("memory size %q: want a number with an optional unit (KiB, MiB, GiB, TiB)", s)
	}
	mult := map[string]float64{"": 1, "B": 1, "K": 1 << 10, "KB": 1e3, "KiB": 1 << 10, "M": 1 << 20, "MB": 1e6,
		"MiB": 1 << 20, "G": 1 << 30, "GB": 1e9, "GiB": 1 << 30, "T": 1 << 40, "TB": 1e12, "TiB": 1 << 40}
	m, ok := mult[suf]
	if !ok {
		return 0, fmt.Errorf("memory size %q: unknown unit %q (want KiB, MiB, GiB or TiB)", s, suf)
	}
	return int64(x * m), nil
}
