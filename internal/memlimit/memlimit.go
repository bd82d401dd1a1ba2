// Package memlimit checks estimated memory against a limit before large
// allocations, so that work which would not fit is refused with an estimate
// instead of crashing the process.
//
// # Checked arithmetic
//
// Every memory estimate is computed with [Mul], [Add] and [Float], which
// saturate at [Overflow] instead of wrapping: a size computed from hostile
// input (a header declaring 2⁶³ columns, say) can then only be refused,
// never turn into a small or negative number that passes the check. [Int]
// converts an estimate back to an int for make, with the same promise.
package memlimit

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
)

// Default is the limit used when none is given: 8 GiB.
const Default int64 = 8 << 30

// Overflow is what the checked helpers return when a size does not fit in
// an int64: larger than any limit, so [Check] refuses it.
const Overflow int64 = math.MaxInt64

// MaxLimit is the largest limit [Parse] accepts: 4 EiB. Sizes above it are
// not memory any machine has, and typos like "1e30" are caught.
const MaxLimit int64 = 1 << 62

// Error reports work refused because its estimate exceeds the limit.
type Error struct {
	What  string // what would be allocated, e.g. "OV instance of 2^20 + 2^20 vectors"
	Need  int64  // estimated bytes; Overflow if the estimate overflowed
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

// Check returns an *Error if need > limit. A limit ≤ 0 means Default. A
// negative need is a caller's arithmetic bug and is refused as Overflow.
func Check(what string, need, limit int64, hint string) error {
	if limit <= 0 {
		limit = Default
	}
	if need < 0 {
		need = Overflow
	}
	if need > limit {
		return &Error{What: what, Need: need, Limit: limit, Hint: hint}
	}
	return nil
}

// Mul returns the product of xs, or Overflow if it exceeds math.MaxInt64
// or a factor is Overflow. It panics on a negative factor: sizes are never
// negative, so that is a caller's bug (check user input first). Mul() = 1.
func Mul(xs ...int64) int64 {
	p := int64(1)
	for _, x := range xs {
		if x < 0 {
			panic(fmt.Sprintf("memlimit: Mul of a negative size %d", x))
		}
		if x == Overflow && p != 0 {
			p = Overflow
			continue
		}
		hi, lo := bits.Mul64(uint64(p), uint64(x))
		if hi != 0 || lo > math.MaxInt64 {
			p = Overflow
			continue
		}
		p = int64(lo)
	}
	if p == Overflow {
		for _, x := range xs {
			if x == 0 {
				return 0
			}
		}
	}
	return p
}

// Add returns the sum of xs, or Overflow if it exceeds math.MaxInt64. It
// panics on a negative term, like [Mul].
func Add(xs ...int64) int64 {
	s := int64(0)
	for _, x := range xs {
		if x < 0 {
			panic(fmt.Sprintf("memlimit: Add of a negative size %d", x))
		}
		if s > math.MaxInt64-x {
			return Overflow
		}
		s += x
	}
	return s
}

// Float converts a floating-point estimate to bytes, rounding up: NaN,
// +Inf and anything ≥ 2⁶³ give Overflow, negative values 0.
func Float(x float64) int64 {
	switch {
	case math.IsNaN(x) || x >= math.MaxInt64:
		return Overflow
	case x <= 0:
		return 0
	}
	return int64(math.Ceil(x))
}

// Int returns n as an int, for make, and false if it does not fit (on
// 32-bit platforms) or is Overflow.
func Int(n int64) (int, bool) {
	if n < 0 || n == Overflow || int64(int(n)) != n {
		return 0, false
	}
	return int(n), true
}

// Bytes formats n as a human-readable size with binary prefixes ("1.5 GiB");
// Overflow reads "more than 8 EiB".
func Bytes(n int64) string {
	const unit = 1024
	if n == Overflow {
		return "more than 8 EiB"
	}
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

// units are the suffixes Parse accepts, with their multipliers.
var units = map[string]float64{"": 1, "B": 1, "K": 1 << 10, "KB": 1e3, "KiB": 1 << 10, "M": 1 << 20, "MB": 1e6,
	"MiB": 1 << 20, "G": 1 << 30, "GB": 1e9, "GiB": 1 << 30, "T": 1 << 40, "TB": 1e12, "TiB": 1 << 40,
	"P": 1 << 50, "PB": 1e15, "PiB": 1 << 50, "E": 1 << 60, "EB": 1e18, "EiB": 1 << 60}

// Range is the valid range of a size, for messages.
const Range = "a size from 1 B to 4 EiB: a number with an optional unit (B, KiB, MiB, GiB, TiB, PiB, EiB; KB, MB, GB, TB, PB, EB)"

// Parse reads a size such as "512MiB", "8GiB", "2G", "1.5 GB" or "100000"
// (bytes), rounded down to whole bytes. It accepts 1 B to [MaxLimit]; zero,
// negative, NaN, infinite and larger sizes are errors that say so.
func Parse(s string) (int64, error) {
	num, suf := splitNumber(s)
	x, ok := parseDecimal(num)
	if !ok {
		return 0, fmt.Errorf("memory size %q: want %s", s, Range)
	}
	m, ok := units[suf]
	if !ok {
		return 0, fmt.Errorf("memory size %q: unknown unit %q; want %s", s, suf, Range)
	}
	b := x * m
	if b < 1 || b > float64(MaxLimit) {
		return 0, fmt.Errorf("memory size %q is %s; want %s", s, describe(b), Range)
	}
	return int64(b), nil
}

// splitNumber splits s into a leading decimal number and the unit after
// it (spaces between are dropped).
func splitNumber(s string) (num, unit string) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == '-' || s[i] == '+' ||
		(s[i] == 'e' || s[i] == 'E') && i > 0 && i+1 < len(s) && (s[i+1] >= '0' && s[i+1] <= '9' || s[i+1] == '-' || s[i+1] == '+')) {
		i++
	}
	j := i
	for j < len(s) && s[j] == ' ' {
		j++
	}
	return s[:i], s[j:]
}

// parseDecimal parses an optionally signed decimal number with an optional
// fraction and exponent (splitNumber has already excluded NaN, Inf and
// hexadecimal).
func parseDecimal(s string) (float64, bool) {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	return x, true
}

func describe(b float64) string {
	switch {
	case b < 0:
		return "negative"
	case b < 1:
		return "less than one byte"
	}
	return "above 4 EiB"
}
