package attention

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// finiteOrRefused runs every registered algorithm on (q, k, v) and checks
// the contract of issue 13 item 1: a finite output within its stated bound
// of the exact answer, or an error. ref is the true attention (or nil when
// unknown); tol the slack for the reference's own rounding.
func finiteOrRefused(t *testing.T, label string, q, k, v, ref *mat.Dense, tol float64) {
	t.Helper()
	for _, name := range Names() {
		alg, err := New(name, Options{Eps: 1e-6, Features: 64, Seed: 3, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		out, err := alg.Attend(context.Background(), q, k, v)
		if err != nil {
			continue // a refusal, which must name the cause: checked by the callers' cases
		}
		nq, dv := out.T.Dims()
		for i := range nq {
			for c := range dv {
				x := out.T.At(i, c)
				if math.IsNaN(x) || math.IsInf(x, 0) {
					t.Fatalf("%s: %s returned T[%d][%d] = %v with no error", label, name, i, c, x)
				}
				if ref != nil && !math.IsInf(out.ErrBound, 1) {
					if e := math.Abs(x - ref.At(i, c)); e > out.ErrBound+tol {
						t.Errorf("%s: %s: |T − Att|[%d][%d] = %.4g > certified %.4g (+%.2g)", label, name, i, c, e, out.ErrBound, tol)
					}
				}
			}
		}
	}
}

// TestOverflowIssueCases are the reproductions of issue 13 item 1.
func TestOverflowIssueCases(t *testing.T) {
	// Poly's features k^α·v overflowed: T = [+Inf, +Inf] under a finite bound.
	q := mat.NewDense(2, 1, []float64{1e-30, 5e-31})
	k := mat.NewDense(3, 1, []float64{1e30, 2e30, 1.5e30})
	v := mat.NewDense(3, 1, []float64{1e36, 1e36, 0})
	ref := Naive(q, k, v).T
	if x := ref.At(0, 0); !(x > 6.8e35 && x < 7e35) {
		t.Fatalf("reference T[0] = %g; want ≈ 6.9e35", x)
	}
	finiteOrRefused(t, "issue case 1", q, k, v, ref, 1e-12*1e36)
	p, _ := NewPoly(Options{Eps: 1e-6})
	if out, err := p.Attend(context.Background(), q, k, v); err != nil || out.ErrBound > 1e-5*1e36 {
		t.Errorf("poly on issue case 1: %v, %v; want a finite output with a useful bound", out, err)
	}

	// V ≡ 1e307 over 200 keys: Σ_j p_j·v_j overflowed in every algorithm.
	rng := rand.New(rand.NewPCG(13, 1))
	q, k = uniformDense(rng, 4, 3, 1), uniformDense(rng, 200, 3, 1)
	v = mat.NewDense(200, 2, nil)
	for i := range 200 {
		v.Set(i, 0, 1e307)
		v.Set(i, 1, -1e307)
	}
	// The same for the inputs bitpacked accepts (Q ∈ {0, a}, K ∈ {0, −b}).
	qb := mat.NewDense(4, 3, []float64{1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 0})
	kb := mat.NewDense(200, 3, nil)
	for i := range 200 {
		kb.Set(i, i%3, -1)
	}
	for _, name := range Names() {
		alg, _ := New(name, Options{Eps: 1e-6, Features: 64, Seed: 3})
		qq, kk := q, k
		if _, err := alg.Plan(qq, kk, v); err != nil {
			qq, kk = qb, kb // an algorithm for special inputs
		}
		if _, err := alg.Plan(qq, kk, v); err != nil {
			t.Errorf("%s refuses both inputs: %v", name, err)
			continue
		}
		out, err := alg.Attend(context.Background(), qq, kk, v)
		if err != nil {
			t.Errorf("%s on V ≡ 1e307: %v; want the finite answer 1e307", name, err)
			continue
		}
		for i := range 4 {
			if x := out.T.At(i, 0); !(math.Abs(x-1e307) <= 1e-9*1e307) || out.T.At(i, 1) != -x {
				t.Errorf("%s on V ≡ 1e307: T[%d] = %v, %v; want ±1e307", name, i, x, out.T.At(i, 1))
			}
		}
	}
}

// TestOverflowRefusalsNameTheCause: inputs no algorithm can handle are
// refused with an error that says why.
func TestOverflowRefusalsNameTheCause(t *testing.T) {
	q := mat.NewDense(1, 2, []float64{1e200, 1})
	k := mat.NewDense(2, 2, []float64{1e200, 0, -1e200, 0})
	v := mat.NewDense(2, 1, []float64{1, 2})
	for _, name := range Names() {
		alg, _ := New(name, Options{Eps: 1e-6, Features: 16, Seed: 1})
		_, err := alg.Attend(context.Background(), q, k, v)
		if err == nil {
			t.Errorf("%s on logits of 1e400: no error; want a refusal", name)
			continue
		}
		if msg := err.Error(); len(msg) < 20 {
			t.Errorf("%s: refusal %q does not say why", name, msg)
		}
	}
}

// FuzzFinite draws Q, K, V with entries of magnitude 10^e, e ∈ [−300, 300]
// chosen per matrix: every algorithm's output is finite and within its
// bound of the exact answer, or it refuses.
func FuzzFinite(f *testing.F) {
	f.Add(int16(-30), int16(30), int16(36), uint64(1))
	f.Add(int16(0), int16(0), int16(307), uint64(2))
	f.Add(int16(-300), int16(300), int16(-300), uint64(3))
	f.Add(int16(150), int16(150), int16(0), uint64(4))
	f.Add(int16(1), int16(1), int16(1), uint64(5))
	f.Fuzz(func(t *testing.T, eq, ek, ev int16, seed uint64) {
		e := func(x int16) float64 { return float64(int(x) % 301) } // |e| ≤ 300
		rng := rand.New(rand.NewPCG(seed, 7))
		q := uniformDense(rng, 3, 2, math.Pow(10, e(eq)))
		k := uniformDense(rng, 5, 2, math.Pow(10, e(ek)))
		v := uniformDense(rng, 5, 2, math.Pow(10, e(ev)))
		var ref *mat.Dense
		_, _, d, _ := CheckShapes(q, k, v)
		if maxAbs(q)*maxAbs(k)*float64(d) < 1e300 {
			ref = Naive(q, k, v).T
		}
		finiteOrRefused(t, "fuzz", q, k, v, ref, 1e-12*maxAbs(v))
	})
}
