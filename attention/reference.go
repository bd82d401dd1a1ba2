package attention

import (
	"context"
	"fmt"

	"github.com/hardnesslab/hardness/internal/memlimit"
	"gonum.org/v1/gonum/mat"
)

func init() {
	Register(Info{Name: "naive", Exact: true}, func(o Options) (Algorithm, error) { return &naiveAlgo{opts: o}, nil })
}

// naiveAlgo is Naive behind the Algorithm interface, registered as "naive"
// for users who want the reference. It forms the n_q × n_k matrix, so Plan
// refuses it over Options.MaxMemory.
type naiveAlgo struct{ opts Options }

func (*naiveAlgo) Name() string { return "naive" }

// Plan returns 2·n_q·n_k·(d + d_v) flops, 8·n_q·(n_k + d_v + 2) bytes
// and the rounding bound RoundingBound64.
func (a *naiveAlgo) Plan(q, k, v *mat.Dense) (*Plan, error) {
	nq, nk, d, dv, err := Shapes(q, k, v)
	if err != nil {
		return nil, err
	}
	p := &Plan{
		Algo:     "naive",
		Flops:    2 * float64(nq) * float64(nk) * float64(d+dv),
		Bytes:    8 * int64(nq) * int64(nk+dv+2),
		Notes:    []string{"forms the full n_q × n_k matrix A"},
		Rounding: roundingBound(q, k, v),
	}
	what := fmt.Sprintf("naive attention's %d × %d matrix", nq, nk)
	if err := memlimit.Check(what, p.Bytes, a.opts.MaxMemory, "use --algo exact (streaming, O(n·d) memory)"); err != nil {
		return nil, err
	}
	return p, nil
}

// Attend runs Naive after Plan's checks, on blocks of naiveBlock query
// rows (rows are independent), checking ctx between blocks.
func (a *naiveAlgo) Attend(ctx context.Context, q, k, v *mat.Dense) (*Output, error) {
	if _, err := a.Plan(q, k, v); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	_, _, d, _ := CheckShapes(q, k, v)
	if b := maxAbs(q) * maxAbs(k) * float64(d); !(b < 1e300) {
		return nil, fmt.Errorf("naive: logits of up to max|Q|·max|K|·d = %g could overflow float64; refusing", b)
	}
	out, err := naiveBlocks(ctx, q, k, v, a.opts.Progress)
	if err != nil {
		return nil, err
	}
	if err := outputFinite("naive", out.T, "values near the float64 limit"); err != nil {
		return nil, err
	}
	return out, nil
}

// Options returns the options the algorithm was configured with.
func (a *naiveAlgo) Options() Options { return a.opts }

// MergesKeys reports true: outputs over disjoint key blocks merge exactly
// by [Output.MergeKeys].
func (*naiveAlgo) MergesKeys() bool { return true }

// naiveBlock is the number of query rows Naive runs on between checks of
// the context: 256·n_k logits, well under 100 ms for any n_k that fits.
const naiveBlock = 256

// naiveBlocks is Naive over blocks of query rows, checking ctx between them.
func naiveBlocks(ctx context.Context, q, k, v *mat.Dense, progress func(float64)) (*Output, error) {
	nq, _, _, dv := CheckShapes(q, k, v)
	if nq <= naiveBlock {
		out := Naive(q, k, v)
		if progress != nil {
			progress(1)
		}
		return out, nil
	}
	out := &Output{T: mat.NewDense(nq, dv, nil), LogNorm: make([]float64, nq), MaxLogit: make([]float64, nq), Sum: make([]float64, nq)}
	_, d := q.Dims()
	for i0 := 0; i0 < nq; i0 += naiveBlock {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		i1 := min(i0+naiveBlock, nq)
		b := Naive(q.Slice(i0, i1, 0, d).(*mat.Dense), k, v)
		out.T.Slice(i0, i1, 0, dv).(*mat.Dense).Copy(b.T)
		copy(out.LogNorm[i0:i1], b.LogNorm)
		copy(out.MaxLogit[i0:i1], b.MaxLogit)
		copy(out.Sum[i0:i1], b.Sum)
		if progress != nil {
			progress(float64(i1) / float64(nq))
		}
	}
	return out, nil
}
