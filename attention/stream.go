package attention

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/hardnesslab/hardness/internal/memlimit"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

func init() {
	Register(Info{Name: "exact", Exact: true}, func(o Options) (Algorithm, error) { return NewStream(o), nil })
}

// Stream is exact attention computed tile by tile with an online softmax,
// as in FlashAttention (T. Dao et al., NeurIPS 2022; the running-maximum
// normaliser of M. Milakov and N. Gimelshein, 2018): it never forms the
// n_q × n_k matrix A.
//
// Queries are cut into tiles that goroutines take in turn; each tile
// sweeps the keys in tiles that stay in cache, computes the dot products
// with a register-blocked micro-kernel over a packed copy of K, evaluates
// the weights with [Exp] relative to the running row maximum, and
// accumulates P·V. On amd64 CPUs with AVX-512 F and DQ (and without the
// purego build tag) the strip path of kernelstrip.go runs the assembly of
// kernel512_amd64.s: both products as 6 × 32 register-blocked
// micro-kernels over K packed once in panels of 32 keys, tiles sized from
// the CPU's L1 and L2 caches, and an 8-lane exp. With AVX2 and FMA only,
// kernel_amd64.s runs a 2-row path (fused multiply-adds on 4 doubles);
// elsewhere the pure-Go kernels of kernel.go, which are the reference, run
// instead. Every exp kernel meets the ≤ 2 ulp contract of Exp. The plan's
// notes name the kernel set. Weights never exceed 1, so logits up to ±1e4 (and far
// beyond) neither overflow nor produce NaN, and a row whose weights all
// underflow except the maximum's is exactly the value row of its maximum.
//
// Cost: 2·n_q·n_k·(d + d_v) flops and n_q·n_k exponentials; memory
// O((n_q + n_k)·(d + d_v)): a packed copy of K, the output, and per worker
// O(tile·(d_v + tile)) scratch.
type Stream struct {
	opts Options
}

// NewStream returns the streaming exact algorithm configured by o (it reads
// Workers, MaxMemory and Progress). It is registered as "exact".
func NewStream(o Options) *Stream { return &Stream{opts: o} }

// Name returns "exact".
func (*Stream) Name() string { return "exact" }

// streamBytes bounds the working memory of Stream beyond the inputs, for
// every kernel set and cache size, so that the estimate (and a refusal by
// MaxMemory) does not depend on the machine: K packed in panels of up to
// stripNR keys, the output, and per worker the larger scratch of the two
// paths (the strip path's logits are at most stripMaxBQ × stripMaxBK and
// no larger than n_q × n_k, each rounded up).
func streamBytes(nq, nk, d, dv, workers int) int64 {
	packed := int64((nk+stripNR-1)/stripNR*stripNR) * int64(d)
	out := int64(nq) * int64(dv+2)
	bq, bk := tileSizes(nq, d, dv, workers)
	pair := int64(2*bk + bq*(dv+2))
	sq := min(stripMaxBQ, (nq+stripMR-1)/stripMR*stripMR)
	sk := min(stripMaxBK, nk) + stripNR + 8
	strip := int64(sq) * int64(sk+d+dv+2)
	return 8 * (packed + out + int64(workers)*max(pair, strip))
}

// panel is the number of keys per packed panel of the kernel set.
func (ks *kernels) panel() int {
	if ks.strip != nil {
		return stripNR
	}
	return kr
}

// tileSizes is the query and key tile sizes of the kernel set's path.
func (ks *kernels) tileSizes(nq, d, dv, workers int) (bq, bk int) {
	if ks.strip != nil {
		return stripTileSizes(nq, d, dv, workers, caches())
	}
	return tileSizes(nq, d, dv, workers)
}

// Plan returns the cost of Attend: flops 2·n_q·n_k·(d + d_v), the memory
// of streamBytes, ErrBound 0 and the float64 rounding bound
// RoundingBound64 (which holds for every kernel set and key split). It fails on mismatched shapes and when
// the memory estimate exceeds Options.MaxMemory.
func (s *Stream) Plan(q, k, v *mat.Dense) (*Plan, error) {
	nq, nk, d, dv, err := Shapes(q, k, v)
	if err != nil {
		return nil, err
	}
	w := s.workers()
	ks := kern
	bq, bk := ks.tileSizes(nq, d, dv, w)
	if kb := s.keyBlocks(nq, nk); kb > 1 {
		w = busyWorkers(w, kb, 1) // one key block per worker
	} else {
		w = busyWorkers(w, nq, bq)
	}
	bytes := streamBytes(nq, nk, d, dv, w)
	if valueSumsOverflow(maxAbs(v), nk) {
		bytes += 8 * int64(nk) * int64(dv) // the scaled copy of V
	}
	p := &Plan{
		Algo:     "exact",
		Flops:    2 * float64(nq) * float64(nk) * float64(d+dv),
		Bytes:    bytes,
		Rounding: roundingBound(q, k, v),
		Notes: []string{
			fmt.Sprintf("streaming online softmax, %d workers, tiles %d queries × %d keys", w, bq, bk),
			"kernels: " + ks.name,
		},
	}
	what := fmt.Sprintf("exact attention of %d queries × %d keys (d = %d, d_v = %d)", nq, nk, d, dv)
	if err := memlimit.Check(what, p.Bytes, s.opts.MaxMemory, "raise --max-memory or split the queries"); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Stream) workers() int { return workerCount(s.opts) }

// tileSizes picks the query-tile and key-tile sizes: a key tile of K and V
// takes about 128 KiB so it stays in L2 while every query of the tile
// passes over it, and there are at least 4 query tiles per worker when
// n_q allows, for balance.
func tileSizes(nq, d, dv, workers int) (bq, bk int) {
	bk = (16384 / (d + dv)) &^ (kr - 1)
	bk = min(max(bk, 64), 1024)
	bq = 64
	for bq > 2 && (nq+bq-1)/bq < 4*workers {
		bq /= 2
	}
	return bq, bk
}

// Attend computes Att(Q, K, V) with LogNorm, MaxLogit and Sum. With few
// query rows it splits the keys instead of the queries (see keyBlocks), so
// that all workers help. It returns an
// error for mismatched shapes, a memory estimate over the limit, logits
// that could overflow float64 (max|Q|·max|K|·d ≥ 1e300), an output that is
// not finite, or ctx's error when cancelled (checked between tiles). When
// n_k·max|V| could overflow it runs on a copy of V scaled by a power of two
// (n_k·d_v more floats, in Plan's memory).
func (s *Stream) Attend(ctx context.Context, q, k, v *mat.Dense) (*Output, error) {
	if _, err := s.Plan(q, k, v); err != nil {
		return nil, err
	}
	nq, nk, d, _ := CheckShapes(q, k, v)
	qmax, err := maxAbsContext(ctx, q) // a second for 10⁹ entries: checks ctx
	if err != nil {
		return nil, err
	}
	if b := qmax * maxAbs(k) * float64(d); !(b < 1e300) {
		return nil, fmt.Errorf("exact: logits of up to max|Q|·max|K|·d = %g could overflow float64; refusing", b)
	}
	// Σ_j p_ij·v_j (p ≤ 1) can overflow when max|V| is near the float64
	// limit: then run on 2^−e·V and scale T back (finite.go).
	ev := 0
	if vmax := maxAbs(v); valueSumsOverflow(vmax, nk) {
		ev = valueExponent(vmax)
		v = scaledCopy(v, ev)
	}
	var out *Output
	if kb := s.keyBlocks(nq, nk); kb > 1 {
		out, err = s.attendKeySplit(ctx, q, k, v, kb)
	} else {
		out, err = s.attend(ctx, q, k, v, s.workers(), s.opts.Progress)
	}
	if err != nil {
		return nil, err
	}
	scaleRows(out.T, ev)
	if err := outputFinite("exact", out.T, "values near the float64 limit"); err != nil {
		return nil, err
	}
	return out, nil
}

// attend is one streaming pass of queries q over keys k, v (checked).
func (s *Stream) attend(ctx context.Context, q, k, v *mat.Dense, workers int, progress func(float64)) (*Output, error) {
	nq, nk, d, dv := CheckShapes(q, k, v)
	ks := kern
	kraw := k.RawMatrix()
	kp, err := packPanels(ctx, kraw.Data, nk, d, kraw.Stride, ks.panel())
	if err != nil {
		return nil, err
	}
	e := &engine{
		q: q.RawMatrix(), v: v.RawMatrix(), k: ks, kp: kp,
		nq: nq, nk: nk, d: d, dv: dv, invd: 1 / float64(d),
		out: &Output{T: mat.NewDense(nq, dv, nil), LogNorm: make([]float64, nq),
			MaxLogit: make([]float64, nq), Sum: make([]float64, nq)},
	}
	e.bq, e.bk = ks.tileSizes(nq, d, dv, workers)
	if err := e.run(ctx, workers, progress); err != nil {
		return nil, err
	}
	return e.out, nil
}

// engine is one run of Stream: read-only inputs and the output, whose rows
// the workers write disjointly.
type engine struct {
	q, v          blas64.General
	k             *kernels  // the kernel set of this run
	kp            []float64 // packed K, in panels of k.panel() keys
	nq, nk, d, dv int
	bq, bk        int
	invd          float64
	out           *Output

	ctx context.Context // checked between tiles
}

func (e *engine) run(ctx context.Context, workers int, progress func(float64)) error {
	e.ctx = ctx
	var mu sync.Mutex
	finished := 0
	report := func(rows int) {
		if progress == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		finished += rows
		progress(float64(finished) / float64(e.nq))
	}
	ws := make([]*worker, workers)
	return forBlocks(ctx, e.nq, e.bq, workers, func(wk, i0, i1 int) {
		if ws[wk] == nil {
			ws[wk] = e.newWorker()
		}
		if ws[wk].queryTile(i0, i1) {
			report(i1 - i0)
		}
	})
}

// worker holds one goroutine's scratch: the scores of two query rows over
// a key tile, and the running softmax state of a query tile.
type worker struct {
	*engine
	k      *kernels
	s0, s1 []float64
	m, l   []float64 // running max of raw dot products, running sum
	acc    []float64 // bq × dv running Σ p·v
	dummy  []float64 // accumulator of the phantom row paired with an odd last row
	stripWorker
}

func (e *engine) newWorker() *worker {
	if e.k.strip != nil {
		w := &worker{engine: e, k: e.k}
		w.initStrip()
		return w
	}
	bkp := (e.bk + kr - 1) / kr * kr
	return &worker{
		engine: e,
		k:      e.k,
		s0:     make([]float64, bkp), s1: make([]float64, bkp),
		m: make([]float64, e.bq), l: make([]float64, e.bq),
		acc:   make([]float64, e.bq*e.dv),
		dummy: make([]float64, e.dv),
	}
}

// queryTile computes rows [i0, i1) of the output. It returns false when
// the context is done (checked before each key tile).
func (w *worker) queryTile(i0, i1 int) bool {
	if w.k.strip != nil {
		return w.queryTileStrip(i0, i1)
	}
	n, d, dv := i1-i0, w.d, w.dv
	for r := range n {
		w.m[r], w.l[r] = math.Inf(-1), 0
	}
	clear(w.acc[:n*dv])
	for j0 := 0; j0 < w.nk; j0 += w.bk {
		if w.ctx.Err() != nil {
			return false
		}
		kn := min(w.bk, w.nk-j0)
		groups := (kn + kr - 1) / kr
		kp := w.kp[j0*d : (j0+groups*kr)*d]
		vt := w.v.Data[j0*w.v.Stride:]
		for r := 0; r < n; r += 2 {
			q0 := w.q.Data[(i0+r)*w.q.Stride:]
			q1, r1 := q0, r // an odd last row is paired with itself
			if r+1 < n {
				q1, r1 = w.q.Data[(i0+r+1)*w.q.Stride:], r+1
			}
			w.k.dotTile(w.s0, w.s1, q0, q1, kp, d)
			s0, s1 := w.s0[:kn], w.s1[:kn]
			acc0 := w.acc[r*dv : (r+1)*dv]
			acc1 := w.dummy
			w.k.softmax(s0, &w.m[r], &w.l[r], acc0, w.invd)
			if r1 != r {
				acc1 = w.acc[r1*dv : (r1+1)*dv]
				w.k.softmax(s1, &w.m[r1], &w.l[r1], acc1, w.invd)
			} else {
				s1 = s0
			}
			w.k.accumulatePV(acc0, acc1, s0, s1, vt, dv, w.v.Stride)
		}
	}
	w.finish(i0, i1)
	return true
}

// finish writes rows [i0, i1) of the output from the running state.
func (w *worker) finish(i0, i1 int) {
	dv := w.dv
	t := w.out.T.RawMatrix()
	for r := range i1 - i0 {
		i := i0 + r
		row := t.Data[i*t.Stride : i*t.Stride+dv]
		for c, a := range w.acc[r*dv : (r+1)*dv] {
			row[c] = a / w.l[r]
		}
		w.out.MaxLogit[i] = w.m[r] * w.invd
		w.out.Sum[i] = w.l[r]
		w.out.LogNorm[i] = w.out.MaxLogit[i] + math.Log(w.l[r])
	}
}

// maxAbs returns max |a_ij|, NaN if some entry is NaN.
// maxAbsContext is maxAbs checking ctx every 4096 rows.
func maxAbsContext(ctx context.Context, a *mat.Dense) (float64, error) {
	r, c := a.Dims()
	m := 0.0
	for i0 := 0; i0 < r; i0 += 4096 {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		x := maxAbs(a.Slice(i0, min(i0+4096, r), 0, c).(*mat.Dense))
		if x != x {
			return x, nil
		}
		m = max(m, x)
	}
	return m, nil
}

func maxAbs(a *mat.Dense) float64 {
	m := uint64(0)
	r, c := a.Dims()
	raw := a.RawMatrix()
	for i := range r {
		m = max(m, maxAbsBits(raw.Data[i*raw.Stride:i*raw.Stride+c]))
	}
	return math.Float64frombits(m)
}

// maxAbsBits returns the bits of max |x| over xs: with the sign bit
// cleared, the order of float64 bit patterns as unsigned integers is the
// order of the values, and every NaN lies above +Inf, so a NaN anywhere
// gives a NaN. Four integer accumulators, no branch: about 0.6 ns per
// entry against 16 for a float max with a NaN test (measured with go test
// -bench on 2^21 entries).
func maxAbsBits(xs []float64) uint64 {
	const sign = 1 << 63
	var m0, m1, m2, m3 uint64
	n := len(xs) &^ 3
	for j := 0; j < n; j += 4 {
		m0 = max(m0, math.Float64bits(xs[j])&^sign)
		m1 = max(m1, math.Float64bits(xs[j+1])&^sign)
		m2 = max(m2, math.Float64bits(xs[j+2])&^sign)
		m3 = max(m3, math.Float64bits(xs[j+3])&^sign)
	}
	for _, x := range xs[n:] {
		m0 = max(m0, math.Float64bits(x)&^sign)
	}
	return max(max(m0, m1), max(m2, m3))
}

// Options returns the options the algorithm was configured with.
func (s *Stream) Options() Options { return s.opts }

// MergesKeys reports true: outputs over disjoint key blocks merge exactly
// by [Output.MergeKeys].
func (*Stream) MergesKeys() bool { return true }
