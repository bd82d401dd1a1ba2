package reduction_test

import (
	"context"
	"fmt"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/reduction"
	"github.com/hardnesslab/hardness/sat"
	"gonum.org/v1/gonum/mat"
)

// ExampleFromOV builds the attention instance of a tiny OV instance, runs
// the reference attention and reads the verdict from T alone.
func ExampleFromOV() {
	x := ovp.New(2, 2, 3)
	x.SetVector(ovp.A, 0, []uint8{1, 1, 0})
	x.SetVector(ovp.A, 1, []uint8{0, 1, 1})
	x.SetVector(ovp.B, 0, []uint8{0, 1, 0})
	x.SetVector(ovp.B, 1, []uint8{1, 0, 0}) // orthogonal to a_1
	in, err := reduction.FromOV(x, 1.0/3)
	if err != nil {
		panic(err)
	}
	t := attention.Naive(in.Q, in.K, in.V).T
	dec := reduction.Decide(t, in.Params)
	fmt.Printf("β² = 3·ln 12 = %.4f, B/√ln n = %.3f\n", in.Scale*in.Scale, in.BOverSqrtLnN)
	fmt.Printf("τ = %.4f, T = [%.4f %.4f]\n", in.Threshold, t.At(0, 0), t.At(1, 0))
	fmt.Printf("%v: row %d, partner b_%d\n", dec.Verdict, dec.Row, reduction.Partner(x, dec.Row))
	// By hand: M = 2, n = max(2, 4) = 4, β²δ = ln 12. Row 0 has inner
	// products 1, 1: S = 2/12, T = S/(S+2) = 1/13. Row 1 has 1, 0:
	// S = 13/12, T = 13/37. τ = 5/24.

	// Output:
	// β² = 3·ln 12 = 7.4547, B/√ln n = 2.319
	// τ = 0.2083, T = [0.0769 0.3514]
	// SAT: row 1, partner b_1
}

// naive is attention.Naive behind the attention.Algorithm interface.
type naive struct{}

func (naive) Name() string { return "naive" }
func (naive) Plan(q, k, v *mat.Dense) (*attention.Plan, error) {
	return &attention.Plan{Algo: "naive"}, nil
}
func (naive) Attend(_ context.Context, q, k, v *mat.Dense) (*attention.Output, error) {
	return attention.Naive(q, k, v), nil
}

// ExampleRun decides a formula through attention and checks it with gini.
func ExampleRun() {
	f := &sat.Formula{Vars: 3, Clauses: []sat.Clause{{1, 2}, {-1, 3}, {-2, -3}, {-3}}}
	r, err := reduction.Run(context.Background(), f, reduction.Options{Algo: naive{}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("Q %d×%d, K %d×%d\n", r.Params.N, r.Params.D, r.Params.Keys, r.Params.D)
	fmt.Println(r.Verdict, r.Witness.Assignment, "gini:", r.Check.Verdict, "agree:", r.Agree)
	// Split h = ⌊3/2⌋ = 1: N = 2, M = 4, so K has 2M = 8 rows.

	// Output:
	// Q 2×4, K 8×4
	// SAT [-1 2 -3] gini: SAT agree: true
}
