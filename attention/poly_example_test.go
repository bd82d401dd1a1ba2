package attention_test

import (
	"context"
	"fmt"
	"math"

	"github.com/hardnesslab/hardness/attention"
	"gonum.org/v1/gonum/mat"
)

// The polynomial method on a small instance: it picks the least degree whose
// certified relative error is ≤ ε, and its output is within the certified
// additive bound of exact attention.
func ExampleNewPoly() {
	n, d := 200, 4
	q, k, v := mat.NewDense(n, d, nil), mat.NewDense(n, d, nil), mat.NewDense(n, 1, nil)
	for i := range n {
		for j := range d {
			q.Set(i, j, math.Sin(float64(7*i+j)))
			k.Set(i, j, math.Cos(float64(3*i+5*j)))
		}
		v.Set(i, 0, math.Sin(float64(i)))
	}
	p, err := attention.NewPoly(attention.Options{Eps: 1e-6})
	if err != nil {
		panic(err)
	}
	info, err := p.Analyze(q, k, v)
	if err != nil {
		panic(err)
	}
	out, err := p.Attend(context.Background(), q, k, v)
	if err != nil {
		panic(err)
	}
	exact := attention.Naive(q, k, v).T
	worst := 0.0
	for i := range n {
		worst = math.Max(worst, math.Abs(out.T.At(i, 0)-exact.At(i, 0)))
	}
	fmt.Printf("R = %.2f, degree %d, rank %g\n", info.R, info.Degree, info.Rank)
	fmt.Printf("certified relative error on exp ≤ 1e-6: %v\n", info.CertRelErr <= 1e-6)
	fmt.Printf("max error %.0e within the certified bound %.0e: %v\n", worst, out.ErrBound, worst <= out.ErrBound)
	// Output:
	// R = 0.62, degree 6, rank 210
	// certified relative error on exp ≤ 1e-6: true
	// max error 1e-09 within the certified bound 3e-07: true
}

// The Performer baseline has no certificate: its ErrBound is +Inf.
func ExampleNewPerformer() {
	p, err := attention.New("performer", attention.Options{Features: 64, Seed: 1})
	if err != nil {
		panic(err)
	}
	q := mat.NewDense(2, 2, []float64{0.1, 0.2, -0.3, 0.4})
	v := mat.NewDense(2, 1, []float64{1, 1})
	out, err := p.Attend(context.Background(), q, q, v)
	if err != nil {
		panic(err)
	}
	// With V constant, any normalised attention returns that constant.
	fmt.Printf("%.6f %.6f, bound %v\n", out.T.At(0, 0), out.T.At(1, 0), out.ErrBound)
	// Output:
	// 1.000000 1.000000, bound +Inf
}
