package reduction

import (
	"context"
	"math/bits"

	"github.com/hardnesslab/hardness/ovp"
	"gonum.org/v1/gonum/mat"
)

// Instance is an attention instance built by a reduction: Q is N×d, K is
// 2M×d (M real keys, then M reference keys), V is 2M×1 (1 on real keys, 0
// on reference keys), with the constants of the construction.
type Instance struct {
	Q, K, V *mat.Dense
	Params
}

// FromOV builds Q, K, V from the OV instance x and the gap δ (docs/design.md §2.2):
// q_i = β·a_i, k_j = −β·b_j and M zero reference keys, β² = ln(4(M+1))/δ.
// If x is δ-gapped (every pair orthogonal or ⟨a,b⟩ ≥ δ·m), row i of
// Att(Q,K,V) exceeds Params.Threshold iff a_i has an orthogonal partner.
// δ = 1/m holds for every instance. A dimension-0 instance gets one zero
// column, which changes no inner product. It returns an error if δ is not
// in (0, 1] or a side is empty. Time and memory O((N+M)·m).
func FromOV(x *ovp.Instance, delta float64) (*Instance, error) {
	p, err := OVParams(x.N(), x.M(), max(x.Dim(), 1), delta)
	if err != nil {
		return nil, err
	}
	return buildAll(OVProblem(x), p)
}

// FromGapANN builds Q, K, V from the Hamming Gap-ANN instance x with
// distance threshold t and gap ε (docs/design.md §2.3, with the scaled reference
// keys of the package documentation): q_i = s√d·(a_i, 1−a_i), real keys
// s√d·(b_j, 1−b_j), M reference keys s√d·(1 − t/d0)·𝟏, d = 2·d0,
// s² = ln(4(M+1))/(far − t) with far = [Far](t, ε). If every pair has
// distance ≤ t or ≥ far, row i of the output exceeds Params.Threshold iff
// a_i has a partner within distance t. It returns an error if t ∉ [0, d0],
// ε ≤ 0 or a side is empty. Time and memory O((N+M)·d0).
func FromGapANN(x *ovp.Instance, t int, eps float64) (*Instance, error) {
	pr, err := ANNProblem(x, t, eps)
	if err != nil {
		return nil, err
	}
	p, err := ANNParams(x.N(), x.M(), x.Dim(), t, eps)
	if err != nil {
		return nil, err
	}
	return buildAll(pr, p)
}

// buildAll builds every row of Q, K and V of an in-memory problem.
func buildAll(pr Problem, p Params) (*Instance, error) {
	ctx := context.Background()
	q, err := pr.queries(ctx, p, 0, p.N)
	if err != nil {
		return nil, err
	}
	k, v, err := pr.keys(ctx, p, 0, p.Keys)
	if err != nil {
		return nil, err
	}
	return &Instance{Q: q, K: k, V: v, Params: p}, nil
}

// inTiles returns the (hi−lo)×d matrix of rows lo … hi−1, filled by fill
// scanTile rows at a time (dst is the tile's slice of the result, i0, i1
// its rows), checking ctx between tiles so that building a large side
// stops within milliseconds of a cancellation.
func inTiles(ctx context.Context, lo, hi, d int, fill func(dst *mat.Dense, i0, i1 int) error) (*mat.Dense, error) {
	out := mat.NewDense(hi-lo, d, nil)
	for i0 := lo; i0 < hi; i0 += scanTile {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		i1 := min(i0+scanTile, hi)
		if err := fill(out.Slice(i0-lo, i1-lo, 0, d).(*mat.Dense), i0, i1); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// scaledBits returns the n×d matrix whose row i is scale·(packed vector i
// of rows, words words each), zero-padded to d columns.
func scaledBits(rows []uint64, words, n, d int, scale float64) *mat.Dense {
	out := mat.NewDense(n, d, nil)
	fillBits(out, rows, words, n, scale)
	return out
}

// packedRows returns a rows×d matrix whose first Len(s) rows are
// scale·(vector i of side s), zero-padded to d columns; the rest are zero.
func packedRows(x *ovp.Instance, s ovp.Side, d int, scale float64, rows int) *mat.Dense {
	out := mat.NewDense(rows, d, nil)
	fillBits(out, x.Data(s), x.Words(), x.Len(s), scale)
	return out
}

// fillBits sets row i < n of out to scale at the set bits of packed
// vector i of rows (the other entries are left as they are).
func fillBits(out *mat.Dense, rows []uint64, words, n int, scale float64) {
	for i := range n {
		row := out.RawRowView(i)
		for w, word := range rows[i*words : (i+1)*words] {
			for word != 0 {
				b := bits.TrailingZeros64(word)
				row[64*w+b] = scale
				word &= word - 1
			}
		}
	}
}

// equalisedRows returns the (hi−lo)×2d0 matrix whose rows are c·(v, 1−v)
// for the vectors lo … hi−1 of side s.
func equalisedRows(x *ovp.Instance, s ovp.Side, c float64, lo, hi int) *mat.Dense {
	d0 := x.Dim()
	out := mat.NewDense(hi-lo, 2*d0, nil)
	for i := lo; i < hi; i++ {
		row := out.RawRowView(i - lo)
		for k := range d0 {
			if x.Bit(s, i, k) {
				row[k] = c
			} else {
				row[d0+k] = c
			}
		}
	}
	return out
}

// fillReferenceValues sets v to rows [lo, lo + rows of v) of V: 1 on the
// M real keys, 0 on the reference keys.
func fillReferenceValues(v *mat.Dense, m, lo int) {
	n, _ := v.Dims()
	for j := range n {
		x := 0.0
		if lo+j < m {
			x = 1
		}
		v.Set(j, 0, x)
	}
}
