package ovp

import (
	"context"
	"fmt"
	"math/bits"

	"github.com/hardnesslab/hardness/sat"
)

// Lister lists the vectors of one side of the split-and-list instance of a
// formula ([FromCNF]) in any contiguous range of indices, without listing
// the rest: vector g of the side is the partial assignment whose bit t is
// the value of the side's variable t, and its coordinate c is 1 iff that
// assignment satisfies no literal of clause c. A shard of a sharded run
// lists only its own rows of A, and the key side tile by tile, so that
// memory does not grow with the instance. A Lister is safe for concurrent
// use (List keeps its state on the stack and in dst).
type Lister struct {
	occ   [][]occurrence // per side variable, its occurrences
	zero  []int32        // satisfied literals per clause with all side variables false
	k     int            // variables of the side
	m     int            // clauses
	words int
}

// NewLister returns the lister of side s of f split at h (variables
// 1..h on A, h+1..v on B; h as in [CNFOptions.Split], 0 meaning ⌊v/2⌋).
// It validates like FromCNF. Cost O(L + m), L the literal count.
func NewLister(f *sat.Formula, h int, s Side) (*Lister, error) {
	v := f.Vars
	h, err := resolveSplit(v, h)
	if err != nil {
		return nil, err
	}
	lo, k := 1, h
	if s == B {
		lo, k = h+1, v-h
	}
	m := len(f.Clauses)
	l := &Lister{occ: make([][]occurrence, k), zero: make([]int32, m), k: k, m: m, words: WordsFor(m)}
	for ci, c := range f.Clauses {
		for _, lit := range c {
			if lit == 0 || lit.Var() > v {
				return nil, fmt.Errorf("ovp: clause %d has literal %d, want a variable in 1..%d", ci+1, lit, v)
			}
			if t := lit.Var() - lo; t >= 0 && t < k {
				l.occ[t] = append(l.occ[t], occurrence{int32(ci), lit.Neg()})
				if lit.Neg() {
					l.zero[ci]++
				}
			}
		}
	}
	return l, nil
}

// Len returns the number of vectors of the side, 2^k.
func (l *Lister) Len() int { return 1 << l.k }

// Words returns the words per packed vector, WordsFor(m).
func (l *Lister) Words() int { return l.words }

// List writes vectors lo … hi−1 packed into dst (at least (hi−lo)·Words()
// words; vector g at dst[(g−lo)·Words():]). It cuts [lo, hi) into aligned
// power-of-two blocks, evaluates the first assignment of each block in
// full and walks the rest in Gray-code order, flipping one variable per
// step: cost O(log(hi−lo)·(L + m)) plus O(m/64 + occurrences of one
// variable) per vector. It returns ctx.Err() if ctx ends (checked every
// 2^14 vectors), with dst partly written. It panics unless
// 0 ≤ lo ≤ hi ≤ Len().
func (l *Lister) List(ctx context.Context, dst []uint64, lo, hi int) error {
	if lo < 0 || lo > hi || hi > l.Len() || len(dst) < (hi-lo)*l.words {
		panic(fmt.Sprintf("ovp: List(%d, %d) of %d vectors into %d words", lo, hi, l.Len(), len(dst)))
	}
	cnt := make([]int32, l.m)
	cur := make([]uint64, l.words)
	for p := lo; p < hi; {
		b := bits.Len(uint(hi-p)) - 1 // largest 2^b ≤ hi − p …
		if p != 0 {
			b = min(b, bits.TrailingZeros(uint(p))) // … with p aligned to 2^b
		}
		if err := l.block(ctx, dst, lo, p, b, cnt, cur); err != nil {
			return err
		}
		p += 1 << b
	}
	return nil
}

// block lists the 2^b vectors p … p+2^b−1 (p aligned): a full evaluation
// of p, then a Gray-code walk over the low b variables.
func (l *Lister) block(ctx context.Context, dst []uint64, lo, p, b int, cnt []int32, cur []uint64) error {
	copy(cnt, l.zero)
	for t, os := range l.occ {
		if p>>t&1 == 1 {
			for _, o := range os {
				if o.neg {
					cnt[o.clause]--
				} else {
					cnt[o.clause]++
				}
			}
		}
	}
	clear(cur)
	for ci, n := range cnt {
		if n == 0 {
			cur[ci>>6] |= 1 << (uint(ci) & 63)
		}
	}
	w := l.words
	copy(dst[(p-lo)*w:(p-lo+1)*w], cur)
	g := p
	for step := 1; step < 1<<b; step++ {
		if step&(1<<14-1) == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		t := bits.TrailingZeros(uint(step))
		g ^= 1 << t
		l.flip(t, g>>t&1 == 1, cnt, cur)
		copy(dst[(g-lo)*w:(g-lo+1)*w], cur)
	}
	return nil
}

// flip updates the satisfied-literal counts and the vector when side
// variable t becomes nowTrue.
func (l *Lister) flip(t int, nowTrue bool, cnt []int32, cur []uint64) {
	for _, o := range l.occ[t] {
		ci := o.clause
		if o.neg != nowTrue { // the literal became true
			cnt[ci]++
			if cnt[ci] == 1 {
				cur[ci>>6] &^= 1 << (uint(ci) & 63)
			}
		} else {
			cnt[ci]--
			if cnt[ci] == 0 {
				cur[ci>>6] |= 1 << (uint(ci) & 63)
			}
		}
	}
}
