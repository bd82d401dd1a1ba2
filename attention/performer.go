package attention

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/hardnesslab/hardness/internal/memlimit"
	"gonum.org/v1/gonum/mat"
)

func init() {
	Register(Info{Name: "performer"}, func(o Options) (Algorithm, error) { return NewPerformer(o) })
}

// Performer is the FAVOR+ baseline of Choromanski et al., "Rethinking
// Attention with Performers" (ICLR 2021): positive orthogonal random
// features
//
//	φ(x) = m^{−1/2}·exp(W·x − ‖x‖²/2),   E[⟨φ(x), φ(y)⟩] = e^{⟨x,y⟩},
//
// applied to x = q/√d and y = k/√d so that ⟨x,y⟩ is this package's logit
// ⟨q,k⟩/d. The m rows of W are Gaussian, orthogonal within blocks of d
// (QR of a Gaussian matrix) and rescaled by the norms of independent
// Gaussian vectors, as in the reference implementation
// (google-research/performer, fast_attention.py, scaling = 0). As there,
// each query row's exponent is shifted by its max over the features and
// the keys' by their global max: both shifts are constant factors that
// cancel in the normalisation, so the estimator of A stays unbiased up to a
// row scale. (The reference's additive 1e−6 is left out: it biases.)
//
// There is no error certificate: ErrBound is +Inf. The relative variance of
// each entry grows like exp(‖q+k‖²/d)/m (Lemma 2 of the paper), so the error
// grows quickly with the entry bound B. Cost O((n_q + n_k)·m·(d + d_v))
// time, O(workers·b·m + m·d_v) memory with row blocks of b = 256.
type Performer struct {
	opts Options
}

// NewPerformer returns the Performer baseline with o.Features random
// features drawn from o.Seed.
func NewPerformer(o Options) (*Performer, error) {
	if o.Features < 1 {
		return nil, fmt.Errorf("performer: features %d: want at least 1", o.Features)
	}
	if o.Workers < 0 {
		return nil, fmt.Errorf("performer: workers %d is negative", o.Workers)
	}
	return &Performer{opts: o}, nil
}

// Name returns "performer".
func (*Performer) Name() string { return "performer" }

const performerBlock = 256

func (p *Performer) workers() int { return workerCount(p.opts) }

// Plan predicts the cost and memory; ErrBound is +Inf (no certificate).
// It fails on mismatched shapes and beyond Options.MaxMemory.
func (p *Performer) Plan(q, k, v *mat.Dense) (*Plan, error) {
	nq, nk, d, dv, err := Shapes(q, k, v)
	if err != nil {
		return nil, err
	}
	m, w := float64(p.opts.Features), float64(busyWorkers(p.workers(), max(nq, nk), performerBlock))
	// Keys are projected twice (global max, then features).
	flops := 2*m*float64(d)*float64(nq+2*nk) + 2*m*float64(dv+1)*float64(nq+nk)
	bytes := int64(8 * (m*float64(d) + w*performerBlock*(m+float64(d+dv+1)) + (w+1)*m*float64(dv+1) + float64(nq*dv)))
	if err := memlimit.Check(fmt.Sprintf("performer attention with %d features", p.opts.Features), bytes,
		p.opts.MaxMemory, "use fewer --features or fewer workers"); err != nil {
		return nil, err
	}
	exact := 2 * float64(nq) * float64(nk) * float64(d+dv)
	return &Plan{Algo: "performer", Flops: flops, Bytes: bytes, ErrBound: math.Inf(1), Notes: []string{
		fmt.Sprintf("%d positive orthogonal random features, seed %d", p.opts.Features, p.opts.Seed),
		"no error certificate: relative variance grows like exp(‖q+k‖²/d)/features",
		fmt.Sprintf("predicted cost %.3g flops vs exact %.3g flops", flops, exact),
		fmt.Sprintf("predicted memory %s", memlimit.Bytes(bytes)),
	}}, nil
}

// performerProjection returns the m×d matrix W of orthogonal random
// features: blocks of d rows are the orthonormal columns of the Q factor of
// a d×d Gaussian matrix (signs fixed so that Q is Haar distributed), and row i is then scaled by the norm of an
// independent standard Gaussian d-vector, so each row is marginally N(0, I).
func performerProjection(m, d int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, seed))
	w := mat.NewDense(m, d, nil)
	g := mat.NewDense(d, d, nil)
	var qr mat.QR
	var qm, rm mat.Dense
	for start := 0; start < m; start += d {
		for i := range d {
			for j := range d {
				g.Set(i, j, rng.NormFloat64())
			}
		}
		qr.Factorize(g)
		qr.QTo(&qm)
		qr.RTo(&rm)
		for i := 0; i < d && start+i < m; i++ {
			// Column i of Q·diag(sign R_ii): the sign fix makes Q Haar
			// distributed (Householder QR alone fixes the sign of R_ii, which
			// biases the columns).
			sgn := math.Copysign(1, rm.At(i, i))
			for j := range d {
				w.Set(start+i, j, sgn*qm.At(j, i))
			}
		}
	}
	for i := range m {
		s := 0.0
		for range d {
			z := rng.NormFloat64()
			s += z * z
		}
		row := w.RawRowView(i)
		for j := range row {
			row[j] *= math.Sqrt(s)
		}
	}
	return w
}

// performerProject sets z = x_blk·Wᵀ/√d (rows × m) and returns, per row,
// ‖x_i‖²/(2d).
func performerProject(z *mat.Dense, x mat.Matrix, w *mat.Dense, d int, half []float64) {
	z.Mul(x, w.T())
	z.Scale(1/math.Sqrt(float64(d)), z)
	rows, _ := x.Dims()
	for i := range rows {
		s := 0.0
		for j := range d {
			xv := x.At(i, j)
			s += xv * xv
		}
		half[i] = s / (2 * float64(d))
	}
}

// performerExp maps a projected row in place to its features
// exp(z_l − half − shift)/√m.
func performerExp(row []float64, half, shift float64) {
	inv := 1 / math.Sqrt(float64(len(row)))
	for l, z := range row {
		row[l] = math.Exp(z-half-shift) * inv
	}
}

// Attend computes the FAVOR+ estimate of Att(Q, K, V) in row blocks on all
// cores; it honours ctx between blocks. Output.ErrBound is +Inf.
func (p *Performer) Attend(ctx context.Context, q, k, v *mat.Dense) (*Output, error) {
	if _, err := p.Plan(q, k, v); err != nil {
		return nil, err
	}
	nq, nk, d, dv := CheckShapes(q, k, v) // checked by Plan
	m, workers := p.opts.Features, p.workers()
	// The features exp(W·x − ‖x‖²/2) need ‖x‖² = ‖q‖²/d finite; V is
	// scaled by 2^−ev so that Φ_Kᵀ·V cannot overflow (finite.go).
	if b := math.Max(maxAbs(q), maxAbs(k)); !(b*b*float64(d) < 1e300) {
		return nil, fmt.Errorf("performer: entries up to %g make ‖x‖² overflow float64; refusing (use exact)", b)
	}
	ev := valueExponent(maxAbs(v))
	w := performerProjection(m, d, p.opts.Seed)
	total := float64(nq + 2*nk)
	var mu sync.Mutex
	done := 0
	report := func(rows int) {
		if p.opts.Progress != nil {
			mu.Lock()
			done += rows
			f := float64(done) / total
			mu.Unlock()
			p.opts.Progress(f)
		}
	}
	type scratch struct {
		z    *mat.Dense
		half []float64
		max  float64
		acc  *mat.Dense
	}
	sc := make([]*scratch, workers)
	for i := range sc {
		sc[i] = &scratch{z: mat.NewDense(performerBlock, m, nil), half: make([]float64, performerBlock),
			max: math.Inf(-1), acc: mat.NewDense(m, dv+1, nil)}
	}
	block := func(s *scratch, x *mat.Dense, lo, hi int) *mat.Dense {
		z := s.z.Slice(0, hi-lo, 0, m).(*mat.Dense)
		performerProject(z, x.Slice(lo, hi, 0, d), w, d, s.half)
		return z
	}
	// Pass 1: the keys' global max exponent (a max: any order gives it).
	err := forBlocks(ctx, nk, performerBlock, workers, func(wk, lo, hi int) {
		s := sc[wk]
		z := block(s, k, lo, hi)
		s.max = math.Max(s.max, mat.Max(z))
		report(hi - lo)
	})
	if err != nil {
		return nil, err
	}
	kmax := math.Inf(-1)
	for _, s := range sc {
		kmax = math.Max(kmax, s.max)
	}
	// Pass 2: M = Φ_Kᵀ·[V 1], block partials added in block order.
	acc := mat.NewDense(m, dv+1, nil)
	err = reduceBlocks(ctx, nk, performerBlock, workers, func(wk, lo, hi int) {
		s := sc[wk]
		z := block(s, k, lo, hi)
		for i := range hi - lo {
			performerExp(z.RawRowView(i), s.half[i], kmax)
		}
		vb := mat.NewDense(hi-lo, dv+1, nil)
		vs := math.Ldexp(1, -ev)
		for i := range hi - lo {
			row, src := vb.RawRowView(i), v.RawRowView(lo+i)
			for c := range dv {
				row[c] = src[c] * vs
			}
			row[dv] = 1
		}
		s.acc.Mul(z.T(), vb)
		report(hi - lo)
	}, func(wk int) { acc.Add(acc, sc[wk].acc) })
	if err != nil {
		return nil, err
	}
	// Pass 3: queries.
	t := mat.NewDense(nq, dv, nil)
	bad := make([]int, workers)
	for i := range bad {
		bad[i] = -1
	}
	err = forBlocks(ctx, nq, performerBlock, workers, func(wk, lo, hi int) {
		s := sc[wk]
		z := block(s, q, lo, hi)
		for i := range hi - lo {
			row := z.RawRowView(i)
			mx := math.Inf(-1)
			for _, x := range row {
				mx = math.Max(mx, x)
			}
			performerExp(row, s.half[i], mx)
		}
		var out mat.Dense
		out.Mul(z, acc)
		for i := range hi - lo {
			o := out.RawRowView(i)
			den := o[dv]
			if !(den > 0) || math.IsInf(den, 1) {
				if bad[wk] < 0 {
					bad[wk] = lo + i
				}
				continue
			}
			tr := t.RawRowView(lo + i)
			for c := range dv {
				tr[c] = math.Ldexp(o[c]/den, ev)
			}
		}
		report(hi - lo)
	})
	if err != nil {
		return nil, err
	}
	for _, b := range bad {
		if b >= 0 {
			return nil, fmt.Errorf("performer: row %d normaliser underflowed or overflowed (entries too large for %d features)", b, m)
		}
	}
	if err := outputFinite("performer", t, "features overflowed: entries too large for random features"); err != nil {
		return nil, err
	}
	return &Output{T: t, ErrBound: math.Inf(1)}, nil
}

// Options returns the options the algorithm was configured with.
func (p *Performer) Options() Options { return p.opts }
