package attention

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hardnesslab/hardness/internal/cancelcheck"
	"gonum.org/v1/gonum/mat"
)

// reductionLike returns Q ∈ {0, 0.5}^{n×d}, K ∈ {−0.5, 0}^{n×d} and V in
// [0, 1]: inputs every registered algorithm accepts (bitpacked needs this
// form) and plans cheaply.
func reductionLike(n, d int, seed uint64) (q, k, v *mat.Dense) {
	r := rand.New(rand.NewPCG(seed, seed))
	q, k, v = mat.NewDense(n, d, nil), mat.NewDense(n, d, nil), mat.NewDense(n, 1, nil)
	for i := range n {
		for j := range d {
			if r.IntN(2) == 1 {
				q.Set(i, j, 0.5)
			}
			if r.IntN(2) == 1 {
				k.Set(i, j, -0.5)
			}
		}
		v.Set(i, 0, r.Float64())
	}
	return q, k, v
}

// TestAttendCancels is the cancellation contract of every registered
// algorithm (issue 14): on an input large enough that Attend runs past
// cancelcheck.After, it returns within cancelcheck.Bound of the
// cancellation with context.Canceled. The size doubles from 2^12 until a
// run outlasts After, so each algorithm is tested at a size where it is
// still working, whatever its speed.
func TestAttendCancels(t *testing.T) {
	if testing.Short() {
		t.Skip("builds inputs of up to 2^17 rows")
	}
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			alg, err := New(name, Options{Eps: 1e-9, Features: 4096, Seed: 1, MaxMemory: 2 << 30})
			if err != nil {
				t.Fatal(err)
			}
			for n := 1 << 12; n <= 1<<17; n *= 2 {
				q, k, v := reductionLike(n, 16, uint64(n))
				if _, err := alg.Plan(q, k, v); err != nil {
					t.Skipf("n = %d: %v", n, err)
				}
				if !outlasts(alg, q, k, v) {
					continue // finished before the cancellation: try a larger n
				}
				cancelcheck.Latency(t, "Attend", func() (time.Duration, error) {
					ctx, cancel := context.WithCancel(context.Background())
					done := make(chan error, 1)
					go func() {
						_, err := alg.Attend(ctx, q, k, v)
						done <- err
					}()
					time.Sleep(cancelcheck.After)
					cancel()
					stopped := time.Now()
					select {
					case err := <-done:
						return time.Since(stopped), err
					case <-time.After(10 * cancelcheck.Bound):
						t.Fatalf("n = %d: Attend still running %v after the cancellation", n, 10*cancelcheck.Bound)
					}
					return 0, nil
				})
				return
			}
			t.Logf("%s finished every size up to 2^17 within %v: nothing to cancel", name, cancelcheck.After)
		})
	}
}

// outlasts reports whether Attend on q, k, v is still running twice
// cancelcheck.After after it starts (it is then cancelled).
func outlasts(alg Algorithm, q, k, v *mat.Dense) bool {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() {
		alg.Attend(ctx, q, k, v)
		close(done)
	}()
	select {
	case <-done:
		return false
	case <-time.After(2 * cancelcheck.After):
		cancel()
		<-done
		return true
	}
}
