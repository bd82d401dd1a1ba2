package ovp

import (
	"context"
	"errors"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"
)

// errTooMany reports that more pairs fall short of a generator's target
// than it is willing to repair.
var errTooMany = errors.New("ovp: too many short pairs")

// shortPairs returns, sorted row-major, the pairs whose inner product
// (Hamming distance if xor) is below k, skipping the pair skip. It gives up
// with errTooMany after limit pairs. Cost O(N·M·w), parallel.
func shortPairs(ctx context.Context, x *Instance, opt Options, k int, xor bool, skip Pair, limit int) ([]Pair, error) {
	var (
		mu    sync.Mutex
		out   []Pair
		count atomic.Int64
	)
	w, m := x.words, x.M()
	tile := tileRows(w)
	body := func(_, _, i0, i1 int, stop *atomic.Bool) int64 {
		var local []Pair
		for j0 := 0; j0 < m && !stop.Load(); j0 += tile {
			j1 := min(j0+tile, m)
			for i := i0; i < i1; i++ {
				a := x.data[A][i*w : (i+1)*w]
				for j := j0; j < j1; j++ {
					b := x.data[B][j*w : (j+1)*w]
					v := 0
					for c, y := range a {
						if xor {
							v += bits.OnesCount64(y ^ b[c])
						} else {
							v += bits.OnesCount64(y & b[c])
						}
					}
					if v < k && (Pair{i, j}) != skip {
						local = append(local, Pair{i, j})
					}
				}
			}
			if count.Load()+int64(len(local)) > int64(limit) {
				stop.Store(true)
			}
		}
		count.Add(int64(len(local)))
		mu.Lock()
		out = append(out, local...)
		mu.Unlock()
		return int64(i1-i0) * int64(m)
	}
	if err := forBlocks(ctx, x, opt, body); err != nil {
		if count.Load() > int64(limit) {
			return nil, errTooMany
		}
		return nil, err
	}
	if len(out) > limit {
		return nil, errTooMany
	}
	slices.SortFunc(out, func(p, q Pair) int {
		if p.less(q) {
			return -1
		}
		if q.less(p) {
			return 1
		}
		return 0
	})
	return out, nil
}
