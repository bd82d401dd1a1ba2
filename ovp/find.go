package ovp

import (
	"context"
	"math"
	"sync/atomic"
)

// Result is the outcome of [FindOrthogonal].
type Result struct {
	Found bool  // an orthogonal pair exists
	Pair  Pair  // the first orthogonal pair in row-major order, if Found
	Pairs int64 // pairs examined; below N·M after an early exit
}

// FindOrthogonal decides whether some pair (a_i, b_j) is orthogonal, and
// returns the first such pair in row-major order (smallest i, then j), so
// the answer does not depend on the number of workers.
//
// It runs in time O(N·M·w) worst case (w = ⌈m/64⌉), the quadratic cost
// the OV conjecture (and SETH, through [FromCNF]) says cannot be improved
// to N^(2−ε)·poly(m) (Williams 2005). Rows of A are taken in blocks by
// opt.Workers goroutines; each block runs against cache-sized tiles of B,
// eight rows of A at a time held in registers. A pair is first tested on
// its first word only (a_i[0] & b_j[0] ≠ 0 proves it is not orthogonal,
// no popcount needed); the rare survivors are checked on all words. The
// search stops once the first block holding an orthogonal pair is done,
// and when ctx is cancelled: it then returns ctx.Err(), and a Result whose
// pair, if Found, is orthogonal but not necessarily the first.
func FindOrthogonal(ctx context.Context, x *Instance, opt Options) (Result, error) {
	m := x.M()
	f := filterWords(x)
	bf := filterColumns(x, f)
	tile := tileRows(f)
	var firstBlock atomic.Int64 // lowest block known to hold an orthogonal pair
	firstBlock.Store(math.MaxInt64)
	best := make([]Pair, opt.workers())
	found := make([]bool, len(best))
	var examined atomic.Int64
	body := func(worker, block, i0, i1 int, stop *atomic.Bool) int64 {
		if int64(block) > firstBlock.Load() {
			return 0
		}
		var hit Pair
		ok := false
		last := i1 // rows ≥ last cannot improve on hit
		var n int64
		for j0 := 0; j0 < m; j0 += tile {
			if stop.Load() || int64(block) > firstBlock.Load() {
				break
			}
			j1 := min(j0+tile, m)
			step := decGroup
			if f == 2 {
				step = group
			}
			for g := i0; g < last; g += step {
				var p Pair
				var found bool
				g1 := min(g+step, i1)
				if f == 1 {
					p, found = scanGroup8(x, bf, g, g1, j0, j1)
				} else {
					p, found = scanGroup4x2(x, bf, g, g1, j0, j1)
				}
				n += int64(g1-g) * int64(j1-j0) // the group's pairs of the tile, all tested
				if found && (!ok || p.less(hit)) {
					hit, ok = p, true
					last = min(last, p.I) // row p.I has no hit at a later j
				}
			}
		}
		if ok {
			for {
				cur := firstBlock.Load()
				if int64(block) >= cur || firstBlock.CompareAndSwap(cur, int64(block)) {
					break
				}
			}
			if !found[worker] || hit.less(best[worker]) {
				best[worker], found[worker] = hit, true
			}
		}
		examined.Add(n)
		return n
	}
	err := forBlocks(ctx, x, opt, body)
	res := Result{Pairs: examined.Load()}
	for k, f := range found {
		if f && (!res.Found || best[k].less(res.Pair)) {
			res.Pair, res.Found = best[k], true
		}
	}
	return res, err
}

// decGroup is the number of rows of A the decision kernel holds in
// registers: with 8 rather than 4, one loaded word of B serves 8 pairs and
// the loop overhead is shared by more tests (measured: 4.3·10⁹ against
// 3.4·10⁹ pair tests per CPU-second on the test machine).
const decGroup = 8

// filterWords returns how many leading words of each pair the kernels
// test before the full check: 1, unless more than 1/64 of a sample of
// pairs has a zero first-word AND (sparse vectors) and the vectors have a
// second word, then 2. Cost O(64·64).
func filterWords(x *Instance) int {
	w := x.words
	if w < 2 || x.N() == 0 || x.M() == 0 {
		return 1
	}
	const k = 64
	zeros, total := 0, 0
	for s := range k {
		i := s * x.N() / k
		for t := range k {
			j := t * x.M() / k
			total++
			if x.data[A][i*w]&x.data[B][j*w] == 0 {
				zeros++
			}
		}
	}
	if zeros*64 > total {
		return 2
	}
	return 1
}

// filterColumns returns the first f words of every b_j, contiguous.
func filterColumns(x *Instance, f int) []uint64 {
	w := x.words
	if f == w {
		return x.data[B]
	}
	bf := make([]uint64, f*x.M())
	for j := range x.M() {
		copy(bf[j*f:(j+1)*f], x.data[B][j*w:j*w+f])
	}
	return bf
}

// scanGroup8 tests rows [g, g1) of A (at most decGroup rows) against rows
// [j0, j1) of B, filtering on the first word (b0 holds it for every b_j),
// and returns the first orthogonal pair, row-major.
func scanGroup8(x *Instance, b0 []uint64, g, g1, j0, j1 int) (Pair, bool) {
	w := x.words
	da := x.data[A]
	// Pad a short group by repeating its last row; hits on padding rows
	// are ignored below.
	var r [decGroup]int
	var a [decGroup]uint64
	for k := range r {
		r[k] = min(g+k, g1-1)
		a[k] = da[r[k]*w]
	}
	var best Pair
	ok := false
	for j := j0; j < j1; j++ {
		k := filter8(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], b0[j:j1])
		if k < 0 {
			break
		}
		j += k
		for q := range decGroup {
			i := r[q]
			if i != g+q || (ok && best.I <= i) || a[q]&b0[j] != 0 {
				continue
			}
			if w == 1 || orthogonal(da[i*w+1:(i+1)*w], x.data[B][j*w+1:(j+1)*w]) {
				best, ok = Pair{i, j}, true
			}
		}
	}
	return best, ok
}

// scanGroup4x2 is scanGroup8 for sparse vectors: four rows, filtering on
// the first two words (b01 holds them for every b_j).
func scanGroup4x2(x *Instance, b01 []uint64, g, g1, j0, j1 int) (Pair, bool) {
	w := x.words
	da := x.data[A]
	var r [group]int
	var a [2 * group]uint64
	for k := range r {
		r[k] = min(g+k, g1-1)
		a[2*k], a[2*k+1] = da[r[k]*w], da[r[k]*w+1]
	}
	var best Pair
	ok := false
	for j := j0; j < j1; j++ {
		k := filter4x2(a, b01[2*j:2*j1])
		if k < 0 {
			break
		}
		j += k
		for q := range group {
			i := r[q]
			if i != g+q || (ok && best.I <= i) || a[2*q]&b01[2*j]|a[2*q+1]&b01[2*j+1] != 0 {
				continue
			}
			if orthogonal(da[i*w+2:(i+1)*w], x.data[B][j*w+2:(j+1)*w]) {
				best, ok = Pair{i, j}, true
			}
		}
	}
	return best, ok
}

// filter4x2 returns the first k such that (a_r0 & b[2k]) | (a_r1 & b[2k+1])
// is zero for one of the four rows r, or −1.
//
//go:noinline
func filter4x2(a [2 * group]uint64, b []uint64) int {
	a00, a01, a10, a11 := a[0], a[1], a[2], a[3]
	a20, a21, a30, a31 := a[4], a[5], a[6], a[7]
	for k := 0; k+1 < len(b); k += 2 {
		y0, y1 := b[k], b[k+1]
		if a00&y0|a01&y1 == 0 || a10&y0|a11&y1 == 0 || a20&y0|a21&y1 == 0 || a30&y0|a31&y1 == 0 {
			return k / 2
		}
	}
	return -1
}

// filter8 returns the first k with a_r & b[k] == 0 for one of the eight
// words a_r, or −1. This is the hot loop of FindOrthogonal: one load and
// eight AND-and-branch tests (TEST+JEQ, one fused op each) per eight pairs;
// its speed is bound by the two branch units of the core. It is kept out
// of line: inlined into scanGroup, the loop counter was spilled to the
// stack and the loop ran 2.8 times slower (measured with perf).
//
//go:noinline
func filter8(a0, a1, a2, a3, a4, a5, a6, a7 uint64, b []uint64) int {
	for k, y := range b {
		if a0&y == 0 || a1&y == 0 || a2&y == 0 || a3&y == 0 ||
			a4&y == 0 || a5&y == 0 || a6&y == 0 || a7&y == 0 {
			return k
		}
	}
	return -1
}

// orthogonal reports whether a and b share no 1.
func orthogonal(a, b []uint64) bool {
	b = b[:len(a)]
	for k, y := range a {
		if y&b[k] != 0 {
			return false
		}
	}
	return true
}
