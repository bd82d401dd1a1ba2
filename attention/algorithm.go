package attention

import (
	"context"

	"gonum.org/v1/gonum/mat"
)

// Algorithm computes or approximates Att(Q, K, V). Exact, polynomial and
// Performer attention all implement it, so the reduction and the
// experiments can swap them.
type Algorithm interface {
	// Name is a short identifier: "exact", "poly", "performer".
	Name() string
	// Plan predicts, before any heavy work, the cost, the memory and the
	// certified error of Attend on these inputs. It returns an error when
	// the shapes disagree or the run would exceed the memory limit.
	Plan(q, k, v *mat.Dense) (*Plan, error)
	// Attend computes T ≈ Att(Q, K, V). It honours ctx's cancellation.
	Attend(ctx context.Context, q, k, v *mat.Dense) (*Output, error)
}

// Plan is what an algorithm promises before it runs.
type Plan struct {
	Algo  string
	Flops float64 // predicted floating-point operations
	Bytes int64   // predicted peak working memory, bytes, beyond the inputs
	// ErrBound is a certified bound on max_ij |T_ij − Att_ij|: 0 for exact
	// algorithms (up to float64 rounding), +Inf when none is known.
	ErrBound float64
	// Rounding, for an exact algorithm, is a proved bound on its float64
	// rounding error max_ij |T̂_ij − Att_ij| ([RoundingBound64] for exact,
	// naive and bitpacked), +Inf when none is derived. Approximations
	// count rounding in ErrBound and leave it 0.
	Rounding float64
	// Notes are human-readable facts and warnings ("degree 6, rank 3003",
	// "rank ≥ n: exact is cheaper").
	Notes []string
}

// Output is the result of Attend.
type Output struct {
	T *mat.Dense // n_q × d_v
	// LogNorm[i] = log Σ_j exp(x_ij), MaxLogit[i] = max_j x_ij and
	// Sum[i] = Σ_j exp(x_ij − MaxLogit[i]); set by exact algorithms, nil
	// otherwise. (MaxLogit, Sum, T) is the state [Output.MergeKeys] merges.
	LogNorm  []float64
	MaxLogit []float64
	Sum      []float64
	// ErrBound as in Plan, for the run that happened.
	ErrBound float64
}
