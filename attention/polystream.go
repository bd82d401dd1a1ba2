package attention

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// polyBlockRows is the number of rows a worker takes at a time (a multiple
// of polyB).
const polyBlockRows = 128

// polyStream computes T̃ = diag(U1·(U2ᵀ·1))⁻¹·U1·(U2ᵀ·V) with U1 = monomials
// of Q, U2 = monomials of K and the weights w folded into U2ᵀ·[V 1]. It never
// holds U1 or U2: features are generated a block of polyB rows at a time and
// consumed at once (see polystream_block.go). Cost (n_q + n_k)·r·(2d_v + 3)
// flops plus, in phase 2, the regeneration of each feature once per 3
// output columns; memory (workers + 2)·r·(d_v + 3) + workers·r·polyB floats.
//
// Summation order: each accumulator entry is a sum over key rows, formed
// per block as a tree of depth ≤ 5 over the block's 16 rows (padding rows
// add exact zeros), then sequentially over the blocks in key order (so the
// result does not depend on the number of workers); each output
// is a sequential sum over the r features. Any such order has at most
// n_k − 1 (resp. r − 1) rounded additions on a path, as polyRoundingDepth
// assumes; FMAs only remove roundings.
func polyStream(ctx context.Context, mono *polyMonomials, w []float64, q, k, v *mat.Dense,
	workers int, progress func(float64), sc polyScale) (*mat.Dense, error) {
	nq, nk, d, dv := CheckShapes(q, k, v)
	r, width := len(w), dv+1
	total := float64(nq + nk)
	var done atomic.Int64
	report := func(rows int) {
		if progress != nil {
			progress(float64(done.Add(int64(rows))) / total)
		}
	}
	kern := polyKernels()
	works := make([]*polyWork, workers)
	accs := make([][]float64, workers)
	for i := range works {
		works[i] = newPolyWork(mono, d, width)
		accs[i] = make([]float64, r*width)
	}

	// Phase 1: acc[f·width + c] = Σ_j k_j^α_f · [v_j 1]_c, block by block
	// (each worker's accumulator holds one block's sum), added in block order.
	m := make([]float64, r*width)
	err := reduceBlocks(ctx, nk, polyBlockRows, workers, func(wk, lo, hi int) {
		clear(accs[wk])
		for b := lo; b < hi; b += polyB {
			works[wk].accumulate(kern, mono, accs[wk], k, v, b, min(b+polyB, hi), sc)
		}
		report(hi - lo)
	}, func(wk int) { floats.Add(m, accs[wk]) })
	if err != nil {
		return nil, err
	}
	m3 := polyWeighted3(m, w, width)

	// Phase 2: T_i = (φ_i·M_c)_c / (φ_i·M_{d_v}).
	t := mat.NewDense(nq, dv, nil)
	var bad atomic.Int64
	bad.Store(-1)
	err = forBlocks(ctx, nq, polyBlockRows, workers, func(wk, lo, hi int) {
		for b := lo; b < hi; b += polyB {
			if i := works[wk].apply(kern, mono, m3, q, t, b, min(b+polyB, hi), sc); i >= 0 {
				bad.CompareAndSwap(-1, int64(i))
			}
		}
		report(hi - lo)
	})
	if err != nil {
		return nil, err
	}
	if i := bad.Load(); i >= 0 {
		return nil, fmt.Errorf("%w: row %d (degree %d too low for these inputs)", ErrNonPositiveNormaliser, i, mono.g)
	}
	return t, nil
}

// polyWork is one worker's block buffers: fb the stored features
// (max(start[g], 1) × polyB), x the block's coordinates (d × polyB), vt
// [V 1] of the block (width × polyB), t the block's output sums
// (3⌈width/3⌉ × polyB), all column-major over the block's rows.
type polyWork struct {
	fb, x, vt, t []float64
}

func newPolyWork(mono *polyMonomials, d, width int) *polyWork {
	wb := &polyWork{
		fb: make([]float64, max(mono.start[mono.g], 1)*polyB),
		x:  make([]float64, d*polyB),
		vt: make([]float64, width*polyB),
		t:  make([]float64, polyPad3(width)*polyB),
	}
	polyCheckProgram(mono, len(wb.fb), d)
	return wb
}

// polyCheckProgram panics unless every feature f ≥ 1 of the program has a
// stored parent p < f, p < nfb/polyB, and a coordinate < d: the block
// kernels (the assembly ones included) rely on it. Cost O(r).
func polyCheckProgram(mono *polyMonomials, nfb, d int) {
	for f := 1; f < len(mono.parent); f++ {
		p, c := int(mono.parent[f]), int(mono.coord[f])
		if p < 0 || p >= f || (p+1)*polyB > nfb || c < 0 || c >= d || len(mono.coord) != len(mono.parent) {
			panic("attention: polynomial feature program out of range")
		}
	}
}

// polyPad3 rounds width up to a multiple of 3.
func polyPad3(width int) int { return (width + 2) / 3 * 3 }

// polyScale holds the powers of two that scale Q, K and V on loading (so
// that every feature is at most 1 and max|V| ≤ 2: no sum can overflow, see
// Poly.bounds) and T on output; multiplying by them is exact unless a
// result is subnormal.
type polyScale struct{ q, k, v, out float64 }

// load copies rows lo … hi−1 of a (hi − lo ≤ polyB), times s, column-major
// into dst (cols × polyB), zero-padded. Cost polyB·cols.
func polyLoad(dst []float64, a *mat.Dense, lo, hi, cols int, s float64) {
	clear(dst[:cols*polyB])
	for i := lo; i < hi; i++ {
		row := a.RawRowView(i)
		for c := range cols {
			dst[c*polyB+i-lo] = row[c] * s
		}
	}
}

// accumulate adds the key rows lo … hi−1 (at most polyB) to acc. Cost
// polyB·r·(2·width + 1) flops.
func (wb *polyWork) accumulate(kern *polyKernel, mono *polyMonomials, acc []float64, k, v *mat.Dense, lo, hi int, sc polyScale) {
	width := len(wb.vt) / polyB
	polyLoad(wb.x, k, lo, hi, mono.d, sc.k)
	polyLoad(wb.vt, v, lo, hi, width-1, sc.v)
	one := wb.vt[(width-1)*polyB:]
	for i := range polyB {
		one[i] = 0
		if i < hi-lo {
			one[i] = 1
		}
	}
	polyOnes(wb.fb)
	for c := range width { // feature 0 is the constant 1
		acc[c] += floats.Sum(wb.vt[c*polyB : (c+1)*polyB])
	}
	kern.acc(acc, wb.fb, wb.x, wb.vt, mono.parent, mono.coord, 1, len(mono.parent), mono.start[mono.g], width)
}

// apply writes T rows lo … hi−1 (at most polyB) from the weighted sums m3
// (see polyWeighted3) and returns the first row whose normaliser is not
// positive and finite, or −1. Cost polyB·r·7·⌈width/3⌉ flops.
func (wb *polyWork) apply(kern *polyKernel, mono *polyMonomials, m3 []float64, q, t *mat.Dense, lo, hi int, sc polyScale) int {
	r, dv := len(mono.parent), t.RawMatrix().Cols
	polyLoad(wb.x, q, lo, hi, mono.d, sc.q)
	polyOnes(wb.fb)
	for p := range len(wb.t) / (3 * polyB) {
		mp, tp := m3[p*3*r:(p+1)*3*r], wb.t[p*3*polyB:(p+1)*3*polyB]
		for j := range 3 {
			tp[j*polyB] = mp[j] // feature 0 is the constant 1
			for i := 1; i < polyB; i++ {
				tp[j*polyB+i] = mp[j]
			}
		}
		nstore := 0
		if p == 0 {
			nstore = mono.start[mono.g]
		}
		kern.dot3(tp, wb.fb, wb.x, mp, mono.parent, mono.coord, 1, r, nstore)
	}
	bad := -1
	for i := range hi - lo {
		den := wb.t[dv*polyB+i]
		if !(den > 0) || math.IsInf(den, 1) {
			if bad < 0 {
				bad = lo + i
			}
			continue
		}
		row := t.RawRowView(lo + i)
		for c := range dv {
			row[c] = wb.t[c*polyB+i] / den * sc.out
		}
	}
	return bad
}

// polyOnes sets feature 0 (the constant) of the block to 1.
func polyOnes(fb []float64) {
	for i := range polyB {
		fb[i] = 1
	}
}

// polyWeighted3 returns M = diag(w)·m (m is r × width, feature-major)
// regrouped by 3 columns: m3[p·3r + 3f + j] = w_f·m[f·width + 3p + j],
// zero past width. Cost r·width flops, memory r·3⌈width/3⌉ floats.
func polyWeighted3(m, w []float64, width int) []float64 {
	r, w3 := len(w), polyPad3(width)
	m3 := make([]float64, r*w3)
	for f, wf := range w {
		for c := range width {
			p, j := c/3, c%3
			m3[p*3*r+3*f+j] = m[f*width+c] * wf
		}
	}
	return m3
}
