package attention

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

var polyBenchSink *Output

// benchQKV returns Q, K, V of n rows, d = d_v = 8 columns, entries uniform
// in [−b, b] (V in [−1, 1]).
func benchQKV(n int, b float64, seed uint64) (q, k, v *mat.Dense) {
	rng := rand.New(rand.NewPCG(seed, seed))
	return uniformDense(rng, n, 8, b), uniformDense(rng, n, 8, b), uniformDense(rng, n, 8, 1)
}

func benchAttend(b *testing.B, a Algorithm, q, k, v *mat.Dense) *Output {
	b.Helper()
	var out *Output
	cpu := processCPUSeconds()
	defer func() { b.ReportMetric((processCPUSeconds()-cpu)/float64(b.N), "cpu-s/op") }()
	for b.Loop() {
		var err error
		out, err = a.Attend(context.Background(), q, k, v)
		if err != nil {
			b.Fatal(err)
		}
	}
	polyBenchSink = out
	return out
}

// BenchmarkPolyVsExact: n = 2^16, d = 8, entries uniform in [−1, 1],
// ε = 1e−6, against the streaming exact engine. Reports the max error of
// poly against exact, the certified bound, g and r. Run with
//
//	go test ./attention -run '^$' -bench PolyVsExact -benchtime 1x -count 3
func BenchmarkPolyVsExact(b *testing.B) {
	n := 1 << 16
	q, k, v := benchQKV(n, 1, 1)
	p, _ := NewPoly(Options{Eps: 1e-6})
	in, err := p.Analyze(q, k, v)
	if err != nil {
		b.Fatal(err)
	}
	var exact *Output
	b.Run("exact", func(b *testing.B) { exact = benchAttend(b, NewStream(Options{}), q, k, v) })
	b.Run("poly", func(b *testing.B) {
		out := benchAttend(b, p, q, k, v)
		if exact != nil {
			b.ReportMetric(maxAbsDiff(out.T, exact.T)*1e9, "maxerr(1e-9)")
		}
		b.ReportMetric(out.ErrBound*1e9, "bound(1e-9)")
		b.ReportMetric(float64(in.Degree), "g")
		b.ReportMetric(in.Rank, "r")
	})
}

// BenchmarkPolyScaling: time against n = 2^12 … 2^18 at d = 8, B = 1, with
// the degree chosen for ε = 1e−6 (it may step up with n, as R = max‖q‖·max‖k‖/d
// grows with the sample) and with the degree fixed at 6.
//
//	go test ./attention -run '^$' -bench PolyScaling -benchtime 1x -count 3
func BenchmarkPolyScaling(b *testing.B) {
	for _, mode := range []struct {
		name string
		o    Options
	}{{"eps=1e-6", Options{Eps: 1e-6}}, {"g=6", Options{Degree: 6}}} {
		for lg := 12; lg <= 18; lg++ {
			q, k, v := benchQKV(1<<lg, 1, uint64(lg))
			p, _ := NewPoly(mode.o)
			in, err := p.Analyze(q, k, v)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%s/n=2^%d", mode.name, lg), func(b *testing.B) {
				benchAttend(b, p, q, k, v)
				b.ReportMetric(float64(in.Degree), "g")
			})
		}
	}
}

// BenchmarkPerformerVsB: n = 1024, d = 8; for each B the polynomial method
// at ε = 1e−6 and Performer with the same number of features r (and with
// 256), max error against exact attention (Performer: the worst of 3 seeds;
// cpu-s/op per seed).
//
//	go test ./attention -run '^$' -bench PerformerVsB -benchtime 1x
func BenchmarkPerformerVsB(b *testing.B) {
	n := 1024
	for _, B := range []float64{0.25, 0.5, 1, 1.5, 2} {
		q, k, v := benchQKV(n, B, 7)
		exact := streamExactT(b, q, k, v)
		p, _ := NewPoly(Options{Eps: 1e-6})
		in, err := p.Analyze(q, k, v)
		if err != nil {
			b.Fatal(err)
		}
		r := int(in.Rank)
		b.Run(fmt.Sprintf("B=%g/poly", B), func(b *testing.B) {
			out := benchAttend(b, p, q, k, v)
			b.ReportMetric(maxAbsDiff(out.T, exact)*1e9, "maxerr(1e-9)")
			b.ReportMetric(float64(r), "r")
		})
		for _, m := range []int{r, 256} {
			b.Run(fmt.Sprintf("B=%g/performer-m=%d", B, m), func(b *testing.B) {
				worst := 0.0
				cpu := processCPUSeconds()
				for b.Loop() {
					for s := range uint64(3) {
						pf, _ := NewPerformer(Options{Features: m, Seed: s})
						out, err := pf.Attend(context.Background(), q, k, v)
						if err != nil {
							b.Fatal(err)
						}
						worst = math.Max(worst, maxAbsDiff(out.T, exact))
					}
				}
				b.ReportMetric((processCPUSeconds()-cpu)/float64(b.N)/3, "cpu-s/op")
				b.ReportMetric(worst*1e9, "maxerr(1e-9)")
			})
		}
	}
}

// streamExactT returns exact attention by the streaming engine.
func streamExactT(b *testing.B, q, k, v *mat.Dense) *mat.Dense {
	out, err := NewStream(Options{}).Attend(context.Background(), q, k, v)
	if err != nil {
		b.Fatal(err)
	}
	return out.T
}
