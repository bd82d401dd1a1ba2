package ovp

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// Options configures the solvers ([FindOrthogonal], [MinInnerProduct],
// [MinDistance]).
type Options struct {
	// Workers is the number of goroutines; 0 means runtime.GOMAXPROCS(0).
	Workers int
	// Progress, if not nil, is called after each block of rows with the
	// number of pairs examined so far and N·M. Calls are serialised but
	// come from the worker goroutines; keep it cheap.
	Progress func(done, total int64)
}

func (o Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Pair is a pair of vectors (a_I, b_J), 0-based.
type Pair struct{ I, J int }

// less orders pairs row-major.
func (p Pair) less(q Pair) bool { return p.I < q.I || p.I == q.I && p.J < q.J }

// Tiling constants. A worker takes a block of blockRows rows of A and runs
// it against B in tiles of about tileBytes, so that the tile stays in L1
// while every group of 4 rows of the block streams over it.
const (
	group     = 4        // rows of A held in registers by the kernels
	tileBytes = 16 << 10 // bytes of B per tile (L1d is 32 KiB per core)
	maxBlock  = 256      // rows of A per block at most
)

// blockRows returns the rows per block for n rows and w workers: at least
// 8 blocks per worker when n allows, a multiple of 8 (the rows of the
// decision kernel), at most maxBlock.
func blockRows(n, w int) int {
	r := n / (8 * w)
	r = r / 8 * 8
	return min(max(r, 8), maxBlock)
}

// tileRows returns the rows of B per tile for vectors of words words.
func tileRows(words int) int { return max(tileBytes/(8*words), 64) }

// forBlocks runs body over blocks of rows [i0, i1) of A on opt.workers()
// goroutines, taking blocks in increasing order. body receives the block
// number and must return early once stop reports true (checked per tile);
// it returns the number of pairs it examined. forBlocks returns ctx.Err()
// if ctx was cancelled before all blocks were done.
func forBlocks(ctx context.Context, x *Instance, opt Options, body func(worker, block, i0, i1 int, stop *atomic.Bool) int64) error {
	n := x.N()
	w := opt.workers()
	rows := blockRows(n, w)
	nblocks := (n + rows - 1) / rows
	w = max(min(w, nblocks), 1)
	var (
		next, done atomic.Int64
		stop       atomic.Bool
		mu         sync.Mutex
		wg         sync.WaitGroup
	)
	finished := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			stop.Store(true)
		case <-finished:
		}
	}()
	for k := range w {
		wg.Go(func() {
			for !stop.Load() {
				b := int(next.Add(1) - 1)
				if b >= nblocks {
					return
				}
				i0, i1 := b*rows, min((b+1)*rows, n)
				d := done.Add(body(k, b, i0, i1, &stop))
				if opt.Progress != nil {
					mu.Lock()
					opt.Progress(d, x.Pairs())
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	close(finished)
	if stop.Load() {
		return ctx.Err()
	}
	return nil
}
