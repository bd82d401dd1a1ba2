package ovp

import (
	"context"
	"fmt"
	"math/bits"
	"strings"
	"sync/atomic"
)

// Stats is the distribution of a pair measure (inner product or Hamming
// distance) over all N·M pairs of an instance, as computed by
// [MinInnerProduct] and [MinDistance].
type Stats struct {
	Dim        int     // m
	Pairs      int64   // N·M
	Min        int     // minimum over all pairs; −1 if there are none
	MinPair    Pair    // first pair (row-major) attaining Min
	MinNonzero int     // smallest nonzero value; −1 if there is none
	Hist       []int64 // Hist[k] = number of pairs with value k, k = 0..m
}

// Zero returns Hist[0]: the number of orthogonal pairs for inner products,
// of identical pairs for distances.
func (s *Stats) Zero() int64 { return s.Hist[0] }

// Gap returns MinNonzero/m, the true gap δ of an OV instance (docs/design.md §2.1):
// every pair is orthogonal or has inner product ≥ δ·m. It is 0 if no pair
// has a nonzero value.
func (s *Stats) Gap() float64 {
	if s.MinNonzero <= 0 || s.Dim == 0 {
		return 0
	}
	return float64(s.MinNonzero) / float64(s.Dim)
}

// Mean returns the average value over all pairs (0 if there are none).
func (s *Stats) Mean() float64 {
	var sum, n float64
	for k, c := range s.Hist {
		sum += float64(k) * float64(c)
		n += float64(c)
	}
	if n == 0 {
		return 0
	}
	return sum / n
}

// String formats the histogram's nonzero buckets as "k:count" pairs.
func (s *Stats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "min %d at (%d,%d), min nonzero %d, m %d, pairs %d:", s.Min, s.MinPair.I, s.MinPair.J, s.MinNonzero, s.Dim, s.Pairs)
	for k, c := range s.Hist {
		if c != 0 {
			fmt.Fprintf(&b, " %d:%d", k, c)
		}
	}
	return b.String()
}

// MinInnerProduct returns the minimum and the histogram of ⟨a_i, b_j⟩ over
// all pairs. For an instance from [FromCNF] the minimum is the least number
// of clauses any assignment falsifies (m minus the MAX-SAT value), and
// Stats.Gap is the instance's true gap δ.
//
// Time O(N·M·w) with w = ⌈m/64⌉ popcounts per pair, parallel over blocks
// of rows of A, cache-blocked over B, four rows of A per pass over a tile
// (each into its own histogram, so consecutive increments of one bucket do
// not serialise on store forwarding). Extra memory O(N + workers·m).
// Cancelled through ctx (returning nil and ctx.Err()).
func MinInnerProduct(ctx context.Context, x *Instance, opt Options) (*Stats, error) {
	return pairStats(ctx, x, opt, false)
}

// MinDistance is [MinInnerProduct] for the Hamming distance |a_i ⊕ b_j|:
// the minimum distance (the closest pair of a Gap-ANN instance,
// docs/design.md §2.3) and the histogram of distances. Same cost.
func MinDistance(ctx context.Context, x *Instance, opt Options) (*Stats, error) {
	return pairStats(ctx, x, opt, true)
}

func pairStats(ctx context.Context, x *Instance, opt Options, xor bool) (*Stats, error) {
	w, m := x.words, x.M()
	hw := 64*w + 1 // histogram length: every popcount of w words fits
	nw := opt.workers()
	hists := make([][group][]int64, nw)
	for k := range hists {
		for r := range group {
			hists[k][r] = make([]int64, hw)
		}
	}
	rowMin := make([]int, x.N())
	tile := tileRows(w)
	body := func(worker, block, i0, i1 int, stop *atomic.Bool) int64 {
		for i := i0; i < i1; i++ {
			rowMin[i] = hw
		}
		var n int64
		h := &hists[worker]
		for j0 := 0; j0 < m; j0 += tile {
			if stop.Load() {
				break
			}
			j1 := min(j0+tile, m)
			bt := x.data[B][j0*w : j1*w]
			for g := i0; g < i1; g += group {
				countGroup(x, g, min(g+group, i1), bt, h, rowMin, xor)
			}
			n += int64(i1-i0) * int64(j1-j0)
		}
		return n
	}
	if err := forBlocks(ctx, x, opt, body); err != nil {
		return nil, err
	}
	s := &Stats{Dim: x.dim, Pairs: x.Pairs(), Min: -1, MinNonzero: -1, Hist: make([]int64, x.dim+1)}
	for k := range hists {
		for r := range group {
			for v, c := range hists[k][r] {
				if c != 0 {
					s.Hist[v] += c // v ≤ m always: a popcount of m-bit vectors
				}
			}
		}
	}
	for v, c := range s.Hist {
		if c != 0 && s.Min < 0 {
			s.Min = v
		}
		if c != 0 && v > 0 && s.MinNonzero < 0 {
			s.MinNonzero = v
		}
	}
	if s.Min >= 0 {
		s.MinPair = firstPairWith(x, rowMin, s.Min, xor)
	}
	return s, nil
}

// firstPairWith returns the first pair whose value is v, given each row's
// minimum. Cost O(N + M·w).
func firstPairWith(x *Instance, rowMin []int, v int, xor bool) Pair {
	for i, r := range rowMin {
		if r != v {
			continue
		}
		for j := 0; j < x.M(); j++ {
			if xor && x.Dist(i, j) == v || !xor && x.Dot(i, j) == v {
				return Pair{i, j}
			}
		}
	}
	panic("ovp: internal error: no pair attains the histogram minimum")
}

// countGroup adds the values of rows [g, g1) of A (at most group rows)
// against the tile bt of B to the histograms h and lowers rowMin.
func countGroup(x *Instance, g, g1 int, bt []uint64, h *[group][]int64, rowMin []int, xor bool) {
	w := x.words
	da := x.data[A]
	var r [group]int
	for k := range r {
		r[k] = min(g+k, g1-1) // pad a short group with its last row
	}
	var mins [group]int
	for k := range mins {
		mins[k] = rowMin[r[k]]
	}
	var c [group]int64 // pairs counted on padding rows, to subtract
	switch {
	case w == 1 && !xor:
		count1And(da[r[0]], da[r[1]], da[r[2]], da[r[3]], bt, h, &mins)
	case w == 1 && xor:
		count1Xor(da[r[0]], da[r[1]], da[r[2]], da[r[3]], bt, h, &mins)
	case w == 2 && !xor:
		count2And(da[r[0]*2:r[0]*2+2], da[r[1]*2:r[1]*2+2], da[r[2]*2:r[2]*2+2], da[r[3]*2:r[3]*2+2], bt, h, &mins)
	case w == 2 && xor:
		count2Xor(da[r[0]*2:r[0]*2+2], da[r[1]*2:r[1]*2+2], da[r[2]*2:r[2]*2+2], da[r[3]*2:r[3]*2+2], bt, h, &mins)
	default:
		countW(da, r, w, bt, h, &mins, xor)
	}
	for k := range group {
		if g+k >= g1 {
			// padding row: its counts duplicate row g1−1; take them back
			c[k] = 1
		}
	}
	if c != [group]int64{} {
		undoPadding(x, g1-1, bt, h, c, xor)
	}
	for k := range group {
		if g+k < g1 {
			rowMin[g+k] = mins[k]
		}
	}
}

// undoPadding subtracts, for each padding slot k (c[k] = 1), the values of
// row i against the tile from histogram k.
func undoPadding(x *Instance, i int, bt []uint64, h *[group][]int64, c [group]int64, xor bool) {
	w := x.words
	a := x.Row(A, i)
	for j := 0; j < len(bt)/w; j++ {
		v := 0
		for k, y := range a {
			if xor {
				v += bits.OnesCount64(y ^ bt[j*w+k])
			} else {
				v += bits.OnesCount64(y & bt[j*w+k])
			}
		}
		for k := range group {
			h[k][v] -= c[k]
		}
	}
}

// count1And is the w = 1 inner-product kernel: per b, four ANDs, four
// popcounts, four histogram increments.
func count1And(a0, a1, a2, a3 uint64, bt []uint64, h *[group][]int64, mins *[group]int) {
	h0, h1, h2, h3 := h[0], h[1], h[2], h[3]
	m0, m1, m2, m3 := mins[0], mins[1], mins[2], mins[3]
	for _, y := range bt {
		c0 := bits.OnesCount64(a0 & y)
		c1 := bits.OnesCount64(a1 & y)
		c2 := bits.OnesCount64(a2 & y)
		c3 := bits.OnesCount64(a3 & y)
		h0[c0]++
		h1[c1]++
		h2[c2]++
		h3[c3]++
		m0, m1, m2, m3 = min(m0, c0), min(m1, c1), min(m2, c2), min(m3, c3)
	}
	mins[0], mins[1], mins[2], mins[3] = m0, m1, m2, m3
}

// count1Xor is count1And for Hamming distances.
func count1Xor(a0, a1, a2, a3 uint64, bt []uint64, h *[group][]int64, mins *[group]int) {
	h0, h1, h2, h3 := h[0], h[1], h[2], h[3]
	m0, m1, m2, m3 := mins[0], mins[1], mins[2], mins[3]
	for _, y := range bt {
		c0 := bits.OnesCount64(a0 ^ y)
		c1 := bits.OnesCount64(a1 ^ y)
		c2 := bits.OnesCount64(a2 ^ y)
		c3 := bits.OnesCount64(a3 ^ y)
		h0[c0]++
		h1[c1]++
		h2[c2]++
		h3[c3]++
		m0, m1, m2, m3 = min(m0, c0), min(m1, c1), min(m2, c2), min(m3, c3)
	}
	mins[0], mins[1], mins[2], mins[3] = m0, m1, m2, m3
}

// count2And is the w = 2 inner-product kernel.
func count2And(a0, a1, a2, a3 []uint64, bt []uint64, h *[group][]int64, mins *[group]int) {
	a00, a01, a10, a11 := a0[0], a0[1], a1[0], a1[1]
	a20, a21, a30, a31 := a2[0], a2[1], a3[0], a3[1]
	h0, h1, h2, h3 := h[0], h[1], h[2], h[3]
	m0, m1, m2, m3 := mins[0], mins[1], mins[2], mins[3]
	for j := 0; j+1 < len(bt); j += 2 {
		y0, y1 := bt[j], bt[j+1]
		c0 := bits.OnesCount64(a00&y0) + bits.OnesCount64(a01&y1)
		c1 := bits.OnesCount64(a10&y0) + bits.OnesCount64(a11&y1)
		c2 := bits.OnesCount64(a20&y0) + bits.OnesCount64(a21&y1)
		c3 := bits.OnesCount64(a30&y0) + bits.OnesCount64(a31&y1)
		h0[c0]++
		h1[c1]++
		h2[c2]++
		h3[c3]++
		m0, m1, m2, m3 = min(m0, c0), min(m1, c1), min(m2, c2), min(m3, c3)
	}
	mins[0], mins[1], mins[2], mins[3] = m0, m1, m2, m3
}

// count2Xor is count2And for Hamming distances.
func count2Xor(a0, a1, a2, a3 []uint64, bt []uint64, h *[group][]int64, mins *[group]int) {
	a00, a01, a10, a11 := a0[0], a0[1], a1[0], a1[1]
	a20, a21, a30, a31 := a2[0], a2[1], a3[0], a3[1]
	h0, h1, h2, h3 := h[0], h[1], h[2], h[3]
	m0, m1, m2, m3 := mins[0], mins[1], mins[2], mins[3]
	for j := 0; j+1 < len(bt); j += 2 {
		y0, y1 := bt[j], bt[j+1]
		c0 := bits.OnesCount64(a00^y0) + bits.OnesCount64(a01^y1)
		c1 := bits.OnesCount64(a10^y0) + bits.OnesCount64(a11^y1)
		c2 := bits.OnesCount64(a20^y0) + bits.OnesCount64(a21^y1)
		c3 := bits.OnesCount64(a30^y0) + bits.OnesCount64(a31^y1)
		h0[c0]++
		h1[c1]++
		h2[c2]++
		h3[c3]++
		m0, m1, m2, m3 = min(m0, c0), min(m1, c1), min(m2, c2), min(m3, c3)
	}
	mins[0], mins[1], mins[2], mins[3] = m0, m1, m2, m3
}

// countW is the kernel for any number of words.
func countW(da []uint64, r [group]int, w int, bt []uint64, h *[group][]int64, mins *[group]int, xor bool) {
	a0 := da[r[0]*w : r[0]*w+w]
	a1 := da[r[1]*w : r[1]*w+w]
	a2 := da[r[2]*w : r[2]*w+w]
	a3 := da[r[3]*w : r[3]*w+w]
	if xor {
		countWXor(a0, a1, a2, a3, bt, h, mins)
	} else {
		countWAnd(a0, a1, a2, a3, bt, h, mins)
	}
}

// countWAnd is the inner-product kernel for w = len(a0) words.
func countWAnd(a0, a1, a2, a3 []uint64, bt []uint64, h *[group][]int64, mins *[group]int) {
	w := len(a0)
	a1, a2, a3 = a1[:w], a2[:w], a3[:w]
	for j := 0; j+w <= len(bt); j += w {
		b := bt[j : j+w]
		var c0, c1, c2, c3 int
		for k, y := range b {
			c0 += bits.OnesCount64(a0[k] & y)
			c1 += bits.OnesCount64(a1[k] & y)
			c2 += bits.OnesCount64(a2[k] & y)
			c3 += bits.OnesCount64(a3[k] & y)
		}
		h[0][c0]++
		h[1][c1]++
		h[2][c2]++
		h[3][c3]++
		mins[0], mins[1], mins[2], mins[3] = min(mins[0], c0), min(mins[1], c1), min(mins[2], c2), min(mins[3], c3)
	}
}

// countWXor is countWAnd for Hamming distances.
func countWXor(a0, a1, a2, a3 []uint64, bt []uint64, h *[group][]int64, mins *[group]int) {
	w := len(a0)
	a1, a2, a3 = a1[:w], a2[:w], a3[:w]
	for j := 0; j+w <= len(bt); j += w {
		b := bt[j : j+w]
		var c0, c1, c2, c3 int
		for k, y := range b {
			c0 += bits.OnesCount64(a0[k] ^ y)
			c1 += bits.OnesCount64(a1[k] ^ y)
			c2 += bits.OnesCount64(a2[k] ^ y)
			c3 += bits.OnesCount64(a3[k] ^ y)
		}
		h[0][c0]++
		h[1][c1]++
		h[2][c2]++
		h[3][c3]++
		mins[0], mins[1], mins[2], mins[3] = min(mins[0], c0), min(mins[1], c1), min(mins[2], c2), min(mins[3], c3)
	}
}
