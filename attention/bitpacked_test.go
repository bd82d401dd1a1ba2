package attention

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// bitDense returns a rows×cols matrix with entries val with probability p
// and 0 otherwise.
func bitDense(rng *rand.Rand, rows, cols int, p, val float64) *mat.Dense {
	m := mat.NewDense(rows, cols, nil)
	for i := range rows {
		for j := range cols {
			if rng.Float64() < p {
				m.Set(i, j, val)
			}
		}
	}
	return m
}

// bpKernels returns the counting kernels this build can run.
func bpKernels() []*bpCounter {
	ks := []*bpCounter{bpGo}
	if bpAVX512 != nil {
		ks = append(ks, bpAVX512)
	}
	return ks
}

// TestBitpackedMatchesStream compares Bitpacked with the streaming engine
// on random bit-form inputs of awkward shapes (d across the 64-bit words,
// all-zero rows, a ≠ b, large logits) with each counting kernel.
func TestBitpackedMatchesStream(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	shapes := []struct {
		nq, nk, d, dv int
		a, b, p       float64
	}{
		{1, 1, 1, 1, 1, 1, 0.5}, {5, 7, 3, 2, 2, 0.5, 0.5}, {17, 33, 63, 1, 3, 3, 0.3},
		{9, 40, 64, 3, 1.5, 2, 0.5}, {13, 100, 65, 5, 4, 4, 0.2}, {30, 129, 128, 1, 39, 39, 0.3},
		{7, 50, 200, 9, 1, 1, 0.05}, {4, 300, 17, 33, 0.1, 10, 0.9}, {11, 45, 200, 1, 1, 1, 0.05}, {3, 1000, 300, 1, 2, 1, 0.01},
	}
	for _, k := range bpKernels() {
		saved := bpKernel
		bpKernel = k
		for _, sh := range shapes {
			q := bitDense(rng, sh.nq, sh.d, sh.p, sh.a)
			kk := bitDense(rng, sh.nk, sh.d, sh.p, -sh.b)
			v := randDense(rng, sh.nk, sh.dv, 1)
			want, err := NewStream(Options{}).Attend(context.Background(), q, kk, v)
			if err != nil {
				t.Fatal(err)
			}
			for _, workers := range []int{1, 3} {
				got, err := NewBitpacked(Options{Workers: workers}).Attend(context.Background(), q, kk, v)
				if err != nil {
					t.Fatalf("%s %+v: %v", k.name, sh, err)
				}
				for i := range sh.nq {
					for c := range sh.dv {
						if g, w := got.T.At(i, c), want.T.At(i, c); !(math.Abs(g-w) <= 1e-12) {
							t.Fatalf("%s %+v workers=%d: T[%d][%d] = %v; want %v", k.name, sh, workers, i, c, g, w)
						}
					}
					if g, w := got.MaxLogit[i], want.MaxLogit[i]; !(math.Abs(g-w) <= 1e-12*math.Max(1, math.Abs(w))) {
						t.Fatalf("%s %+v: MaxLogit[%d] = %v; want %v", k.name, sh, i, g, w)
					}
					if g, w := got.LogNorm[i], want.LogNorm[i]; !(math.Abs(g-w) <= 1e-12*math.Max(1, math.Abs(w))) {
						t.Fatalf("%s %+v: LogNorm[%d] = %v; want %v", k.name, sh, i, g, w)
					}
				}
			}
		}
		bpKernel = saved
	}
}

// TestBitpackedRefusesOtherInputs checks that inputs not of the bit form
// are refused by Plan and Attend with an error naming the entry.
func TestBitpackedRefusesOtherInputs(t *testing.T) {
	base := func() (*mat.Dense, *mat.Dense, *mat.Dense) {
		q := mat.NewDense(2, 3, []float64{0, 2, 2, 2, 0, 0})
		k := mat.NewDense(2, 3, []float64{-1, 0, -1, 0, 0, -1})
		return q, k, mat.NewDense(2, 1, []float64{1, 0})
	}
	cases := []struct {
		name, want string
		edit       func(q, k *mat.Dense)
	}{
		{"two Q values", "Q[1][0] = 3", func(q, k *mat.Dense) { q.Set(1, 0, 3) }},
		{"negative Q", "Q[0][1] = -2", func(q, k *mat.Dense) { q.Set(0, 1, -2); q.Set(0, 2, -2) }},
		{"positive K", "K[0][0] = 1", func(q, k *mat.Dense) { k.Set(0, 0, 1) }},
		{"NaN", "K[1][2] = NaN", func(q, k *mat.Dense) { k.Set(1, 2, math.NaN()) }},
		{"Inf", "Q[0][1] = +Inf", func(q, k *mat.Dense) { q.Set(0, 1, math.Inf(1)) }},
	}
	for _, tc := range cases {
		q, k, v := base()
		tc.edit(q, k)
		a := NewBitpacked(Options{})
		if _, err := a.Plan(q, k, v); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Plan error %v; want one containing %q", tc.name, err, tc.want)
		}
		if _, err := a.Attend(context.Background(), q, k, v); err == nil {
			t.Errorf("%s: Attend succeeded; want an error", tc.name)
		}
	}
	q, k, v := base()
	p, err := NewBitpacked(Options{}).Plan(q, k, v)
	if err != nil {
		t.Fatal(err)
	}
	if p.ErrBound != 0 || !strings.Contains(strings.Join(p.Notes, "\n"), "kernels: "+bpKernel.name) {
		t.Errorf("plan = %+v; want ErrBound 0 and the kernel named", p)
	}
}

// TestBitpackedCancel checks that a cancelled context is returned.
func TestBitpackedCancel(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	q, k := bitDense(rng, 50, 10, 0.5, 1), bitDense(rng, 50, 10, 0.5, -1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewBitpacked(Options{}).Attend(ctx, q, k, randDense(rng, 50, 1, 1)); err != context.Canceled {
		t.Errorf("Attend after cancel: err = %v; want context.Canceled", err)
	}
}

// BenchmarkBitpackedVsExact times Bitpacked (each counting kernel) and the
// generic exact engine on an input of the reduction's form and size at
// v = 24: 4096 queries, 8192 keys, d = 102, d_v = 1, entries ±β with
// β² = d·ln(4·4097), bits set with probability 0.3.
func BenchmarkBitpackedVsExact(b *testing.B) {
	rng := rand.New(rand.NewPCG(35, 36))
	const nq, nk, d = 4096, 8192, 102
	beta := math.Sqrt(d * math.Log(4*4097))
	q, k := bitDense(rng, nq, d, 0.3, beta), bitDense(rng, nk, d, 0.3, -beta)
	v := mat.NewDense(nk, 1, nil)
	for j := range nk / 2 {
		v.Set(j, 0, 1)
	}
	algs := map[string]Algorithm{"exact": NewStream(Options{})}
	for _, k := range bpKernels() {
		algs["bitpacked/kernels="+k.name] = &bpWith{Bitpacked: NewBitpacked(Options{}), k: k}
	}
	for _, name := range []string{"exact", "bitpacked/kernels=go popcount", "bitpacked/kernels=avx512 vpopcntq"} {
		alg, ok := algs[name]
		if !ok {
			continue
		}
		b.Run(strings.ReplaceAll(name, " ", "-"), func(b *testing.B) {
			for b.Loop() {
				if _, err := alg.Attend(context.Background(), q, k, v); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(nq*nk), "ns/pair")
		})
	}
}

// bpWith is Bitpacked run with a given counting kernel.
type bpWith struct {
	*Bitpacked
	k *bpCounter
}

func (a *bpWith) Attend(ctx context.Context, q, k, v *mat.Dense) (*Output, error) {
	saved := bpKernel
	bpKernel = a.k
	defer func() { bpKernel = saved }()
	return a.Bitpacked.Attend(ctx, q, k, v)
}

// TestBitpackedFormErrorNamesTheEntry: when the first nonzero entry has
// the wrong sign, the error says so instead of "the first nonzero is 0".
func TestBitpackedFormErrorNamesTheEntry(t *testing.T) {
	q := mat.NewDense(1, 2, []float64{0, -0.5})
	_, err := bitForm(q, "Q", 1)
	if err == nil || strings.Contains(err.Error(), "the first nonzero is 0") || !strings.Contains(err.Error(), "Q[0][1] = -0.5, its first nonzero entry, is not positive") {
		t.Errorf("bitForm error = %v", err)
	}
}
