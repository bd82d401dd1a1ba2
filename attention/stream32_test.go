package attention

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// kernelSets32 returns the float32 kernel sets this build can run, the
// pure-Go reference first.
func kernelSets32() []*kernels32 {
	ks := []*kernels32{goKernels32}
	if avx512Kernels32 != nil {
		ks = append(ks, avx512Kernels32)
	}
	return ks
}

func vec32(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(2*rng.Float64() - 1)
	}
	return x
}

// ulp32 returns the distance in float32 ulps between a and b ≥ 0.
func ulp32(a, b float32) int64 {
	d := int64(math.Float32bits(a)) - int64(math.Float32bits(b))
	if d < 0 {
		d = -d
	}
	return d
}

// TestKernels32Agree compares the float32 kernel sets with the reference
// on awkward sizes: panel counts, d and d_v across the 16- and 64-column
// blocks and masked tails, strides, guard values.
func TestKernels32Agree(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, k := range kernelSets32()[1:] {
		t.Run(k.name, func(t *testing.T) {
			for _, sp := range [][2]int{{1, 1}, {1, 2}, {1, 3}, {2, 1}, {3, 2}, {16, 3}} {
				strips, panels := sp[0], sp[1]
				for _, d := range []int{1, 5, 16, 33, 128} {
					qp, kp := vec32(rng, strips*stripMR*d), vec32(rng, panels*strip32NR*d)
					lds := panels*strip32NR + 5
					want := vec32(rng, strips*stripMR*lds) // the 5 guard columns of each row must stay
					got := append([]float32(nil), want...)
					qkStrip32Go(want, lds, qp, kp, strips, panels, d)
					k.qk(got, lds, qp, kp, strips, panels, d)
					for i := range want {
						if !(math.Abs(float64(got[i]-want[i])) <= 4e-7*float64(d)) {
							t.Fatalf("qk(strips=%d, panels=%d, d=%d)[%d] = %v; want %v", strips, panels, d, i, got[i], want[i])
						}
					}
				}
			}
			for _, n := range []int{1, 2, 31, 100} {
				for _, dv := range []int{1, 7, 15, 16, 17, 32, 63, 64, 65, 100, 128} {
					for _, pad := range []int{0, 3} {
						ldacc, ldp, ldv := dv+pad, n+pad, dv+pad
						p, v := vec32(rng, stripMR*ldp), vec32(rng, n*ldv)
						want := make([]float64, stripMR*ldacc)
						for i := range want {
							want[i] = float64(i)
						}
						got := append([]float64(nil), want...)
						pvStrip32Go(want, ldacc, p, ldp, v, ldv, n, dv)
						k.pv(got, ldacc, p, ldp, v, ldv, n, dv)
						for i := range want {
							if !(math.Abs(got[i]-want[i]) <= 4e-7*float64(n)) { // NaN fails too
								t.Fatalf("pv(n=%d, dv=%d, pad=%d)[%d] = %v; want %v", n, dv, pad, i, got[i], want[i])
							}
						}
					}
				}
			}
			for n := range 70 {
				s := vec32(rng, n)
				if n > 0 {
					s[rng.IntN(n)] = 3
				}
				if got, want := k.maxOf(s), max32Go(s); got != want {
					t.Fatalf("maxOf(n=%d) = %v; want %v", n, got, want)
				}
			}
		})
	}
}

// TestExp32 checks every float32 exp against math.Exp rounded to float32
// on [−110, 0] (results down to 0 through the subnormals): within 4 ulp
// (8 units, exp32RelErr) for normal results, and the sum in float64.
func TestExp32(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 44))
	for _, k := range kernelSets32() {
		t.Run(k.name, func(t *testing.T) {
			for _, n := range []int{1, 15, 16, 17, 33, 1000} {
				xs := make([]float32, n)
				for i := range xs {
					xs[i] = float32(-110 * rng.Float64())
				}
				xs[0] = 0
				s := append([]float32(nil), xs...)
				sum := k.exp(s, 0, 1)
				want := 0.0
				for i, x := range xs {
					w := float32(math.Exp(float64(x)))
					want += float64(s[i])
					if w >= 0x1p-126 && ulp32(s[i], w) > 4 || w < 0x1p-126 && !(math.Abs(float64(s[i]-w)) <= 0x1p-148) {
						t.Fatalf("exp(%v) = %v; want %v", x, s[i], w)
					}
				}
				if !(math.Abs(sum-want) <= 1e-15*want) {
					t.Fatalf("sum = %v; want %v", sum, want)
				}
			}
			s := []float32{float32(math.Inf(-1)), -1e30, -104, -87.5, 0}
			k.exp(s, 0, 1)
			if s[0] != 0 || s[1] != 0 || s[2] != 0 || s[4] != 1 {
				t.Errorf("exp of −Inf, −1e30, −104, −87.5, 0 = %v; want 0, 0, 0, …, 1", s)
			}
		})
	}
}

// TestAttend32 compares float32 exact attention with float64 exact attention
// on the same (float32-representable) inputs, with each kernel set: the
// difference must be within the plan's ErrBound32, which must be small.
func TestAttend32(t *testing.T) {
	rng := rand.New(rand.NewPCG(45, 46))
	for _, k := range kernelSets32() {
		for _, sh := range []testShape{{1, 1, 1, 1}, {7, 5, 3, 2}, {50, 300, 16, 16}, {97, 130, 64, 1}, {13, 700, 128, 129}, {200, 65, 33, 64}} {
			t.Run(fmt.Sprintf("%s/nq=%d,nk=%d,d=%d,dv=%d", k.name, sh.nq, sh.nk, sh.d, sh.dv), func(t *testing.T) {
				saved := kern32
				kern32 = k
				defer func() { kern32 = saved }()
				q, kk, v := randDense(rng, sh.nq, sh.d, 2), randDense(rng, sh.nk, sh.d, 2), randDense(rng, sh.nk, sh.dv, 1)
				q32, _ := ToFloat32(q, "Q")
				k32, _ := ToFloat32(kk, "K")
				v32, _ := ToFloat32(v, "V")
				want, err := NewStream(Options{}).Attend(context.Background(), q32.Dense(), k32.Dense(), v32.Dense())
				if err != nil {
					t.Fatal(err)
				}
				got, err := NewStream(Options{Workers: 3}).Attend32(context.Background(), q32, k32, v32, false)
				if err != nil {
					t.Fatal(err)
				}
				if !(got.ErrBound < 1e-3) {
					t.Fatalf("ErrBound = %v; want a useful bound", got.ErrBound)
				}
				worst := 0.0
				for i := range sh.nq {
					for c := range sh.dv {
						worst = max(worst, math.Abs(got.T.At(i, c)-want.T.At(i, c)))
					}
					if !(math.Abs(got.LogNorm[i]-want.LogNorm[i]) <= 1e-4*math.Max(1, math.Abs(want.LogNorm[i]))) {
						t.Errorf("LogNorm[%d] = %v; want %v", i, got.LogNorm[i], want.LogNorm[i])
					}
				}
				if worst > got.ErrBound {
					t.Errorf("max |T32 − T64| = %.3g > ErrBound %.3g", worst, got.ErrBound)
				}
				t.Logf("max |T32 − T64| = %.3g, ErrBound %.3g", worst, got.ErrBound)
			})
		}
	}
}

// TestAttend32Errors checks the shape check, the float32 range check and
// cancellation.
func TestAttend32Errors(t *testing.T) {
	rng := rand.New(rand.NewPCG(47, 48))
	q, _ := ToFloat32(randDense(rng, 4, 3, 1), "Q")
	k, _ := ToFloat32(randDense(rng, 5, 3, 1), "K")
	v, _ := ToFloat32(randDense(rng, 4, 2, 1), "V")
	if _, err := NewStream(Options{}).Attend32(context.Background(), q, k, v, false); err == nil {
		t.Error("Attend32 with V of 4 rows for 5 keys: nil error")
	}
	big := randDense(rng, 2, 2, 1)
	big.Set(1, 0, 1e39)
	if _, err := ToFloat32(big, "Q"); err == nil {
		t.Error("ToFloat32(1e39): nil error")
	}
	v, _ = ToFloat32(randDense(rng, 5, 2, 1), "V")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewStream(Options{}).Attend32(ctx, q, k, v, false); err != context.Canceled {
		t.Errorf("Attend32 after cancel: %v; want context.Canceled", err)
	}
}
