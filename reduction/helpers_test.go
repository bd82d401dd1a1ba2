package reduction

import (
	"context"
	"math"

	"github.com/hardnesslab/hardness/attention"
	"gonum.org/v1/gonum/mat"
)

// naiveAlgo is attention.Naive behind the Algorithm interface: the slow,
// obviously-correct reference the pipeline is tested with.
type naiveAlgo struct{}

func (naiveAlgo) Name() string { return "naive" }

func (naiveAlgo) Plan(q, k, v *mat.Dense) (*attention.Plan, error) {
	nq, nk, d, dv := attention.CheckShapes(q, k, v)
	return &attention.Plan{Algo: "naive", Flops: 2 * float64(nq*nk*(d+dv)), Bytes: int64(8 * nq * nk)}, nil
}

func (naiveAlgo) Attend(ctx context.Context, q, k, v *mat.Dense) (*attention.Output, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return attention.Naive(q, k, v), nil
}

// fakeAlgo returns T = f(exact T) and claims the error bound errBound: a
// stand-in for an approximate algorithm that is badly wrong.
type fakeAlgo struct {
	errBound float64
	f        func(i int, t float64) float64
}

func (fakeAlgo) Name() string { return "fake" }

func (a fakeAlgo) Plan(q, k, v *mat.Dense) (*attention.Plan, error) {
	return &attention.Plan{Algo: "fake", ErrBound: a.errBound}, nil
}

func (a fakeAlgo) Attend(ctx context.Context, q, k, v *mat.Dense) (*attention.Output, error) {
	out := attention.Naive(q, k, v)
	rows, _ := out.T.Dims()
	for i := range rows {
		out.T.Set(i, 0, a.f(i, out.T.At(i, 0)))
	}
	out.ErrBound = a.errBound
	return out, nil
}

var inf = math.Inf(1)
