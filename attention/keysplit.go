package attention

import (
	"context"
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// The key-split form of exact attention. Softmax attention over a union of
// disjoint key blocks is determined by each block's per-row state
// (m_i, l_i, T_i): the maximum logit, the sum l_i = Σ_j exp(x_ij − m_i)
// and the normalised weighted sum T_i = Σ_j exp(x_ij − m_i)·v_j / l_i.
// Two states merge by log-sum-exp (the combination step of FlashAttention
// and of split-K decoding): with M = max(m, m'), a = l·e^(m−M) and
// a' = l'·e^(m'−M),
//
//	m ← M,  l ← a + a',  T ← (a·T + a'·T') / (a + a').
//
// Both weights are at most l and l' (never overflowing), and T stays a
// convex combination of T and T', so the merge adds a few ulps of relative
// error whatever the logits (±1e4 and beyond).

// MergeKeys makes o the attention of its queries over the union of its
// keys and b's: o and b must be exact outputs (MaxLogit and Sum set) for
// the same query rows over disjoint key blocks. The merge is associative
// up to rounding; merging blocks in a fixed order gives a fixed result.
// ErrBound becomes the larger of the two. Cost O(n_q·d_v).
func (o *Output) MergeKeys(b *Output) error {
	nq, dv := o.T.Dims()
	bq, bdv := b.T.Dims()
	switch {
	case nq != bq || dv != bdv:
		return fmt.Errorf("attention: merging key blocks of outputs %d×%d and %d×%d", nq, dv, bq, bdv)
	case len(o.Sum) != nq || len(b.Sum) != nq || len(o.MaxLogit) != nq || len(b.MaxLogit) != nq:
		return fmt.Errorf("attention: merging key blocks needs MaxLogit and Sum (an exact algorithm's output)")
	}
	if o.LogNorm == nil {
		o.LogNorm = make([]float64, nq)
	}
	for i := range nq {
		m := math.Max(o.MaxLogit[i], b.MaxLogit[i])
		a := o.Sum[i] * math.Exp(o.MaxLogit[i]-m)
		ab := b.Sum[i] * math.Exp(b.MaxLogit[i]-m)
		l := a + ab
		wa, wb := a/l, ab/l
		t, tb := o.T.RawRowView(i), b.T.RawRowView(i)
		for c := range dv {
			t[c] = wa*t[c] + wb*tb[c]
		}
		o.MaxLogit[i], o.Sum[i] = m, l
		o.LogNorm[i] = m + math.Log(l)
	}
	o.ErrBound = math.Max(o.ErrBound, b.ErrBound)
	return nil
}

// Key splitting inside one process: with fewer than keySplitRows query
// rows there are too few query tiles to keep every core busy, so the keys
// are cut into blocks of at least keySplitMin keys (at most keySplitMax
// blocks), each block is streamed on its own, and the blocks' states are
// merged in key order. The choice depends on n_q and n_k only, never on
// the number of workers, so the result is the same on every machine.
const (
	keySplitRows = 16
	keySplitMin  = 2048
	keySplitMax  = 64
)

// keyBlocks returns the number of key blocks Attend uses: Options.KeyBlocks
// when set, else 1 for n_q ≥ keySplitRows and
// min(keySplitMax, ⌊n_k/keySplitMin⌋) below.
func (s *Stream) keyBlocks(nq, nk int) int {
	kb := s.opts.KeyBlocks
	if kb == 0 && nq < keySplitRows {
		kb = min(keySplitMax, nk/keySplitMin)
	}
	return max(1, min(kb, nk))
}

// attendKeySplit streams q over kb contiguous key blocks in parallel (one
// worker each) and merges them in order. Memory: kb outputs of n_q rows
// beyond the single pass.
func (s *Stream) attendKeySplit(ctx context.Context, q, k, v *mat.Dense, kb int) (*Output, error) {
	nk, d := k.Dims()
	_, dv := v.Dims()
	size := (nk + kb - 1) / kb
	parts := make([]*Output, (nk+size-1)/size)
	errs := make([]error, len(parts))
	var mu sync.Mutex
	done := 0
	err := forBlocks(ctx, len(parts), 1, s.workers(), func(_, b, _ int) {
		lo, hi := b*size, min((b+1)*size, nk)
		parts[b], errs[b] = s.attend(ctx, q, k.Slice(lo, hi, 0, d).(*mat.Dense), v.Slice(lo, hi, 0, dv).(*mat.Dense), 1, nil)
		if s.opts.Progress != nil {
			mu.Lock()
			done++
			s.opts.Progress(float64(done) / float64(len(parts)))
			mu.Unlock()
		}
	})
	if err != nil {
		return nil, err
	}
	for _, e := range errs {
		if e != nil {
			return nil, e
		}
	}
	for _, p := range parts[1:] {
		if err := parts[0].MergeKeys(p); err != nil {
			return nil, err
		}
	}
	return parts[0], nil
}

// KeyBlocks returns the number of key blocks exact attention configured
// by o splits n_k keys into for n_q queries (see Options.KeyBlocks). Row
// shards of one run set Options.KeyBlocks to KeyBlocks(o, n_q of the whole
// run, n_k), so that each computes its rows as the whole run does.
func KeyBlocks(o Options, nq, nk int) int { return (&Stream{opts: o}).keyBlocks(nq, nk) }
