package attention

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/mat"
)

// This file holds what every algorithm of the package shares: the one
// shape check and the one worker pool.

// Shapes returns n_q, n_k, d, d_v when Q is n_q×d, K is n_k×d and V is
// n_k×d_v with all sizes positive, and an error naming the shapes
// otherwise. Every algorithm's Plan and Attend check their inputs with it.
func Shapes(q, k, v *mat.Dense) (nq, nk, d, dv int, err error) {
	nq, d = q.Dims()
	nk, dk := k.Dims()
	nv, dv := v.Dims()
	if nq == 0 || nk == 0 || d == 0 || dv == 0 || dk != d || nv != nk {
		return 0, 0, 0, 0, fmt.Errorf("attention: bad shapes Q %d×%d, K %d×%d, V %d×%d; want Q n_q×d, K n_k×d, V n_k×d_v", nq, d, nk, dk, nv, dv)
	}
	return nq, nk, d, dv, nil
}

// CheckShapes is [Shapes] for callers whose shapes are right by
// construction: it panics on a mismatch (programmer misuse; readers of
// user files check shapes with errors).
func CheckShapes(q, k, v *mat.Dense) (nq, nk, d, dv int) {
	nq, nk, d, dv, err := Shapes(q, k, v)
	if err != nil {
		panic(err.Error())
	}
	return nq, nk, d, dv
}

// workerCount returns Options.Workers, or GOMAXPROCS when it is 0.
func workerCount(o Options) int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// busyWorkers is the number of goroutines forBlocks and reduceBlocks start
// for n rows in blocks of size with workers requested: no more than the
// blocks. Plans count memory per busy worker, not per requested one.
func busyWorkers(workers, n, size int) int {
	return max(1, min(workers, (n+size-1)/size))
}

// forBlocks runs body(worker, lo, hi) over [0, n) in blocks of size rows
// (the last may be shorter), which workers goroutines take in turn; worker
// is in [0, workers) and no two goroutines share one. It returns ctx.Err():
// once ctx is done no new block starts (body checks ctx itself when a
// block is long). The order in which blocks run is not defined, so body
// must write disjoint outputs or per-worker state that is combined in an
// order that does not matter; use [reduceBlocks] for floating-point sums.
func forBlocks(ctx context.Context, n, size, workers int, body func(worker, lo, hi int)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	blocks := (n + size - 1) / size
	workers = busyWorkers(workers, n, size)
	var next atomic.Int64
	var wg sync.WaitGroup
	for wk := range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				b := int(next.Add(1)) - 1
				if b >= blocks {
					return
				}
				body(wk, b*size, min((b+1)*size, n))
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// reduceBlocks is forBlocks for a floating-point reduction whose result
// must not depend on the number of workers or on scheduling (so that a run
// split into shards, on machines of any size, reproduces the unsplit run
// bit for bit). It proceeds in rounds: in each, worker w computes block
// round·workers + w from scratch into its own partial with compute, and
// then fold(w) is called for w = 0, 1, … on the calling goroutine, so the
// partials are added in block order. Cost: one barrier per round.
func reduceBlocks(ctx context.Context, n, size, workers int, compute func(worker, lo, hi int), fold func(worker int)) error {
	blocks := (n + size - 1) / size
	workers = busyWorkers(workers, n, size)
	for b0 := 0; b0 < blocks; b0 += workers {
		if err := ctx.Err(); err != nil {
			return err
		}
		nb := min(workers, blocks-b0)
		var wg sync.WaitGroup
		for wk := range nb {
			wg.Go(func() {
				b := b0 + wk
				compute(wk, b*size, min((b+1)*size, n))
			})
		}
		wg.Wait()
		for wk := range nb {
			fold(wk)
		}
	}
	return ctx.Err()
}
