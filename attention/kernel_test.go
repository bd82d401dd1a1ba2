package attention

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// kernelSets returns the kernel sets this build can run: the pure-Go
// reference always (first), then the pure-Go strip path, the AVX2 one and
// the AVX-512 one when the CPU supports them.
func kernelSets() []*kernels {
	ks := []*kernels{goKernels, goStripKernels}
	for _, k := range []*kernels{simdKernels, avx512Kernels} {
		if k != nil {
			ks = append(ks, k)
		}
	}
	return ks
}

// forEachKernels runs f as a subtest once per kernel set, with kern
// switched to it (tests of this package do not run in parallel).
func forEachKernels(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	for _, k := range kernelSets() {
		t.Run("kernels="+k.name, func(t *testing.T) {
			saved := kern
			kern = k
			defer func() { kern = saved }()
			f(t)
		})
	}
}

func TestKernelSelection(t *testing.T) {
	if kern != defaultKernels() {
		t.Errorf("kern = %s; want the default %s", kern.name, defaultKernels().name)
	}
	t.Logf("default kernels: %s (SIMD available: %v)", kern.name, simdKernels != nil)
}

// TestKernelsAgree compares every kernel set with the pure-Go kernels on
// random inputs of awkward sizes: group counts around the 4-group block,
// d from 1, tails of 1–3 logits, d_v around the 16- and 4-column blocks,
// strides wider than d_v.
func TestKernelsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	vec := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = 2*rng.Float64() - 1
		}
		return x
	}
	for _, k := range kernelSets()[1:] {
		t.Run(k.name, func(t *testing.T) {
			for _, groups := range []int{1, 2, 3, 4, 5, 7, 8, 9, 17} {
				if k.dotTile == nil { // strip path: TestStripKernelsAgree
					break
				}
				for _, d := range []int{1, 2, 3, 4, 5, 16, 17, 64} {
					kp := vec(groups * kr * d)
					q0, q1 := vec(d), vec(d)
					w0, w1 := make([]float64, groups*kr+1), make([]float64, groups*kr+1)
					g0, g1 := make([]float64, groups*kr+1), make([]float64, groups*kr+1)
					g0[groups*kr], g1[groups*kr] = 7, 7 // must stay untouched
					dotTile(w0, w1, q0, q1, kp, d)
					k.dotTile(g0, g1, q0, q1, kp, d)
					for j := range groups * kr {
						for _, p := range [][2]float64{{g0[j], w0[j]}, {g1[j], w1[j]}} {
							if !(math.Abs(p[0]-p[1]) <= 1e-14*float64(d)) {
								t.Fatalf("dotTile(groups=%d, d=%d)[%d] = %v; want %v", groups, d, j, p[0], p[1])
							}
						}
					}
					if g0[groups*kr] != 7 || g1[groups*kr] != 7 {
						t.Fatalf("dotTile(groups=%d, d=%d) wrote past its %d keys", groups, d, groups*kr)
					}
				}
			}
			for n := range 40 {
				s := vec(n)
				if n > 0 {
					s[rng.IntN(n)] = 3 // a unique maximum anywhere, the tail included
				}
				if got, want := k.maxOf(s), maxOf(s); got != want {
					t.Fatalf("maxOf(n=%d) = %v; want %v", n, got, want)
				}
			}
			for _, n := range []int{1, 3, 4, 5, 8, 9, 12, 13, 64, 67} {
				for _, invd := range []float64{1, 1.0 / 16, 1.0 / 3} {
					s := vec(n)
					for i := range s {
						s[i] *= 300 // exponents down to about −600/d
					}
					m := maxOf(s)
					got, want := append([]float64(nil), s...), append([]float64(nil), s...)
					gs, ws := k.expShifted(got, m, invd), expShifted(want, m, invd)
					for j := range s {
						if u := ulpDiff(got[j], want[j]); u > 2 {
							t.Fatalf("expShifted(n=%d, invd=%v)[%d] = %v; want %v (%d ulp)", n, invd, j, got[j], want[j], u)
						}
					}
					if !(math.Abs(gs-ws) <= 1e-14*ws) {
						t.Fatalf("expShifted(n=%d, invd=%v) sum = %v; want %v", n, invd, gs, ws)
					}
				}
			}
			for _, n := range []int{1, 2, 3, 4, 5, 31} {
				if k.accumulatePV == nil {
					break
				}
				for _, dv := range []int{1, 3, 4, 5, 8, 15, 16, 17, 20, 31, 32, 33, 64} {
					for _, stride := range []int{dv, dv + 3} {
						p0, p1, v := vec(n), vec(n), vec((n-1)*stride+dv)
						init0, init1 := vec(dv), vec(dv)
						w0, w1 := append([]float64(nil), init0...), append([]float64(nil), init1...)
						g0, g1 := append([]float64(nil), init0...), append([]float64(nil), init1...)
						accumulatePV(w0, w1, p0, p1, v, dv, stride)
						k.accumulatePV(g0, g1, p0, p1, v, dv, stride)
						for c := range dv {
							if !(math.Abs(g0[c]-w0[c]) <= 1e-14*float64(n)) || !(math.Abs(g1[c]-w1[c]) <= 1e-14*float64(n)) {
								t.Fatalf("accumulatePV(n=%d, dv=%d, stride=%d)[%d] = %v, %v; want %v, %v", n, dv, stride, c, g0[c], g1[c], w0[c], w1[c])
							}
						}
					}
				}
			}
		})
	}
}

// TestExpVector checks the exp of every kernel set (expShifted with m = 0
// and invd = 1, so the argument is exactly s_j) against eˣ computed to 200
// bits on random points of [−746, 0], subnormal results included, and
// against Exp on a dense sweep; the contract is 2 ulp. Arguments below
// −745.14 and −Inf must give 0.
func TestExpVector(t *testing.T) {
	for _, k := range kernelSets() {
		t.Run(k.name, func(t *testing.T) {
			eval := func(xs []float64) []float64 {
				s := append([]float64(nil), xs...)
				k.expShifted(s, 0, 1)
				return s
			}
			// Batches whose arguments are all ≥ −708 take the fast vector
			// exp, batches with smaller ones the safe variant: test both.
			rng := rand.New(rand.NewPCG(13, 14))
			var fast, safe []float64
			for range 1500 {
				fast = append(fast, -708*rng.Float64())
				safe = append(safe, -746*rng.Float64())
			}
			for range 1500 {
				safe = append(safe, -745.2+37.2*rng.Float64()) // results near and below MinNormal
			}
			for range 500 {
				fast = append(fast, -math.Ldexp(rng.Float64(), -rng.IntN(60))) // near 0
			}
			for _, xs := range [][]float64{fast, safe} {
				ys := eval(xs)
				var worst uint64
				for i, x := range xs {
					want := bigExp(x)
					u := ulpDiff(ys[i], want)
					worst = max(worst, u)
					if u > 2 {
						t.Errorf("exp(%v) = %v; want %v (%d ulp)", x, ys[i], want, u)
					}
				}
				t.Logf("worst %d ulp against the 200-bit reference over %d points", worst, len(xs))
			}

			step := 1.0 / 4099
			if testing.Short() {
				step = 1.0 / 997
			}
			for _, r := range [][2]float64{{-708, 0}, {-745.2, -708}} {
				var xs []float64
				for x := r[0]; x <= r[1]; x += step {
					xs = append(xs, x)
				}
				ys := eval(xs)
				for i, x := range xs {
					if u := ulpDiff(ys[i], Exp(x)); u > 1 {
						if u2 := ulpDiff(ys[i], bigExp(x)); u2 > 2 {
							t.Fatalf("exp(%v) = %v; want %v (%d ulp)", x, ys[i], bigExp(x), u2)
						}
					}
				}
			}

			special := []struct{ x, want float64 }{
				{0, 1}, {math.Copysign(0, -1), 1}, {-5e-324, 1}, {-1e-17, 1},
				{-math.Ln2, 0.5}, {-10 * math.Ln2, 1.0 / 1024},
				{-1074 * math.Ln2, 0x1p-1074}, {-708.3964185322641, bigExp(-708.3964185322641)},
				{-745.1332191019411, 5e-324}, {-745.13321910194122, 0},
				{-745.2, 0}, {-746, 0}, {-1e4, 0}, {-1e300, 0}, {-math.MaxFloat64, 0}, {math.Inf(-1), 0},
			}
			in := make([]float64, 0, len(special)+1)
			for _, s := range special {
				in = append(in, s.x)
			}
			out := eval(in)
			for i, s := range special {
				if ulpDiff(out[i], s.want) > 1 {
					t.Errorf("exp(%v) = %v; want %v", s.x, out[i], s.want)
				}
			}
		})
	}
}

// TestSoftmaxUpdateKernels folds the same tiles into the running softmax
// state with each kernel set, from a state whose maximum is far above,
// equal to and far below the tile's, and compares with the pure Go.
func TestSoftmaxUpdateKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for _, k := range kernelSets()[1:] {
		for _, m0 := range []float64{math.Inf(-1), -1e4, 0, 2, 1e4} {
			t.Run(fmt.Sprintf("%s/m=%g", k.name, m0), func(t *testing.T) {
				s := make([]float64, 37)
				for i := range s {
					s[i] = 20 * (2*rng.Float64() - 1)
				}
				s[5] = 2
				acc := []float64{1, -2, 3}
				gs, ws := append([]float64(nil), s...), append([]float64(nil), s...)
				ga, wa := append([]float64(nil), acc...), append([]float64(nil), acc...)
				gm, wm, gl, wl := m0, m0, 1.0, 1.0
				k.softmax(gs, &gm, &gl, ga, 0.25)
				softmaxUpdate(ws, &wm, &wl, wa, 0.25)
				if gm != wm || !(math.Abs(gl-wl) <= 1e-14*wl) {
					t.Errorf("m, l = %v, %v; want %v, %v", gm, gl, wm, wl)
				}
				for c := range acc {
					if !(math.Abs(ga[c]-wa[c]) <= 1e-14*math.Abs(wa[c])) {
						t.Errorf("acc[%d] = %v; want %v", c, ga[c], wa[c])
					}
				}
			})
		}
	}
}
