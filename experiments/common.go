package experiments

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/hardnesslab/hardness/attention"
)

// subSeed derives an independent seed for one random choice of a run from
// the run's seed and the choice's coordinates (splitmix64 mixing), so that
// every point of a sweep is reproducible on its own.
func subSeed(seed uint64, parts ...uint64) uint64 {
	x := seed
	for _, p := range parts {
		x = mix64(x ^ mix64(p+0x9e3779b97f4a7c15))
	}
	return x
}

func mix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }

// uniform returns a rows×cols matrix with entries uniform in [lo, hi].
func uniform(r *rand.Rand, rows, cols int, lo, hi float64) *mat.Dense {
	data := make([]float64, rows*cols)
	for i := range data {
		data[i] = lo + (hi-lo)*r.Float64()
	}
	return mat.NewDense(rows, cols, data)
}

// maxAbsDiff returns max_ij |a_ij − b_ij|; NaN anywhere gives +Inf.
func maxAbsDiff(a, b *mat.Dense) float64 {
	ra, ca := a.Dims()
	rb, cb := b.Dims()
	if ra != rb || ca != cb {
		panic(fmt.Sprintf("experiments: comparing %d×%d with %d×%d", ra, ca, rb, cb))
	}
	m := 0.0
	for i := range ra {
		x, y := a.RawRowView(i), b.RawRowView(i)
		for j := range x {
			d := math.Abs(x[j] - y[j])
			if math.IsNaN(d) {
				return math.Inf(1)
			}
			m = math.Max(m, d)
		}
	}
	return m
}

// rowsOf returns the rows idx of m as a new matrix.
func rowsOf(m *mat.Dense, idx []int) *mat.Dense {
	_, c := m.Dims()
	out := mat.NewDense(len(idx), c, nil)
	for k, i := range idx {
		out.SetRow(k, m.RawRowView(i))
	}
	return out
}

// sampleRows returns min(k, n) distinct row indices of 0..n−1, sorted.
func sampleRows(r *rand.Rand, n, k int) []int {
	if k >= n {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	perm := r.Perm(n)[:k]
	slices.Sort(perm)
	return perm
}

// timed runs alg on (q, k, v) and returns the output and its wall time.
func timed(ctx context.Context, alg attention.Algorithm, q, k, v *mat.Dense) (*attention.Output, time.Duration, error) {
	start := time.Now()
	out, err := alg.Attend(ctx, q, k, v)
	return out, time.Since(start), err
}

// bestOf runs alg reps times and returns the last output and the least
// wall time: the usual estimate of the cost without scheduler noise.
func bestOf(ctx context.Context, reps int, alg attention.Algorithm, q, k, v *mat.Dense) (*attention.Output, time.Duration, error) {
	var out *attention.Output
	best := time.Duration(math.MaxInt64)
	for range max(reps, 1) {
		o, t, err := timed(ctx, alg, q, k, v)
		if err != nil {
			return nil, 0, err
		}
		out, best = o, min(best, t)
	}
	return out, best, nil
}

// pow2 returns 2^k for k = lo..hi.
func pow2(lo, hi int) []int {
	var ns []int
	for k := lo; k <= hi; k++ {
		ns = append(ns, 1<<k)
	}
	return ns
}

func log2(n int) int { return int(math.Round(math.Log2(float64(n)))) }

// pow2Steps returns 2^lo, 2^(lo+step), … up to 2^hi.
func pow2Steps(lo, hi, step int) []int {
	var ns []int
	for k := lo; k <= hi; k += step {
		ns = append(ns, 1<<k)
	}
	return ns
}

// grid returns lo, lo+step, … up to hi (inclusive, rounded to 1e-9 to
// avoid accumulated error).
func grid(lo, hi, step float64) []float64 {
	var xs []float64
	for i := 0; ; i++ {
		x := math.Round((lo+float64(i)*step)*1e9) / 1e9
		if x > hi+1e-12 {
			return xs
		}
		xs = append(xs, x)
	}
}
