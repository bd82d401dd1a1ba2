package reduction

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/ovp"
)

// randomOV returns an instance with random vectors of density p.
func randomOV(n, m, dim int, p float64, seed uint64) *ovp.Instance {
	r := rand.New(rand.NewPCG(seed, seed))
	x := ovp.New(n, m, dim)
	for _, s := range []ovp.Side{ovp.A, ovp.B} {
		for i := range x.Len(s) {
			for c := range dim {
				x.Set(s, i, c, r.Float64() < p)
			}
		}
	}
	return x
}

// TestFromOVEntries checks every entry of Q, K, V against docs/design.md §2.2.
func TestFromOVEntries(t *testing.T) {
	x := randomOV(5, 7, 70, 0.4, 1) // 70 > 64: two words per vector
	in, err := FromOV(x, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	beta := math.Sqrt(math.Log(32) / 0.1)
	if !near(in.Scale, beta) {
		t.Fatalf("β = %v; want %v", in.Scale, beta)
	}
	for i := range 5 {
		for c := range 70 {
			want := 0.0
			if x.Bit(ovp.A, i, c) {
				want = beta
			}
			if g := in.Q.At(i, c); g != want {
				t.Fatalf("Q[%d][%d] = %v; want %v", i, c, g, want)
			}
		}
	}
	for j := range 14 {
		for c := range 70 {
			want := 0.0
			if j < 7 && x.Bit(ovp.B, j, c) {
				want = -beta
			}
			if g := in.K.At(j, c); g != want {
				t.Fatalf("K[%d][%d] = %v; want %v", j, c, g, want)
			}
		}
		if g, want := in.V.At(j, 0), float64(btoi(j < 7)); g != want {
			t.Fatalf("V[%d] = %v; want %v", j, g, want)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestFromOVClosedForm checks T_i = S_i/(S_i + M) and the YES/NO bounds,
// with naive attention, on random instances with the measured gap.
func TestFromOVClosedForm(t *testing.T) {
	for seed := range uint64(20) {
		x := randomOV(6, 9, 8, 0.3, seed)
		minDot := -1
		for i := range 6 {
			for j := range 9 {
				if d := x.Dot(i, j); d > 0 && (minDot < 0 || d < minDot) {
					minDot = d
				}
			}
		}
		delta := 1.0
		if minDot > 0 {
			delta = float64(minDot) / 8
		}
		in, err := FromOV(x, delta)
		if err != nil {
			t.Fatal(err)
		}
		T := attention.Naive(in.Q, in.K, in.V).T
		for i := range 6 {
			s, yes := 0.0, false
			for j := range 9 {
				s += math.Exp(-in.Scale * in.Scale * float64(x.Dot(i, j)) / 8)
				yes = yes || x.Dot(i, j) == 0
			}
			got, want := T.At(i, 0), s/(s+9)
			if !(math.Abs(got-want) <= 1e-14) {
				t.Errorf("seed %d: T[%d] = %v; want S/(S+M) = %v", seed, i, got, want)
			}
			if yes && got < in.YesLower*(1-1e-12) || !yes && got > in.NoUpper*(1+1e-12) {
				t.Errorf("seed %d: row %d (YES %v): T = %v outside its bound (YES ≥ %v, NO ≤ %v)", seed, i, yes, got, in.YesLower, in.NoUpper)
			}
		}
	}
}

// TestFromOVDimensionZero checks that a dimension-0 instance (a formula
// without clauses) gets one zero column and every row is YES.
func TestFromOVDimensionZero(t *testing.T) {
	in, err := FromOV(ovp.New(2, 4, 0), 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, d := in.Q.Dims(); d != 1 {
		t.Fatalf("d = %d; want 1", d)
	}
	dec := Decide(attention.Naive(in.Q, in.K, in.V).T, in.Params)
	if dec.Verdict != Sat || dec.Above != 2 {
		t.Errorf("Decide = %v with %d rows above; want SAT with 2", dec.Verdict, dec.Above)
	}
}

// hammingInstance returns random vectors with a planted pair at distance
// ≤ t (if yes) and every other pair at distance ≥ Far(t, ε), by rejection.
func hammingInstance(t *testing.T, n, m, d0, tt int, eps float64, yes bool, seed uint64) *ovp.Instance {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed))
	x := ovp.New(n, m, d0)
	for tries := 0; tries < 1000; tries++ {
		for _, s := range []ovp.Side{ovp.A, ovp.B} {
			for i := range x.Len(s) {
				for c := range d0 {
					x.Set(s, i, c, r.IntN(2) == 1)
				}
			}
		}
		if yes { // b_0 = a_pi with ⌊t⌋ bits flipped
			pi := r.IntN(n)
			for c := range d0 {
				x.Set(ovp.B, 0, c, x.Bit(ovp.A, pi, c) != (c < tt))
			}
		}
		ok := true
		for i := range n {
			for j := range m {
				if d := x.Dist(i, j); d > tt && d < Far(tt, eps) {
					ok = false
				}
			}
		}
		if ok {
			return x
		}
	}
	t.Fatalf("no gapped Hamming instance found")
	return nil
}

// TestFromGapANNClosedForm checks T_i = S_i/(S_i+M) with
// S_i = Σ_j exp(s²(t − dist)), the bounds, and the entry bound B.
func TestFromGapANNClosedForm(t *testing.T) {
	const n, m, d0, tt, eps = 8, 8, 32, 6, 1.0
	for seed := range uint64(6) {
		yes := seed%2 == 0
		x := hammingInstance(t, n, m, d0, tt, eps, yes, seed)
		in, err := FromGapANN(x, tt, eps)
		if err != nil {
			t.Fatal(err)
		}
		if got := math.Max(maxAbs(in.Q.RawMatrix().Data), maxAbs(in.K.RawMatrix().Data)); got > in.B*(1+1e-12) {
			t.Errorf("max |entry| = %v; want ≤ B = %v", got, in.B)
		}
		T := attention.Naive(in.Q, in.K, in.V).T
		s2 := in.Scale * in.Scale
		anyYes := false
		for i := range n {
			s, rowYes := 0.0, false
			for j := range m {
				dist := x.Dist(i, j)
				s += math.Exp(s2 * float64(tt-dist))
				rowYes = rowYes || dist <= tt
			}
			anyYes = anyYes || rowYes
			got, want := T.At(i, 0), s/(s+m)
			if !(math.Abs(got-want) <= 1e-12*math.Max(want, 1e-300)) && !(math.Abs(got-want) <= 1e-15) {
				t.Errorf("seed %d: T[%d] = %v; want %v", seed, i, got, want)
			}
			if rowYes != (got > in.Threshold) {
				t.Errorf("seed %d: row %d YES %v but T = %v vs τ = %v", seed, i, rowYes, got, in.Threshold)
			}
		}
		if anyYes != yes {
			t.Errorf("seed %d: instance YES = %v; want %v", seed, anyYes, yes)
		}
	}
}

func maxAbs(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = math.Max(m, math.Abs(x))
	}
	return m
}
