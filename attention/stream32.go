package attention

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"github.com/hardnesslab/hardness/internal/memlimit"
	"gonum.org/v1/gonum/mat"
)

// Matrix32 is a dense row-major float32 matrix: entry (i, j) is
// Data[i·Cols + j].
type Matrix32 struct {
	Rows, Cols int
	Data       []float32
}

// ToFloat32 rounds m to float32. It returns an error naming the first
// entry outside float32's finite range (or not finite). Cost O(rows·cols).
func ToFloat32(m *mat.Dense, name string) (*Matrix32, error) {
	r, c := m.Dims()
	out := &Matrix32{Rows: r, Cols: c, Data: make([]float32, r*c)}
	for i := range r {
		for j, x := range m.RawRowView(i)[:c] {
			y := float32(x)
			if math.IsInf(float64(y), 0) || y != y {
				return nil, fmt.Errorf("%s[%d][%d] = %g is not a finite float32 (|x| ≤ %g)", name, i, j, x, math.MaxFloat32)
			}
			out.Data[i*c+j] = y
		}
	}
	return out, nil
}

// Dense returns m widened to float64.
func (m *Matrix32) Dense() *mat.Dense {
	d := make([]float64, len(m.Data))
	for i, x := range m.Data {
		d[i] = float64(x)
	}
	return mat.NewDense(m.Rows, m.Cols, d)
}

// kernels32 are the float32 kernels of the float32 strip path: as
// stripKernels with panels of strip32NR = 64 keys, products accumulated in
// float32, and the weights' sums and the running P·V in float64.
type kernels32 struct {
	name string
	// qk: s[(6t+i)·lds + 64p + r] = ⟨q_{6t+i}, k_{64p+r}⟩ for the packed
	// strips t < strips of qp (qp[6d·t + 6c + i]) and panels·64·d packed
	// keys.
	qk func(s []float32, lds int, qp, kp []float32, strips, panels, d int)
	// pv: acc[i·ldacc + c] += Σ_{j<n} p[i·ldp + j]·v[j·ldv + c], the sum over
	// the n keys in float32 from zero, then added to the float64 acc.
	pv func(acc []float64, ldacc int, p []float32, ldp int, v []float32, ldv, n, dv int)
	// maxOf returns max(−Inf, s...).
	maxOf func(s []float32) float32
	// exp sets s_j = exp((s_j − m)·invd) in float32 (s_j ≤ m) and returns
	// the float64 sum of the new s_j.
	exp func(s []float32, m, invd float32) float64
}

const strip32NR = 64

// goKernels32 are the pure-Go float32 kernels, the reference.
var goKernels32 = &kernels32{name: "go", qk: qkStrip32Go, pv: pvStrip32Go, maxOf: max32Go, exp: exp32Go}

// kern32 is the float32 kernel set Attend32 uses; tests switch it.
var kern32 = defaultKernels32()

func defaultKernels32() *kernels32 {
	if avx512Kernels32 != nil {
		return avx512Kernels32
	}
	return goKernels32
}

// qkStrip32Go is the reference qk: each sum in the order c = 0, 1, ….
func qkStrip32Go(s []float32, lds int, qp, kp []float32, strips, panels, d int) {
	var sum [strip32NR]float32
	for t := range strips {
		qt, st := qp[t*stripMR*d:], s[t*stripMR*lds:]
		for p := range panels {
			kpp := kp[p*strip32NR*d : (p+1)*strip32NR*d]
			for i := range stripMR {
				clear(sum[:])
				for c := range d {
					x, k := qt[c*stripMR+i], kpp[c*strip32NR:(c+1)*strip32NR]
					for r := range sum {
						sum[r] += x * k[r]
					}
				}
				copy(st[i*lds+p*strip32NR:], sum[:])
			}
		}
	}
}

// pvStrip32Go is the reference pv: each sum in the order j = 0, 1, ….
func pvStrip32Go(acc []float64, ldacc int, p []float32, ldp int, v []float32, ldv, n, dv int) {
	sum := make([]float32, dv)
	for i := range stripMR {
		clear(sum)
		for j, pj := range p[i*ldp : i*ldp+n] {
			for c, x := range v[j*ldv : j*ldv+dv] {
				sum[c] += pj * x
			}
		}
		for c, x := range sum {
			acc[i*ldacc+c] += float64(x)
		}
	}
}

func max32Go(s []float32) float32 {
	m := float32(math.Inf(-1))
	for _, x := range s {
		m = max(m, x)
	}
	return m
}

// exp32Go evaluates the exp in float64 and rounds it: more accurate than
// the float32 kernels, which are tested against it.
func exp32Go(s []float32, m, invd float32) float64 {
	sum := 0.0
	for j, x := range s {
		y := float32(expNonPos(float64((x - m) * invd)))
		s[j] = y
		sum += float64(y)
	}
	return sum
}

// packPanels32 is packPanels for float32 matrices.
func packPanels32(ctx context.Context, k *Matrix32, nr int) ([]float32, error) {
	nk, d := k.Rows, k.Cols
	kp := make([]float32, (nk+nr-1)/nr*nr*d)
	for j := range nk {
		if j%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		dst := kp[j/nr*nr*d:]
		for c, x := range k.Data[j*d : (j+1)*d] {
			dst[nr*c+j%nr] = x
		}
	}
	return kp, nil
}

// strip32TileSizes is stripTileSizes for 4-byte entries and 64-key panels.
func strip32TileSizes(nq, d, dv, workers int, c cacheInfo) (bq, bk int) {
	bk = min(c.l2/2/(4*(d+dv)), c.l1/2/(4*stripMR))
	bk = min(max(bk/strip32NR*strip32NR, strip32NR), stripMaxBK)
	bq = stripMaxBQ
	for bq > stripMR && (nq+bq-1)/bq < 4*workers {
		bq = max(bq/2/stripMR*stripMR, stripMR)
	}
	return bq, bk
}

// unit32 is float32's unit roundoff 2⁻²⁴.
const unit32 = 0x1p-24

// exp32RelErr bounds the relative error of every float32 exp kernel
// (8 units; TestExp32 checks 4 ulp, at most 8 units, against math.Exp).
const exp32RelErr = 8 * unit32

func gamma32(n int) float64 { return float64(n) * unit32 / (1 - float64(n)*unit32) }

// ErrBound32 bounds max_ij |T̂_ij − Att(Q,K,V)_ij| for Attend32 on the
// float32 inputs q, k, v (rounded from float64 ones when rounded is true)
// with key tiles of bk keys. With u = 2⁻²⁴, R = max_i‖q_i‖·max_j‖k_j‖/d
// (which bounds Σ_c|q_ic·k_jc|/d) and V = max|v|:
//
//   - a float32 dot product of d terms is off by at most γ_d·d·R, and the
//     shift and scaling (s − m)·(1/d) add γ₃·2R: every exponent argument
//     is off by δ ≤ (γ_d + 2γ₃)·R (+ 2.01u·R when q and k were rounded),
//     relative to a common shift, which the softmax ignores;
//   - the float32 exp adds a relative ε_e ≤ 8u, so each weight is off by
//     a factor within 1 ± ρ, ρ = e^δ·(1 + ε_e) − 1, and a weighted mean of
//     values in [−V, V] moves by at most 2ρ/(1 − ρ)·V;
//   - P·V sums bk products per tile in float32: γ_{bk+1}·(1+ρ)/(1−ρ)·V;
//     the float64 sums across tiles, the division and the rounding of v
//     (u·V when rounded) add (n_k + 4)·2⁻⁵³·V + u·V.
//
// Cost O((n_q + n_k)·d + n_k·d_v).
func ErrBound32(q, k, v *Matrix32, bk int, rounded bool) float64 {
	rowNorm := func(m *Matrix32) float64 {
		best := 0.0
		for i := range m.Rows {
			s := 0.0
			for _, x := range m.Data[i*m.Cols : (i+1)*m.Cols] {
				s += float64(x) * float64(x)
			}
			best = max(best, s)
		}
		return math.Sqrt(best) * (1 + 1e-15*float64(m.Cols))
	}
	d := q.Cols
	r := rowNorm(q) * rowNorm(k) / float64(d)
	vmax := 0.0
	for _, x := range v.Data {
		vmax = max(vmax, math.Abs(float64(x)))
	}
	delta := (gamma32(d) + 2*gamma32(3)) * r
	in := 0.0
	if rounded {
		delta += 2.01 * unit32 * r
		in = unit32 * vmax
	}
	rho := math.Exp(delta)*(1+exp32RelErr) - 1
	if !(rho < 1) {
		return math.Inf(1)
	}
	return vmax*(2*rho/(1-rho)+gamma32(bk+1)*(1+rho)/(1-rho)+float64(k.Rows+4)*0x1p-53) + in
}

// stream32Bytes bounds the working memory of Attend32 as streamBytes does.
func stream32Bytes(nq, nk, d, dv, workers int) int64 {
	packed := int64((nk+strip32NR-1)/strip32NR*strip32NR) * int64(d)
	out := 2 * int64(nq) * int64(dv+2)
	sq := int64(min(stripMaxBQ, (nq+stripMR-1)/stripMR*stripMR))
	sk := int64(min(stripMaxBK, nk) + strip32NR + 16)
	scratch := sq*sk + int64(stripMaxBQ)*int64(d+2*dv+4)
	return 4 * (packed + out + int64(workers)*scratch)
}

// Plan32 is Plan for Attend32 on float32 inputs (rounded from float64 when
// rounded is true): flops 2·n_q·n_k·(d + d_v), memory, and ErrBound32.
func (s *Stream) Plan32(q, k, v *Matrix32, rounded bool) (*Plan, error) {
	nq, nk, d, dv := q.Rows, k.Rows, q.Cols, v.Cols
	if nq == 0 || nk == 0 || d == 0 || dv == 0 || k.Cols != d || v.Rows != nk {
		return nil, fmt.Errorf("attention: bad shapes Q %d×%d, K %d×%d, V %d×%d; want Q n_q×d, K n_k×d, V n_k×d_v", nq, d, nk, k.Cols, v.Rows, dv)
	}
	w := s.workers()
	ks := kern32
	bq, bk := strip32TileSizes(nq, d, dv, w, caches())
	w = busyWorkers(w, nq, bq)
	p := &Plan{
		Algo:     "exact",
		Flops:    2 * float64(nq) * float64(nk) * float64(d+dv),
		Bytes:    stream32Bytes(nq, nk, d, dv, w),
		ErrBound: ErrBound32(q, k, v, bk, rounded),
		Notes: []string{
			fmt.Sprintf("float32 streaming online softmax, %d workers, tiles %d queries × %d keys", w, bq, bk),
			"kernels: float32 " + ks.name,
		},
	}
	what := fmt.Sprintf("float32 exact attention of %d queries × %d keys (d = %d, d_v = %d)", nq, nk, d, dv)
	if err := memlimit.Check(what, p.Bytes, s.opts.MaxMemory, "raise --max-memory or split the queries"); err != nil {
		return nil, err
	}
	return p, nil
}

// Attend32 is exact attention on float32 inputs: float32 products and exp
// (16 lanes per AVX-512 instruction, twice float64's), float64 running
// sums, T in float64 with the plan's ErrBound32. It returns Plan32's
// errors, and ctx's error when cancelled (checked while packing and
// between key tiles).
func (s *Stream) Attend32(ctx context.Context, q, k, v *Matrix32, rounded bool) (*Output, error) {
	p, err := s.Plan32(q, k, v, rounded)
	if err != nil {
		return nil, err
	}
	ks := kern32
	kp, err := packPanels32(ctx, k, strip32NR)
	if err != nil {
		return nil, err
	}
	nq, d, dv := q.Rows, q.Cols, v.Cols
	e := &engine32{
		q: q, v: v, k: ks, kp: kp, nk: k.Rows, invd: 1 / float32(d),
		out: &Output{T: mat.NewDense(nq, dv, nil), LogNorm: make([]float64, nq), MaxLogit: make([]float64, nq), ErrBound: p.ErrBound},
	}
	w := s.workers()
	e.bq, e.bk = strip32TileSizes(nq, d, dv, w, caches())
	if err := e.run(ctx, w, s.opts.Progress); err != nil {
		return nil, err
	}
	if err := outputFinite("exact float32", e.out.T, "float32 logits or exponentials overflowed"); err != nil {
		return nil, err
	}
	return e.out, nil
}

// engine32 is one run of Attend32.
type engine32 struct {
	q, v   *Matrix32
	k      *kernels32
	kp     []float32
	nk     int
	bq, bk int
	invd   float32
	out    *Output
	next   atomic.Int64
}

func (e *engine32) run(ctx context.Context, workers int, progress func(float64)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	nq := e.q.Rows
	tiles := (nq + e.bq - 1) / e.bq
	workers = max(1, min(workers, tiles))
	var mu sync.Mutex
	finished := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			w := e.newWorker()
			for {
				t := int(e.next.Add(1)) - 1
				if t >= tiles || ctx.Err() != nil {
					return
				}
				i0, i1 := t*e.bq, min((t+1)*e.bq, nq)
				if !w.queryTile(ctx, i0, i1) {
					return
				}
				if progress != nil {
					mu.Lock()
					finished += i1 - i0
					progress(float64(finished) / float64(nq))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// worker32 is one goroutine's scratch of Attend32.
type worker32 struct {
	*engine32
	qp, s []float32
	lds   int
	m     []float32 // running maximum of the raw dot products
	l     []float64
	acc   []float64
}

func (e *engine32) newWorker() *worker32 {
	strips := (e.bq + stripMR - 1) / stripMR
	bk := min(e.bk, e.nk)                            // no wider than the keys
	lds := (bk+strip32NR-1)/strip32NR*strip32NR + 16 // rows not 4 KiB apart
	return &worker32{
		engine32: e, lds: lds,
		qp: make([]float32, strips*stripMR*e.q.Cols), s: make([]float32, strips*stripMR*lds),
		m: make([]float32, strips*stripMR), l: make([]float64, strips*stripMR),
		acc: make([]float64, strips*stripMR*e.v.Cols),
	}
}

// queryTile computes rows [i0, i1) as queryTileStrip does in float64.
func (w *worker32) queryTile(ctx context.Context, i0, i1 int) bool {
	n, d, dv := i1-i0, w.q.Cols, w.v.Cols
	strips := (n + stripMR - 1) / stripMR
	for st := range strips {
		qp := w.qp[st*stripMR*d : (st+1)*stripMR*d]
		clear(qp)
		for i := range min(stripMR, n-st*stripMR) {
			row := i0 + st*stripMR + i
			for c, x := range w.q.Data[row*d : (row+1)*d] {
				qp[c*stripMR+i] = x
			}
		}
	}
	negInf32 := float32(math.Inf(-1))
	for r := range strips * stripMR {
		w.m[r], w.l[r] = negInf32, 0
	}
	clear(w.acc[:strips*stripMR*dv])
	invd64 := float64(w.invd)
	for j0 := 0; j0 < w.nk; j0 += w.bk {
		if ctx.Err() != nil {
			return false
		}
		kn := min(w.bk, w.nk-j0)
		panels := (kn + strip32NR - 1) / strip32NR
		kp := w.kp[j0*d : (j0+panels*strip32NR)*d]
		vt := w.v.Data[j0*dv:]
		w.k.qk(w.s, w.lds, w.qp, kp, strips, panels, d)
		for st := range strips {
			ss, acc := w.s[st*stripMR*w.lds:], w.acc[st*stripMR*dv:]
			for i := range min(stripMR, n-st*stripMR) {
				r := st*stripMR + i
				s := ss[i*w.lds : i*w.lds+kn]
				if tm := w.k.maxOf(s); tm > w.m[r] {
					if alpha := expNonPos((float64(w.m[r]) - float64(tm)) * invd64); alpha != 1 {
						w.l[r] *= alpha
						for c := range acc[i*dv : (i+1)*dv] {
							acc[i*dv+c] *= alpha
						}
					}
					w.m[r] = tm
				}
				w.l[r] += w.k.exp(s, w.m[r], w.invd)
			}
			w.k.pv(acc, dv, ss, w.lds, vt, dv, kn, dv)
		}
	}
	t := w.out.T.RawMatrix()
	for r := range n {
		i := i0 + r
		row := t.Data[i*t.Stride : i*t.Stride+dv]
		for c, a := range w.acc[r*dv : (r+1)*dv] {
			row[c] = a / w.l[r]
		}
		w.out.MaxLogit[i] = float64(w.m[r]) / float64(d)
		w.out.LogNorm[i] = w.out.MaxLogit[i] + math.Log(w.l[r])
	}
	return true
}
