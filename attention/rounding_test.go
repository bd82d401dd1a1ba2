package attention

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// bigExpOf returns eˣ to about 190 bits for a 200-bit x with |x| ≤ 2¹⁰
// (Taylor series of e^(x/2¹²), squared 12 times).
func bigExpOf(x *big.Float) *big.Float {
	const prec, s = 200, 12
	y := new(big.Float).SetPrec(prec).SetMantExp(x, -s)
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for i := 1; i < 60; i++ {
		term.Mul(term, y)
		term.Quo(term, new(big.Float).SetInt64(int64(i)))
		sum.Add(sum, term)
	}
	for range s {
		sum.Mul(sum, sum)
	}
	return sum
}

// bigAttention is Att(Q, K, V) computed to about 190 bits and rounded to
// float64: the obviously-correct reference of TestRoundingBound64.
func bigAttention(q, k, v *mat.Dense) *mat.Dense {
	const prec = 200
	nq, d := q.Dims()
	nk, dv := v.Dims()
	out := mat.NewDense(nq, dv, nil)
	newF := func() *big.Float { return new(big.Float).SetPrec(prec) }
	for i := range nq {
		logits := make([]*big.Float, nk)
		var mx *big.Float
		for j := range nk {
			s := newF()
			for c := range d {
				s.Add(s, newF().Mul(newF().SetFloat64(q.At(i, c)), newF().SetFloat64(k.At(j, c))))
			}
			s.Quo(s, newF().SetInt64(int64(d)))
			logits[j] = s
			if mx == nil || s.Cmp(mx) > 0 {
				mx = s
			}
		}
		den := newF()
		num := make([]*big.Float, dv)
		for c := range num {
			num[c] = newF()
		}
		for j, s := range logits {
			w := bigExpOf(newF().Sub(s, mx))
			den.Add(den, w)
			for c := range dv {
				num[c].Add(num[c], newF().Mul(w, newF().SetFloat64(v.At(j, c))))
			}
		}
		for c := range dv {
			f, _ := newF().Quo(num[c], den).Float64()
			out.Set(i, c, f)
		}
	}
	return out
}

// TestRoundingBound64 checks that the exact algorithms stay within
// RoundingBound64 of a 200-bit reference, on every kernel set, with
// logits up to about ±600 (most weights underflow), several key tiles,
// key blocks merged by log-sum-exp, and values of both signs; and that
// the bound is small enough to mean something (≤ 1e−9·max|V| here).
func TestRoundingBound64(t *testing.T) {
	cases := []struct {
		nq, nk, d, dv, blocks int
		scale                 float64
	}{
		{7, 1200, 16, 3, 0, 25},  // logits to ±600 over 3 key tiles of the strip path
		{20, 700, 64, 1, 0, 3},   // d = 64, one value column
		{5, 1300, 8, 2, 3, 20},   // three key blocks merged
		{3, 64, 128, 32, 0, 0.5}, // small logits
	}
	forEachKernels(t, func(t *testing.T) {
		for ci, tc := range cases {
			rng := rand.New(rand.NewPCG(uint64(ci)+90, 91))
			q, k := randDense(rng, tc.nq, tc.d, tc.scale), randDense(rng, tc.nk, tc.d, tc.scale)
			v := randDense(rng, tc.nk, tc.dv, 1)
			want := bigAttention(q, k, v)
			bound := roundingBound(q, k, v)
			if !(bound <= 1e-9) {
				t.Fatalf("case %d: RoundingBound64 = %g; want a meaningful bound ≤ 1e-9", ci, bound)
			}
			for _, a := range []Algorithm{NewStream(Options{KeyBlocks: tc.blocks}), &naiveAlgo{}} {
				p, err := a.Plan(q, k, v)
				if err != nil {
					t.Fatal(err)
				}
				if p.Rounding != bound {
					t.Errorf("case %d: %s Plan.Rounding = %g; want %g", ci, a.Name(), p.Rounding, bound)
				}
				got, err := a.Attend(context.Background(), q, k, v)
				if err != nil {
					t.Fatal(err)
				}
				worst := 0.0
				for i := range tc.nq {
					for c := range tc.dv {
						worst = max(worst, math.Abs(got.T.At(i, c)-want.At(i, c)))
					}
				}
				if !(worst <= bound) {
					t.Errorf("case %d (%s): max |T̂ − T| = %g > RoundingBound64 = %g", ci, a.Name(), worst, bound)
				}
				t.Logf("case %d (%s): max |T̂ − T| = %.3g, bound %.3g", ci, a.Name(), worst, bound)
			}
		}
	})
}

// TestRoundingBound64Bitpacked checks the bound on the bit-packed
// kernel's inputs, Q ∈ {0, a} and K ∈ {−b, 0} (logits to about −900).
func TestRoundingBound64Bitpacked(t *testing.T) {
	rng := rand.New(rand.NewPCG(92, 93))
	const nq, nk, d = 9, 900, 40
	q, k, v := mat.NewDense(nq, d, nil), mat.NewDense(nk, d, nil), randDense(rng, nk, 1, 1)
	for i := range nq {
		for c := range d {
			if rng.IntN(2) == 0 {
				q.Set(i, c, 30.7)
			}
		}
	}
	for j := range nk {
		for c := range d {
			if rng.IntN(3) == 0 {
				k.Set(j, c, -30.7)
			}
		}
	}
	a, err := New("bitpacked", Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Plan(q, k, v)
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.Attend(context.Background(), q, k, v)
	if err != nil {
		t.Fatal(err)
	}
	want := bigAttention(q, k, v)
	worst := 0.0
	for i := range nq {
		worst = max(worst, math.Abs(got.T.At(i, 0)-want.At(i, 0)))
	}
	if !(worst <= p.Rounding) || !(p.Rounding <= 1e-9) {
		t.Errorf("bitpacked: max |T̂ − T| = %g, Plan.Rounding = %g; want the error within a bound ≤ 1e-9", worst, p.Rounding)
	}
	t.Logf("bitpacked: max |T̂ − T| = %.3g, bound %.3g", worst, p.Rounding)
}

func TestRoundingBound64Limits(t *testing.T) {
	for _, tc := range []struct {
		r, vmax float64
		nk, d   int
		inf     bool
	}{
		{1, 1, 1, 1, false},
		{1e3, 1, 1 << 21, 170, false},
		{1e15, 1, 10, 10, true},
		{math.Inf(1), 1, 10, 10, true},
		{math.NaN(), 1, 10, 10, true},
		{1, math.Inf(1), 10, 10, true},
	} {
		t.Run(fmt.Sprint(tc.r, tc.vmax, tc.nk, tc.d), func(t *testing.T) {
			b := RoundingBound64(tc.r, tc.vmax, tc.nk, tc.d)
			if math.IsInf(b, 1) != tc.inf || math.IsNaN(b) || b < 0 {
				t.Errorf("RoundingBound64 = %g; want +Inf: %v", b, tc.inf)
			}
		})
	}
	// monotone in r, n_k and vmax
	if a, b := RoundingBound64(10, 1, 100, 16), RoundingBound64(20, 1, 100, 16); !(a < b) {
		t.Errorf("bound not increasing in r: %g, %g", a, b)
	}
	if a, b := RoundingBound64(10, 1, 100, 16), RoundingBound64(10, 1, 1000, 16); !(a < b) {
		t.Errorf("bound not increasing in n_k: %g, %g", a, b)
	}
	if a, b := RoundingBound64(10, 1, 100, 16), RoundingBound64(10, 2, 100, 16); !(a < b) {
		t.Errorf("bound not increasing in vmax: %g, %g", a, b)
	}
}
