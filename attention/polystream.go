package attention

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// polyBlockRows is the number of rows a worker takes at a time.
const polyBlockRows = 128

// polyStream computes T̃ = diag(U1·(U2ᵀ·1))⁻¹·U1·(U2ᵀ·V) with U1 = monomials
// of Q, U2 = monomials of K and the weights w folded into U2ᵀ·[V 1]. It never
// holds U1 or U2: each row's r features are generated into a buffer and
// consumed at once. Cost (n_q + n_k)·r·(2d_v + 3) flops; memory
// (workers + 1)·r·(d_v + 1) + workers·r floats.
func polyStream(ctx context.Context, mono *polyMonomials, w []float64, q, k, v *mat.Dense,
	workers int, progress func(float64)) (*mat.Dense, error) {
	nq, nk, _, dv := CheckShapes(q, k, v)
	r, width := len(w), dv+1
	total := float64(nq + nk)
	var done atomic.Int64
	report := func(rows int) {
		if progress != nil {
			progress(float64(done.Add(int64(rows))) / total)
		}
	}

	// Phase 1: acc[c·r + f] = Σ_j k_j^α_f · [v_j 1]_c, one accumulator per worker.
	accs := make([][]float64, workers)
	bufs := make([][]float64, workers)
	for i := range accs {
		accs[i] = make([]float64, r*width)
		bufs[i] = make([]float64, r)
	}
	err := polyParallel(ctx, nk, workers, func(wk, lo, hi int) {
		acc, buf := accs[wk], bufs[wk]
		for j := lo; j < hi; j++ {
			mono.eval(buf, k.RawRowView(j))
			vr := v.RawRowView(j)
			for c := range dv {
				if vr[c] != 0 {
					floats.AddScaled(acc[c*r:(c+1)*r], vr[c], buf)
				}
			}
			floats.Add(acc[dv*r:], buf)
		}
		report(hi - lo)
	})
	if err != nil {
		return nil, err
	}
	m := accs[0]
	for _, a := range accs[1:] {
		floats.Add(m, a)
	}
	for c := range width {
		floats.Mul(m[c*r:(c+1)*r], w)
	}

	// Phase 2: T_i = (φ_i·M_c)_c / (φ_i·M_{d_v}).
	t := mat.NewDense(nq, dv, nil)
	var bad atomic.Int64
	bad.Store(-1)
	err = polyParallel(ctx, nq, workers, func(wk, lo, hi int) {
		buf := bufs[wk]
		for i := lo; i < hi; i++ {
			mono.eval(buf, q.RawRowView(i))
			den := floats.Dot(buf, m[dv*r:])
			if !(den > 0) || math.IsInf(den, 1) {
				bad.CompareAndSwap(-1, int64(i))
				continue
			}
			row := t.RawRowView(i)
			for c := range dv {
				row[c] = floats.Dot(buf, m[c*r:(c+1)*r]) / den
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

// polyParallel runs f(worker, lo, hi) over [0, n) in blocks of
// polyBlockRows rows on the given number of goroutines, and returns
// ctx.Err() if ctx is cancelled (blocks not yet started are skipped).
func polyParallel(ctx context.Context, n, workers int, f func(worker, lo, hi int)) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	for wk := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				lo := int(next.Add(polyBlockRows)) - polyBlockRows
				if lo >= n {
					return
				}
				f(wk, lo, min(lo+polyBlockRows, n))
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}
