package ovp

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveFirst is the reference decision solver: the first orthogonal pair
// in row-major order, by the definition on unpacked vectors.
func naiveFirst(x *Instance) (Pair, bool) {
	va, vb := unpack(x, A), unpack(x, B)
	for i, a := range va {
		for j, b := range vb {
			orth := true
			for c := range a {
				if a[c] == 1 && b[c] == 1 {
					orth = false
					break
				}
			}
			if orth {
				return Pair{i, j}, true
			}
		}
	}
	return Pair{}, false
}

// naiveStats is the reference for MinInnerProduct and MinDistance.
func naiveStats(x *Instance, xor bool) *Stats {
	s := &Stats{Dim: x.Dim(), Pairs: x.Pairs(), Min: -1, MinNonzero: -1, Hist: make([]int64, x.Dim()+1)}
	va, vb := unpack(x, A), unpack(x, B)
	for i, a := range va {
		for j, b := range vb {
			v := 0
			for c := range a {
				if xor && a[c] != b[c] || !xor && a[c] == 1 && b[c] == 1 {
					v++
				}
			}
			s.Hist[v]++
			if s.Min < 0 || v < s.Min {
				s.Min, s.MinPair = v, Pair{i, j}
			}
			if v > 0 && (s.MinNonzero < 0 || v < s.MinNonzero) {
				s.MinNonzero = v
			}
		}
	}
	return s
}

// unpack returns the vectors of side s as 0/1 bytes.
func unpack(x *Instance, s Side) [][]uint8 {
	v := make([][]uint8, x.Len(s))
	for i := range v {
		v[i] = x.Vector(s, i)
	}
	return v
}

// randomInstance returns an instance whose bits are 1 with probability rho.
func randomInstance(n, mB, m int, rho float64, seed uint64) *Instance {
	r := rand.New(rand.NewPCG(seed, seed))
	x := New(n, mB, m)
	for _, s := range []Side{A, B} {
		for i := 0; i < x.Len(s); i++ {
			for c := 0; c < m; c++ {
				if r.Float64() < rho {
					x.Set(s, i, c, true)
				}
			}
		}
	}
	return x
}

// solverDims covers word boundaries and the specialised kernels.
var solverDims = []int{0, 1, 2, 5, 31, 63, 64, 65, 100, 127, 128, 129, 191, 192, 193, 255, 256, 257, 300}

func TestFindOrthogonalVsNaive(t *testing.T) {
	seed := uint64(1)
	for _, m := range solverDims {
		for _, size := range [][2]int{{1, 1}, {3, 7}, {13, 9}, {70, 130}, {257, 66}} {
			for _, rho := range []float64{0.02, 0.1, 0.3, 0.6} {
				for _, workers := range []int{1, 3} {
					seed++
					name := fmt.Sprintf("m=%d/N=%d/M=%d/rho=%g/w=%d", m, size[0], size[1], rho, workers)
					x := randomInstance(size[0], size[1], m, rho, seed)
					// Make a late orthogonal pair likely-but-not-certain.
					if seed%3 == 0 && x.N() > 1 && x.M() > 1 {
						clear(x.Row(A, x.N()-1))
					}
					want, wantOK := naiveFirst(x)
					got, err := FindOrthogonal(context.Background(), x, Options{Workers: workers})
					if err != nil {
						t.Fatal(err)
					}
					if got.Found != wantOK || got.Found && got.Pair != want {
						t.Errorf("%s: FindOrthogonal = %v %v; want %v %v", name, got.Found, got.Pair, wantOK, want)
					}
				}
			}
		}
	}
}

func TestStatsVsNaive(t *testing.T) {
	seed := uint64(1000)
	for _, m := range solverDims {
		for _, size := range [][2]int{{1, 1}, {5, 3}, {9, 70}, {133, 31}} {
			for _, rho := range []float64{0.05, 0.5} {
				for _, xor := range []bool{false, true} {
					seed++
					name := fmt.Sprintf("m=%d/N=%d/M=%d/rho=%g/xor=%v", m, size[0], size[1], rho, xor)
					x := randomInstance(size[0], size[1], m, rho, seed)
					want := naiveStats(x, xor)
					f := MinInnerProduct
					if xor {
						f = MinDistance
					}
					got, err := f(context.Background(), x, Options{Workers: int(seed%3) + 1})
					if err != nil {
						t.Fatal(err)
					}
					if got.Min != want.Min || got.MinPair != want.MinPair || got.MinNonzero != want.MinNonzero ||
						got.Pairs != want.Pairs || !slices.Equal(got.Hist, want.Hist) {
						t.Errorf("%s:\n got %v\nwant %v", name, got, want)
					}
				}
			}
		}
	}
}

func TestSolversEmpty(t *testing.T) {
	for _, size := range [][2]int{{0, 0}, {0, 5}, {5, 0}} {
		x := New(size[0], size[1], 10)
		r, err := FindOrthogonal(context.Background(), x, Options{})
		if err != nil || r.Found {
			t.Errorf("FindOrthogonal(%v) = %v, %v; want not found", size, r, err)
		}
		s, err := MinInnerProduct(context.Background(), x, Options{})
		if err != nil || s.Min != -1 || s.Pairs != 0 {
			t.Errorf("MinInnerProduct(%v) = %v, %v; want min -1", size, s, err)
		}
	}
}

func TestSolversCancel(t *testing.T) {
	x := randomInstance(2000, 2000, 64, 0.5, 7)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := FindOrthogonal(ctx, x, Options{}); err != context.Canceled {
		t.Errorf("FindOrthogonal(cancelled) error = %v; want context.Canceled", err)
	}
	if _, err := MinInnerProduct(ctx, x, Options{}); err != context.Canceled {
		t.Errorf("MinInnerProduct(cancelled) error = %v; want context.Canceled", err)
	}
}

func TestProgress(t *testing.T) {
	x := randomInstance(1000, 300, 64, 0.5, 8)
	var last, total int64
	calls := 0
	_, err := MinInnerProduct(context.Background(), x, Options{Workers: 2, Progress: func(d, n int64) {
		if d < last {
			t.Errorf("progress went back from %d to %d", last, d)
		}
		last, total = d, n
		calls++
	}})
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 || last != x.Pairs() || total != x.Pairs() {
		t.Errorf("progress: %d calls, last %d of %d; want ≥ 1 call ending at %d", calls, last, total, x.Pairs())
	}
}

// TestSolversEveryDim runs all solvers against the references for every m
// from 1 to 300, with densities that make orthogonal pairs neither certain
// nor impossible: (1−ρ²)^m ≈ 0.5% per pair, about even odds for 143 pairs.
func TestSolversEveryDim(t *testing.T) {
	found := 0
	for m := 1; m <= 300; m++ {
		rho := min(0.9, math.Sqrt(5.3/float64(m)))
		x := randomInstance(11, 13, m, rho, uint64(5000+m))
		want, wantOK := naiveFirst(x)
		got, err := FindOrthogonal(context.Background(), x, Options{Workers: 1 + m%2})
		if err != nil {
			t.Fatal(err)
		}
		if got.Found != wantOK || got.Found && got.Pair != want {
			t.Errorf("m=%d: FindOrthogonal = %v %v; want %v %v", m, got.Found, got.Pair, wantOK, want)
		}
		if wantOK {
			found++
		}
		for _, xor := range []bool{false, true} {
			f := MinInnerProduct
			if xor {
				f = MinDistance
			}
			s, err := f(context.Background(), x, Options{})
			if err != nil {
				t.Fatal(err)
			}
			w := naiveStats(x, xor)
			if s.Min != w.Min || s.MinPair != w.MinPair || s.MinNonzero != w.MinNonzero || !slices.Equal(s.Hist, w.Hist) {
				t.Errorf("m=%d xor=%v:\n got %v\nwant %v", m, xor, s, w)
			}
		}
	}
	t.Logf("%d of 300 instances have an orthogonal pair", found)
	if found < 30 || found > 270 {
		t.Errorf("%d of 300 instances have an orthogonal pair; want a mix", found)
	}
}
