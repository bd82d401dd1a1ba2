package attention

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/hardnesslab/hardness/internal/memlimit"
	"gonum.org/v1/gonum/mat"
)

// randDense returns an r × c matrix with entries uniform in [−b, b].
func randDense(rng *rand.Rand, r, c int, b float64) *mat.Dense {
	data := make([]float64, r*c)
	for i := range data {
		data[i] = b * (2*rng.Float64() - 1)
	}
	return mat.NewDense(r, c, data)
}

// agree reports how far got is from want: T entrywise relative to the
// largest |V| entry of the column (T is a convex combination of V's rows),
// LogNorm and MaxLogit relative to max(1, |want|).
func agree(t *testing.T, name string, got, want *Output, v *mat.Dense, tol float64) {
	t.Helper()
	nq, dv := want.T.Dims()
	if r, c := got.T.Dims(); r != nq || c != dv {
		t.Fatalf("%s: T is %d×%d; want %d×%d", name, r, c, nq, dv)
	}
	scale := make([]float64, dv)
	for c := range dv {
		scale[c] = mat.Norm(v.ColView(c), math.Inf(1))
	}
	bad := 0
	for i := range nq {
		for c := range dv {
			g, w := got.T.At(i, c), want.T.At(i, c)
			if !(math.Abs(g-w) <= tol*scale[c]) && bad < 5 {
				t.Errorf("%s: T[%d][%d] = %.17g; want %.17g (diff %.3g, tol %.3g)", name, i, c, g, w, g-w, tol*scale[c])
				bad++
			}
		}
		for _, f := range []struct {
			what   string
			g, w   float64
			isNorm bool
		}{{"LogNorm", got.LogNorm[i], want.LogNorm[i], true}, {"MaxLogit", got.MaxLogit[i], want.MaxLogit[i], false}} {
			if !(math.Abs(f.g-f.w) <= tol*max(1, math.Abs(f.w))) && bad < 5 {
				t.Errorf("%s: %s[%d] = %.17g; want %.17g", name, f.what, i, f.g, f.w)
				bad++
			}
		}
	}
}

// TestStreamMatchesNaive compares the streaming engine with Naive on random
// shapes: odd sizes, n_q ≠ n_k, d_v ≠ d, and sizes one off the tile
// boundaries (key tiles of 4 and of bk, query tiles of bq and of 2 rows).
func TestStreamMatchesNaive(t *testing.T) {
	_, bk := tileSizes(1000, 16, 16, 1) // 512 keys per tile for d = d_v = 16
	shapes := []testShape{
		{1, 1, 1, 1}, {1, 2, 1, 1}, {2, 1, 3, 2}, {3, 5, 7, 1}, {7, 3, 2, 9},
		{5, 4, 16, 16}, {5, 3, 16, 16}, {5, 5, 16, 16},
		{17, 33, 5, 3}, {63, 65, 16, 1}, {64, 64, 8, 8}, {65, 63, 8, 4}, {129, 97, 11, 13},
		{31, bk - 1, 16, 16}, {33, bk, 16, 16}, {30, bk + 1, 16, 16}, {9, 2*bk + 3, 16, 16},
		{200, 150, 64, 64}, {150, 200, 3, 64}, {101, 300, 64, 1},
		// several key tiles and strips of the strip path, d_v across
		// the 32-column blocks of P·V
		{40, 700, 16, 32}, {13, 1100, 8, 96}, {97, 600, 128, 128}, {20, 530, 4, 40},
	}
	forEachKernels(t, func(t *testing.T) { streamMatchesNaive(t, shapes) })
}

// testShape is the shape of one streaming test: Q n_q×d, K n_k×d, V n_k×d_v.
type testShape struct{ nq, nk, d, dv int }

func streamMatchesNaive(t *testing.T, shapes []testShape) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 6 { // random shapes
		shapes = append(shapes, testShape{1 + rng.IntN(150), 1 + rng.IntN(700), 1 + rng.IntN(40), 1 + rng.IntN(20)})
		_ = i
	}
	for _, sh := range shapes {
		for _, b := range []float64{0.5, 3} {
			name := fmt.Sprintf("nq=%d,nk=%d,d=%d,dv=%d,B=%g", sh.nq, sh.nk, sh.d, sh.dv, b)
			t.Run(name, func(t *testing.T) {
				q, k, v := randDense(rng, sh.nq, sh.d, b), randDense(rng, sh.nk, sh.d, b), randDense(rng, sh.nk, sh.dv, 1)
				want := Naive(q, k, v)
				for _, workers := range []int{1, 3} {
					got, err := NewStream(Options{Workers: workers}).Attend(context.Background(), q, k, v)
					if err != nil {
						t.Fatal(err)
					}
					agree(t, fmt.Sprintf("workers=%d", workers), got, want, v, 1e-12)
				}
			})
		}
	}
}

// TestStreamHugeLogits uses integer entries and d a power of two, so every
// logit is exact in float64 whatever the summation order, and logits reach
// ±1e4: the online softmax must neither overflow nor NaN, rows where all
// but the maximum underflow must be exactly their maximum's value row, and
// the result must match Naive to 1e−12 relative.
func TestStreamHugeLogits(t *testing.T) { forEachKernels(t, streamHugeLogits) }

func streamHugeLogits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const nq, nk, d, dv = 37, 1100, 4, 3
	q := mat.NewDense(nq, d, nil)
	k := mat.NewDense(nk, d, nil)
	for i := range nq {
		for c := range d {
			q.Set(i, c, float64(rng.IntN(201)-100)) // |q| ≤ 100
		}
	}
	for j := range nk {
		for c := range d {
			k.Set(j, c, float64(rng.IntN(201)-100))
		}
	}
	// Row 1 has a unique maximum far above the rest: logit 5000 for key
	// 777, at most 2500 elsewhere, so e^−2500 underflows for all others.
	for j := range nk {
		k.Set(j, 0, math.Min(k.At(j, 0), 50))
		k.Set(j, 1, math.Max(k.At(j, 1), -50))
	}
	for c := range d {
		q.Set(1, c, 0)
		k.Set(777, c, 0)
	}
	q.Set(1, 0, 100)
	q.Set(1, 1, -100)
	k.Set(777, 0, 100)
	k.Set(777, 1, -100)
	// Row 0 sees logits ±1e4 exactly: q = (100,…,100), keys ±(100,…,100).
	for c := range d {
		q.Set(0, c, 100)
		k.Set(5, c, 100)
		k.Set(900, c, -100)
	}
	v := randDense(rng, nk, dv, 1)
	want := Naive(q, k, v)
	got, err := NewStream(Options{Workers: 2}).Attend(context.Background(), q, k, v)
	if err != nil {
		t.Fatal(err)
	}
	for i := range nq {
		for c := range dv {
			if x := got.T.At(i, c); math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("T[%d][%d] = %v; want finite", i, c, x)
			}
		}
	}
	if got.MaxLogit[0] != 1e4 {
		t.Errorf("MaxLogit[0] = %v; want 1e4", got.MaxLogit[0])
	}
	for c := range dv {
		if g, w := got.T.At(1, c), v.At(777, c); g != w {
			t.Errorf("T[1][%d] = %v; want exactly V[777][%d] = %v", c, g, c, w)
		}
	}
	agree(t, "huge logits", got, want, v, 1e-12)
}

// TestStreamErrors checks the errors of Plan and Attend.
func TestStreamErrors(t *testing.T) {
	q, k, v := mat.NewDense(3, 2, nil), mat.NewDense(4, 2, nil), mat.NewDense(4, 1, nil)
	if _, err := NewStream(Options{}).Plan(q, mat.NewDense(4, 3, nil), v); err == nil {
		t.Error("Plan(d mismatch) = nil error; want one")
	}
	if _, err := NewStream(Options{}).Attend(context.Background(), q, k, mat.NewDense(5, 1, nil)); err == nil {
		t.Error("Attend(V rows ≠ K rows) = nil error; want one")
	}
	_, err := NewStream(Options{MaxMemory: 100}).Plan(q, k, v)
	var me *memlimit.Error
	if !errors.As(err, &me) || me.Need <= 100 {
		t.Errorf("Plan over MaxMemory = %v; want a *memlimit.Error with the estimate", err)
	}
	big := mat.NewDense(1, 1, []float64{1e200})
	if _, err := NewStream(Options{}).Attend(context.Background(), big, big, mat.NewDense(1, 1, nil)); err == nil {
		t.Error("Attend(logit 1e400) = nil error; want overflow error")
	}
}

// TestStreamCancel cancels the context from the progress callback and
// expects context.Canceled before all rows are done.
func TestStreamCancel(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	q, k, v := randDense(rng, 512, 8, 1), randDense(rng, 2000, 8, 1), randDense(rng, 2000, 2, 1)
	ctx, cancel := context.WithCancel(context.Background())
	var last atomic.Uint64
	o := Options{Workers: 2, Progress: func(f float64) {
		last.Store(math.Float64bits(f))
		cancel()
	}}
	_, err := NewStream(o).Attend(ctx, q, k, v)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Attend after cancel = %v; want context.Canceled", err)
	}
	if f := math.Float64frombits(last.Load()); f >= 1 {
		t.Errorf("progress reached %v before cancellation took effect; want < 1", f)
	}
	// An already-cancelled context does no work.
	if _, err := NewStream(Options{}).Attend(ctx, q, k, v); !errors.Is(err, context.Canceled) {
		t.Errorf("Attend(cancelled ctx) = %v; want context.Canceled", err)
	}
}

// TestStreamProgress checks that progress is monotone and ends at 1.
func TestStreamProgress(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	q, k, v := randDense(rng, 300, 4, 1), randDense(rng, 50, 4, 1), randDense(rng, 50, 2, 1)
	var seen []float64
	o := Options{Workers: 3, Progress: func(f float64) { seen = append(seen, f) }} // called serially
	if _, err := NewStream(o).Attend(context.Background(), q, k, v); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] < seen[i-1] {
			t.Fatalf("progress went back from %v to %v", seen[i-1], seen[i])
		}
	}
	if len(seen) == 0 || seen[len(seen)-1] != 1 {
		t.Errorf("progress = %v; want it to end at 1", seen)
	}
}

func BenchmarkStream(b *testing.B) {
	for _, sh := range []struct{ n, d int }{{1024, 16}, {4096, 16}, {4096, 64}, {16384, 16}, {8192, 128}} {
		rng := rand.New(rand.NewPCG(1, 1))
		q, k, v := randDense(rng, sh.n, sh.d, 1), randDense(rng, sh.n, sh.d, 1), randDense(rng, sh.n, sh.d, 1)
		alg := NewStream(Options{})
		b.Run(fmt.Sprintf("n=%d,d=%d", sh.n, sh.d), func(b *testing.B) {
			for b.Loop() {
				if _, err := alg.Attend(context.Background(), q, k, v); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(sh.n*sh.n), "ns/logit")
			b.ReportMetric(4*float64(sh.n)*float64(sh.n)*float64(sh.d)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "Gflop/s")
		})
	}
}

// TestRegistered checks that "exact" and "naive" are registered and agree.
func TestRegistered(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	q, k, v := randDense(rng, 20, 5, 1), randDense(rng, 30, 5, 1), randDense(rng, 30, 2, 1)
	var outs []*Output
	for _, name := range []string{"exact", "naive"} {
		a, err := New(name, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if a.Name() != name {
			t.Errorf("New(%q).Name() = %q", name, a.Name())
		}
		p, err := a.Plan(q, k, v)
		if err != nil || p.ErrBound != 0 || p.Flops != 2*20*30*7 {
			t.Errorf("%s.Plan = %+v, %v; want ErrBound 0 and 8400 flops", name, p, err)
		}
		out, err := a.Attend(context.Background(), q, k, v)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, out)
	}
	agree(t, "exact vs naive", outs[0], outs[1], v, 1e-12)
	if _, err := (&naiveAlgo{opts: Options{MaxMemory: 1000}}).Plan(q, k, v); err == nil {
		t.Error("naive Plan over MaxMemory = nil error; want one")
	}
}
