package reduction

import (
	"fmt"
	"math"
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
	d := max(x.Dim(), 1)
	p, err := OVParams(x.N(), x.M(), d, delta)
	if err != nil {
		return nil, err
	}
	in := &Instance{Params: p}
	in.Q = packedRows(x, ovp.A, d, p.Scale, x.N())
	in.K = packedRows(x, ovp.B, d, -p.Scale, p.Keys)
	in.V = referenceValues(p.M)
	return in, nil
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
	d0 := x.Dim()
	p, err := ANNParams(x.N(), x.M(), d0, t, eps)
	if err != nil {
		return nil, err
	}
	c := p.Scale * math.Sqrt(float64(p.D))
	in := &Instance{Params: p}
	in.Q = equalised(x, ovp.A, c, x.N())
	in.K = equalised(x, ovp.B, c, p.Keys)
	ref := c * (1 - float64(t)/float64(d0))
	for j := p.M; j < p.Keys; j++ {
		row := in.K.RawRowView(j)
		for k := range row {
			row[k] = ref
		}
	}
	in.V = referenceValues(p.M)
	return in, nil
}

// packedRows returns a rows×d matrix whose first Len(s) rows are
// scale·(vector i of side s), zero-padded to d columns; the rest are zero.
func packedRows(x *ovp.Instance, s ovp.Side, d int, scale float64, rows int) *mat.Dense {
	out := mat.NewDense(rows, d, nil)
	for i := range x.Len(s) {
		row := out.RawRowView(i)
		for w, word := range x.Row(s, i) {
			for word != 0 {
				b := bits.TrailingZeros64(word)
				row[64*w+b] = scale
				word &= word - 1
			}
		}
	}
	return out
}

// equalised returns a rows×2d0 matrix whose first Len(s) rows are
// c·(v, 1−v) for the vectors v of side s; the rest are zero.
func equalised(x *ovp.Instance, s ovp.Side, c float64, rows int) *mat.Dense {
	d0 := x.Dim()
	out := mat.NewDense(rows, 2*d0, nil)
	for i := range x.Len(s) {
		row := out.RawRowView(i)
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

// referenceValues returns V: 1 on the M real keys, 0 on the M reference keys.
func referenceValues(m int) *mat.Dense {
	v := mat.NewDense(2*m, 1, nil)
	for j := range m {
		v.Set(j, 0, 1)
	}
	return v
}

// check panics unless in's matrices have the shapes its Params promise.
func (in *Instance) check() {
	nq, d := in.Q.Dims()
	nk, dk := in.K.Dims()
	nv, dv := in.V.Dims()
	if nq != in.N || d != in.D || nk != in.Keys || dk != in.D || nv != in.Keys || dv != 1 {
		panic(fmt.Sprintf("reduction: instance shapes Q %d×%d, K %d×%d, V %d×%d disagree with its params", nq, d, nk, dk, nv, dv))
	}
}
