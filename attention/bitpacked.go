package attention

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"sync"

	"github.com/hardnesslab/hardness/internal/memlimit"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

func init() {
	Register(Info{Name: "bitpacked", Exact: true}, func(o Options) (Algorithm, error) { return NewBitpacked(o), nil })
}

// Bitpacked is exact attention for the inputs the OV reduction builds: every
// entry of Q is 0 or one value a > 0 and every entry of K is 0 or −b for
// one b > 0 (reduction.FromOV: a = b = β). Then
//
//	x_ij = ⟨q_i, k_j⟩/d = −a·b·c_ij/d,   c_ij = popcount(bits(q_i) AND bits(k_j)),
//
// so a row's logits take at most d+1 values. Bitpacked packs Q and K into
// bit vectors, counts c_ij with one POPCNT per 64 coordinates, and sums
// per row the values v_j by count: S_i[c] = Σ_{c_ij = c} v_j and
// N_i[c] = #{j : c_ij = c}. With c_i = min_j c_ij the row is
//
//	T_i = Σ_c w_c·S_i[c] / Σ_c w_c·N_i[c],   w_c = exp(−a·b·(c − c_i)/d),
//
// which needs d+1 exponentials per row instead of n_k. It is the same
// attention as [Stream] (up to float64 rounding; the tests check that the
// reduction's decisions are identical), only cheaper arithmetic: n_q·n_k·
// (⌈d/64⌉ popcounts + d_v additions). Plan refuses inputs of any other form
// with an error naming the first offending entry. The plan's notes name the
// kernel.
type Bitpacked struct {
	opts Options
}

// NewBitpacked returns the bit-packed exact algorithm configured by o (it
// reads Workers, MaxMemory and Progress). It is registered as "bitpacked".
func NewBitpacked(o Options) *Bitpacked { return &Bitpacked{opts: o} }

// Name returns "bitpacked".
func (*Bitpacked) Name() string { return "bitpacked" }

// bitForm returns the one nonzero value of m (0 if m is all zero) and an
// error naming the first entry that is neither 0 nor that value, or whose
// sign is not want (+1 for Q, −1 for K). Cost O(rows·cols).
func bitForm(m *mat.Dense, name string, want float64) (float64, error) {
	r, c := m.Dims()
	raw := m.RawMatrix()
	val := 0.0
	for i := range r {
		for j, x := range raw.Data[i*raw.Stride : i*raw.Stride+c] {
			switch {
			case x == 0:
			case val == 0 && x*want > 0 && !math.IsInf(x, 0):
				val = x
			case x != val:
				sign := "positive"
				if want < 0 {
					sign = "negative"
				}
				if val == 0 {
					return 0, fmt.Errorf("attention: bitpacked needs %s with entries 0 or one %s value; %s[%d][%d] = %g, its first nonzero entry, is not %s", name, sign, name, i, j, x, sign)
				}
				return 0, fmt.Errorf("attention: bitpacked needs %s with entries 0 or one %s value; %s[%d][%d] = %g (the first nonzero is %g)", name, sign, name, i, j, x, val)
			}
		}
	}
	return val, nil
}

// bitpackedBytes is the working memory: Q and K packed (⌈d/64⌉ words per
// row, K twice), the output, a padded copy of V's column and per worker
// a table of 64·⌈d/64⌉+1 weights.
func bitpackedBytes(nq, nk, d, dv, workers int) int64 {
	w := int64((d + 63) / 64)
	return 8 * (w*int64(nq+2*nk+8) + int64(nq)*int64(dv+2) + int64(nk+8) + int64(workers)*(64*w+1))
}

// Plan checks the form of Q and K (O((n_q+n_k)·d)) and returns flops
// 2·n_q·n_k·d_v (the additions; the popcounts are integer work), the
// memory and ErrBound 0.
func (b *Bitpacked) Plan(q, k, v *mat.Dense) (*Plan, error) {
	nq, nk, d, dv, err := Shapes(q, k, v)
	if err != nil {
		return nil, err
	}
	qa, err := bitForm(q, "Q", 1)
	if err != nil {
		return nil, err
	}
	kb, err := bitForm(k, "K", -1)
	if err != nil {
		return nil, err
	}
	w := busyWorkers(b.workers(), nq, bpRows)
	p := &Plan{
		Algo:     "bitpacked",
		Flops:    2 * float64(nq) * float64(nk) * float64(dv),
		Bytes:    bitpackedBytes(nq, nk, d, dv, w),
		Rounding: roundingBound(q, k, v), // its logits round less than a dot product's: RoundingBound64 holds
		Notes: []string{
			fmt.Sprintf("bit-packed logits −a·b·popcount(q AND k)/d with a = %.6g, b = %.6g: %d words per row, a table of %d exponentials per row", qa, -kb, (d+63)/64, d+1),
			fmt.Sprintf("%d workers", w),
			"kernels: " + bpKernelFor(dv).name,
		},
	}
	what := fmt.Sprintf("bit-packed attention of %d queries × %d keys (d = %d, d_v = %d)", nq, nk, d, dv)
	if err := memlimit.Check(what, p.Bytes, b.opts.MaxMemory, "raise --max-memory or split the queries"); err != nil {
		return nil, err
	}
	return p, nil
}

func (b *Bitpacked) workers() int { return workerCount(b.opts) }

// bpRows is the number of query rows a worker sweeps the keys with at once.
const bpRows = 4

// Attend computes Att(Q, K, V) with LogNorm and MaxLogit as [Stream] does.
// It returns Plan's errors and ctx's error when cancelled (checked while
// packing and between blocks of rows).
func (b *Bitpacked) Attend(ctx context.Context, q, k, v *mat.Dense) (*Output, error) {
	if _, err := b.Plan(q, k, v); err != nil {
		return nil, err
	}
	nq, nk, d, dv := CheckShapes(q, k, v)
	qa, _ := bitForm(q, "Q", 1)
	kb, _ := bitForm(k, "K", -1)
	if ab := qa * -kb; !(ab*float64(d) < 1e300) {
		return nil, fmt.Errorf("bitpacked: logits of up to a·b·d = %g could overflow float64; refusing", ab*float64(d))
	}
	// As in Stream: Σ_j v_j can overflow when max|V| is near the float64
	// limit; then run on 2^−e·V and scale T back (finite.go).
	ev := 0
	if vmax := maxAbs(v); valueSumsOverflow(vmax, nk) {
		ev = valueExponent(vmax)
		v = scaledCopy(v, ev)
	}
	e := &bpEngine{
		nq: nq, nk: nk, d: d, dv: dv, words: (d + 63) / 64,
		// The logit of count c is (c·(a·b) negated)·(1/d), as Stream
		// computes ⟨q, k⟩·(1/d) for c products −a·b.
		ab: qa * -kb, invd: 1 / float64(d),
		v: v.RawMatrix(),
		out: &Output{T: mat.NewDense(nq, dv, nil), LogNorm: make([]float64, nq), MaxLogit: make([]float64, nq),
			Sum: make([]float64, nq)},
	}
	var err error
	if e.qb, err = packBits(ctx, q, e.words); err != nil {
		return nil, err
	}
	if e.kb, err = packBits(ctx, k, e.words); err != nil {
		return nil, err
	}
	if e.kern = bpKernelFor(dv); e.kern.packed {
		e.kp = packBitPanels(e.kb, nk, e.words)
		e.vcol = make([]float64, (nk+7)/8*8)
		for j := range nk {
			e.vcol[j] = e.v.Data[j*e.v.Stride]
		}
	}
	if err := e.run(ctx, b.workers(), b.opts.Progress); err != nil {
		return nil, err
	}
	scaleRows(e.out.T, ev)
	if err := outputFinite("bitpacked", e.out.T, "values near the float64 limit"); err != nil {
		return nil, err
	}
	return e.out, nil
}

// packBits returns the rows of m as bit vectors of the given number of
// words: bit c of row i is set when m[i][c] ≠ 0. It returns ctx's error
// when ctx is done (checked every 4096 rows).
func packBits(ctx context.Context, m *mat.Dense, words int) ([]uint64, error) {
	r, c := m.Dims()
	raw := m.RawMatrix()
	out := make([]uint64, r*words)
	for i := range r {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		row := out[i*words : (i+1)*words]
		for j, x := range raw.Data[i*raw.Stride : i*raw.Stride+c] {
			if x != 0 {
				row[j/64] |= 1 << (j % 64)
			}
		}
	}
	return out, nil
}

// bpEngine is one run of Bitpacked.
type bpEngine struct {
	nq, nk, d, dv, words int
	ab, invd             float64
	qb, kb               []uint64 // Q and K as bit rows, words per row
	kp                   []uint64 // K for packed kernels: word-major panels of 8 keys
	vcol                 []float64
	v                    blas64.General
	kern                 *bpCounter
	out                  *Output
}

// bpCounter is a pair of counting kernels of Bitpacked for one query row
// q (words bits): min returns min_j c_j, c_j = popcount(q AND k_j); sum
// returns l = Σ_j table[c_j] and adds Σ_j table[c_j]·v_j to acc. Packed
// kernels read e.kp and e.vcol (d_v = 1 only), the others e.kb and e.v.
type bpCounter struct {
	name   string
	packed bool
	min    func(e *bpEngine, q []uint64) int
	sum    func(e *bpEngine, q []uint64, table, acc []float64) float64
}

var bpGo = &bpCounter{name: "go popcount", min: bpMinGo, sum: bpSumGo}

// bpKernel is the counting kernel Bitpacked prefers: the AVX-512 VPOPCNTQ
// one when available (used for d_v = 1, the reduction's case), else the
// pure-Go one. Tests switch it to run both.
var bpKernel = defaultBPKernel()

func defaultBPKernel() *bpCounter {
	if bpAVX512 != nil {
		return bpAVX512
	}
	return bpGo
}

// bpKernelFor returns the kernel that runs for d_v.
func bpKernelFor(dv int) *bpCounter {
	if bpKernel.packed && dv != 1 {
		return bpGo
	}
	return bpKernel
}

// run computes the rows, bpRows at a time, taken in turn by the workers.
func (e *bpEngine) run(ctx context.Context, workers int, progress func(float64)) error {
	var mu sync.Mutex
	finished := 0
	tables := make([][]float64, workers)
	return forBlocks(ctx, e.nq, bpRows, workers, func(wk, i0, i1 int) {
		if tables[wk] == nil {
			tables[wk] = make([]float64, 64*e.words+1) // every count c ≤ 64·words has an entry
		}
		for i := i0; i < i1; i++ {
			e.row(i, tables[wk])
		}
		if progress != nil {
			mu.Lock()
			finished += i1 - i0
			progress(float64(finished) / float64(e.nq))
			mu.Unlock()
		}
	})
}

// row computes row i in two sweeps over the keys: the least count c_min,
// which gives the row maximum, then the sums with the weights of the
// table w_c = exp((s_c − s_max)·(1/d)) for the raw dot products s_c =
// −c·a·b, as Stream computes them (w_c = 0 below c_min, never used).
// Cost O(n_k·(words + d_v) + d) and d+1 exponentials.
func (e *bpEngine) row(i int, table []float64) {
	q := e.qb[i*e.words : (i+1)*e.words]
	lo := e.kern.min(e, q)
	smax := -float64(lo) * e.ab
	for c := range table {
		table[c] = 0
		if c >= lo {
			table[c] = expNonPos((-float64(c)*e.ab - smax) * e.invd)
		}
	}
	t := e.out.T.RawMatrix()
	acc := t.Data[i*t.Stride : i*t.Stride+e.dv]
	l := e.kern.sum(e, q, table, acc)
	for j := range acc {
		acc[j] /= l
	}
	e.out.MaxLogit[i] = smax * e.invd
	e.out.Sum[i] = l
	e.out.LogNorm[i] = e.out.MaxLogit[i] + math.Log(l)
}

// popcount returns popcount(q AND k) for equal-length bit rows.
func popcount(q, k []uint64) int {
	n := 0
	for x, word := range q {
		n += bits.OnesCount64(word & k[x])
	}
	return n
}

// bpMinGo is the pure-Go min kernel (see bpCounter).
func bpMinGo(e *bpEngine, q []uint64) int {
	lo := e.d
	for j := range e.nk {
		lo = min(lo, popcount(q, e.kb[j*e.words:(j+1)*e.words]))
	}
	return lo
}

// bpSumGo is the pure-Go sum kernel (see bpCounter).
func bpSumGo(e *bpEngine, q []uint64, table, acc []float64) float64 {
	l := 0.0
	for j := range e.nk {
		w := table[popcount(q, e.kb[j*e.words:(j+1)*e.words])]
		l += w
		for c, x := range e.v.Data[j*e.v.Stride : j*e.v.Stride+e.dv] {
			acc[c] += w * x
		}
	}
	return l
}

// packBitPanels returns the bit rows kb (words per row, nk rows) word-major
// in panels of 8 keys for the packed kernels: out[p·8·words + 8x + r] is
// word x of key 8p+r, zero past the last key. Time and memory O(n_k·words).
func packBitPanels(kb []uint64, nk, words int) []uint64 {
	out := make([]uint64, (nk+7)/8*8*words)
	for j := range nk {
		p, r := j/8, j%8
		for x, w := range kb[j*words : (j+1)*words] {
			out[p*8*words+8*x+r] = w
		}
	}
	return out
}

// Options returns the options the algorithm was configured with.
func (b *Bitpacked) Options() Options { return b.opts }

// MergesKeys reports true: outputs over disjoint key blocks merge exactly
// by [Output.MergeKeys].
func (*Bitpacked) MergesKeys() bool { return true }
