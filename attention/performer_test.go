package attention

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// performerSlow is the definition without stabilisers or blocks: Â = Φ_Q·Φ_Kᵀ
// with φ(x) = m^{−1/2}·exp(W·x/√d − ‖x‖²/(2d)), then diag(Â·1)⁻¹·Â·V.
func performerSlow(q, k, v, w *mat.Dense) (ahat, t *mat.Dense) {
	feats := func(x *mat.Dense) *mat.Dense {
		n, d := x.Dims()
		m, _ := w.Dims()
		f := mat.NewDense(n, m, nil)
		for i := range n {
			xi := x.RawRowView(i)
			h := 0.0
			for _, a := range xi {
				h += a * a / float64(d)
			}
			for l := range m {
				s := 0.0
				for j, a := range xi {
					s += w.At(l, j) * a / math.Sqrt(float64(d))
				}
				f.Set(i, l, math.Exp(s-h/2)/math.Sqrt(float64(m)))
			}
		}
		return f
	}
	ahat = mat.NewDense(q.RawMatrix().Rows, k.RawMatrix().Rows, nil)
	ahat.Mul(feats(q), feats(k).T())
	nq, nk := ahat.Dims()
	_, dv := v.Dims()
	t = mat.NewDense(nq, dv, nil)
	for i := range nq {
		den := 0.0
		for j := range nk {
			den += ahat.At(i, j)
		}
		for c := range dv {
			s := 0.0
			for j := range nk {
				s += ahat.At(i, j) * v.At(j, c)
			}
			t.Set(i, c, s/den)
		}
	}
	return ahat, t
}

// TestPerformerMatchesSlow: the blocked, stabilised, parallel Attend equals
// the plain definition with the same random features (the shifts cancel).
func TestPerformerMatchesSlow(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 21))
	for _, tc := range []struct{ n, d, m int }{{7, 3, 5}, {300, 4, 37}, {600, 8, 64}} {
		q, k, v := uniformDense(rng, tc.n, tc.d, 1.5), uniformDense(rng, tc.n+11, tc.d, 1.5), uniformDense(rng, tc.n+11, 3, 1)
		p, err := NewPerformer(Options{Features: tc.m, Seed: 7, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		out, err := p.Attend(context.Background(), q, k, v)
		if err != nil {
			t.Fatal(err)
		}
		_, want := performerSlow(q, k, v, performerProjection(tc.m, tc.d, 7))
		if got := maxAbsDiff(out.T, want); got > 1e-12 {
			t.Errorf("n=%d d=%d m=%d: Attend differs from the definition by %.3g", tc.n, tc.d, tc.m, got)
		}
		if !math.IsInf(out.ErrBound, 1) {
			t.Errorf("ErrBound = %v; want +Inf (no certificate)", out.ErrBound)
		}
	}
}

// TestPerformerProjection: rows within a block are orthogonal, the same
// seed gives the same features and another seed different ones.
func TestPerformerProjection(t *testing.T) {
	w := performerProjection(10, 4, 3)
	for b := 0; b < 10; b += 4 {
		for i := b; i < min(b+4, 10); i++ {
			for j := b; j < i; j++ {
				if dot := mat.Dot(w.RowView(i), w.RowView(j)); !(math.Abs(dot) <= 1e-12) {
					t.Errorf("⟨w_%d, w_%d⟩ = %g; want 0 (same orthogonal block)", i, j, dot)
				}
			}
		}
	}
	if !mat.Equal(w, performerProjection(10, 4, 3)) {
		t.Error("same seed gave different features")
	}
	if mat.Equal(w, performerProjection(10, 4, 4)) {
		t.Error("different seeds gave the same features")
	}
}

// TestPerformerUnbiased: the mean over 4000 seeds of the un-normalised
// estimate Â_ij approaches A_ij = exp(⟨q_i,k_j⟩/d) within 5 standard errors
// (fixed seeds: deterministic), and the standard error is small enough for
// that to mean something.
func TestPerformerUnbiased(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 31))
	q, k, v := uniformDense(rng, 2, 3, 1), uniformDense(rng, 3, 3, 1), uniformDense(rng, 3, 1, 1)
	const seeds, m = 4000, 6
	var sum, sq [2][3]float64
	for s := range uint64(seeds) {
		ahat, _ := performerSlow(q, k, v, performerProjection(m, 3, 1000+s))
		for i := range 2 {
			for j := range 3 {
				a := ahat.At(i, j)
				sum[i][j] += a
				sq[i][j] += a * a
			}
		}
	}
	for i := range 2 {
		for j := range 3 {
			mean := sum[i][j] / seeds
			se := math.Sqrt((sq[i][j]/seeds - mean*mean) / (seeds - 1))
			want := math.Exp(mat.Dot(q.RowView(i), k.RowView(j)) / 3)
			if !(math.Abs(mean-want) <= 5*se) || se > 0.01*want {
				t.Errorf("mean Â[%d][%d] = %.5f ± %.5f; want %.5f", i, j, mean, se, want)
			}
		}
	}
}

// TestPerformerErrorGrowsWithB: at a fixed feature count the max error
// against exact attention, averaged over seeds, grows with the entry bound.
func TestPerformerErrorGrowsWithB(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 41))
	q0, k0, v := uniformDense(rng, 64, 4, 1), uniformDense(rng, 64, 4, 1), uniformDense(rng, 64, 2, 1)
	Bs := []float64{0.25, 1, 4}
	errs := make([]float64, len(Bs))
	for i, B := range Bs {
		var q, k mat.Dense
		q.Scale(B, q0)
		k.Scale(B, k0)
		exact := Naive(&q, &k, v).T
		for s := range uint64(8) {
			p, _ := NewPerformer(Options{Features: 64, Seed: s})
			out, err := p.Attend(context.Background(), &q, &k, v)
			if err != nil {
				t.Fatal(err)
			}
			errs[i] += maxAbsDiff(out.T, exact) / 8
		}
	}
	t.Logf("mean max error %v over B = %v", errs, Bs)
	for i := 1; i < len(Bs); i++ {
		if errs[i] < 2*errs[i-1] {
			t.Errorf("mean max error %v over B = %v: want at least doubling per step", errs, Bs)
		}
	}
}

func TestPerformerOptionsAndCancel(t *testing.T) {
	if _, err := NewPerformer(Options{}); err == nil {
		t.Error("NewPerformer with 0 features = nil error; want one")
	}
	if _, err := New("performer", Options{Features: 8}); err != nil {
		t.Errorf(`New("performer") = %v`, err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	q, k, v := uniformDense(rng, 2000, 4, 1), uniformDense(rng, 2000, 4, 1), uniformDense(rng, 2000, 1, 1)
	p, _ := NewPerformer(Options{Features: 16})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Attend(ctx, q, k, v); !errors.Is(err, context.Canceled) {
		t.Errorf("Attend on a cancelled context = %v; want context.Canceled", err)
	}
	p, _ = NewPerformer(Options{Features: 1 << 20, MaxMemory: 1 << 20})
	if _, err := p.Plan(q, k, v); err == nil {
		t.Error("Plan over the memory limit = nil error; want a refusal")
	}
}
