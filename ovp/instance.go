package ovp

import (
	"fmt"

	"github.com/hardnesslab/hardness/internal/memlimit"
	"math/bits"
	"strings"
)

// Side names one of the two vector sets of an [Instance].
type Side int

// The two sides: A = {a_0..a_{N-1}} and B = {b_0..b_{M-1}}, as in
// docs/design.md §2.1 (A holds the assignments of the first variables).
const (
	A Side = 0
	B Side = 1
)

// String returns "A" or "B".
func (s Side) String() string {
	switch s {
	case A:
		return "A"
	case B:
		return "B"
	}
	return fmt.Sprintf("Side(%d)", int(s))
}

// Instance is an Orthogonal Vectors instance: two lists of vectors in
// {0,1}^m, bit-packed row-major. Vector i of a side occupies Words()
// consecutive uint64 words; coordinate c is bit c%64 of word c/64. Bits at
// coordinates ≥ m are always zero.
//
// The zero Instance is not usable; create one with [New].
type Instance struct {
	dim   int         // m
	words int         // ⌈m/64⌉, at least 1 so that rows are addressable
	n     [2]int      // |A|, |B|
	data  [2][]uint64 // packed rows of A and B
}

// WordsFor returns the number of uint64 words of a packed vector of
// dimension m: ⌈m/64⌉, and 1 for m = 0.
func WordsFor(m int) int {
	if m <= 0 {
		return 1
	}
	return m/64 + min(m%64, 1) // not (m+63)/64, which overflows near MaxInt
}

// New returns an instance with n all-zero vectors in A and mB in B, of
// dimension m. Memory 8·(n+mB)·⌈m/64⌉ bytes: check it with [Bytes] and
// memlimit.Check first. It panics if a size is negative or the instance
// cannot be addressed (more than 2⁶³ bytes).
func New(n, mB, m int) *Instance {
	if n < 0 || mB < 0 || m < 0 {
		panic(fmt.Sprintf("ovp: New(%d, %d, %d): negative size", n, mB, m))
	}
	w := WordsFor(m)
	wa, okA := memlimit.Int(memlimit.Mul(int64(n), int64(w), 8))
	wb, okB := memlimit.Int(memlimit.Mul(int64(mB), int64(w), 8))
	if !okA || !okB {
		panic(fmt.Sprintf("ovp: New(%d, %d, %d): size overflows; check Bytes against a memory limit first", n, mB, m))
	}
	return &Instance{
		dim:   m,
		words: w,
		n:     [2]int{n, mB},
		data:  [2][]uint64{make([]uint64, wa/8), make([]uint64, wb/8)},
	}
}

// Dim returns the dimension m.
func (x *Instance) Dim() int { return x.dim }

// Words returns the number of uint64 words per packed vector.
func (x *Instance) Words() int { return x.words }

// Len returns the number of vectors of side s.
func (x *Instance) Len(s Side) int { return x.n[s] }

// N returns |A|.
func (x *Instance) N() int { return x.n[A] }

// M returns |B|.
func (x *Instance) M() int { return x.n[B] }

// Pairs returns N·M, the number of pairs.
func (x *Instance) Pairs() int64 { return int64(x.n[A]) * int64(x.n[B]) }

// Data returns the packed rows of side s: row i is
// Data(s)[i*Words() : (i+1)*Words()]. The slice aliases x; writers must
// keep the bits at coordinates ≥ Dim() zero.
func (x *Instance) Data(s Side) []uint64 { return x.data[s] }

// Row returns the packed vector i of side s, aliasing x.
// It panics if i is out of range.
func (x *Instance) Row(s Side, i int) []uint64 {
	if i < 0 || i >= x.n[s] {
		panic(fmt.Sprintf("ovp: row %d of side %v out of range [0,%d)", i, s, x.n[s]))
	}
	return x.data[s][i*x.words : (i+1)*x.words : (i+1)*x.words]
}

// Bit reports whether coordinate c of vector i of side s is 1.
func (x *Instance) Bit(s Side, i, c int) bool {
	x.checkCoord(c)
	return x.Row(s, i)[c>>6]>>(uint(c)&63)&1 == 1
}

// Set sets coordinate c of vector i of side s to v.
func (x *Instance) Set(s Side, i, c int, v bool) {
	x.checkCoord(c)
	r := x.Row(s, i)
	if v {
		r[c>>6] |= 1 << (uint(c) & 63)
	} else {
		r[c>>6] &^= 1 << (uint(c) & 63)
	}
}

func (x *Instance) checkCoord(c int) {
	if c < 0 || c >= x.dim {
		panic(fmt.Sprintf("ovp: coordinate %d out of range [0,%d)", c, x.dim))
	}
}

// Vector returns vector i of side s unpacked: m bytes, each 0 or 1.
func (x *Instance) Vector(s Side, i int) []uint8 {
	r := x.Row(s, i)
	v := make([]uint8, x.dim)
	for c := range v {
		v[c] = uint8(r[c>>6] >> (uint(c) & 63) & 1)
	}
	return v
}

// SetVector sets vector i of side s from m bytes, each 0 or 1 (any nonzero
// byte counts as 1). It panics if len(v) ≠ Dim().
func (x *Instance) SetVector(s Side, i int, v []uint8) {
	if len(v) != x.dim {
		panic(fmt.Sprintf("ovp: SetVector with %d coordinates, dimension is %d", len(v), x.dim))
	}
	r := x.Row(s, i)
	clear(r)
	for c, b := range v {
		if b != 0 {
			r[c>>6] |= 1 << (uint(c) & 63)
		}
	}
}

// Weight returns the number of ones of vector i of side s.
func (x *Instance) Weight(s Side, i int) int {
	n := 0
	for _, w := range x.Row(s, i) {
		n += bits.OnesCount64(w)
	}
	return n
}

// Dot returns the inner product ⟨a_i, b_j⟩, the number of coordinates where
// both are 1. Cost O(m/64).
func (x *Instance) Dot(i, j int) int {
	a, b := x.Row(A, i), x.Row(B, j)
	n := 0
	for k, w := range a {
		n += bits.OnesCount64(w & b[k])
	}
	return n
}

// Dist returns the Hamming distance between a_i and b_j. Cost O(m/64).
func (x *Instance) Dist(i, j int) int {
	a, b := x.Row(A, i), x.Row(B, j)
	n := 0
	for k, w := range a {
		n += bits.OnesCount64(w ^ b[k])
	}
	return n
}

// Clone returns a deep copy of x.
func (x *Instance) Clone() *Instance {
	y := *x
	y.data = [2][]uint64{append([]uint64(nil), x.data[A]...), append([]uint64(nil), x.data[B]...)}
	return &y
}

// Equal reports whether x and y have the same sizes and vectors.
func (x *Instance) Equal(y *Instance) bool {
	if x.dim != y.dim || x.n != y.n {
		return false
	}
	for s := range x.data {
		for k, w := range x.data[s] {
			if y.data[s][k] != w {
				return false
			}
		}
	}
	return true
}

// RowString returns the vector i of side s as a string of '0' and '1',
// coordinate 0 first (the line of the text format).
func (x *Instance) RowString(s Side, i int) string {
	var b strings.Builder
	b.Grow(x.dim)
	r := x.Row(s, i)
	for c := 0; c < x.dim; c++ {
		b.WriteByte('0' + byte(r[c>>6]>>(uint(c)&63)&1))
	}
	return b.String()
}

// Bytes returns the memory an instance of n + mB vectors of dimension m
// occupies: 8·(n+mB)·⌈m/64⌉, as a float64 so that it cannot overflow.
func Bytes(n, mB float64, m int) float64 { return 8 * (n + mB) * float64(WordsFor(m)) }
