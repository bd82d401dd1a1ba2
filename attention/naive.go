package attention

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Naive computes Att(Q, K, V) by the definition, with the usual max shift
// for stability: it forms the full n_q × n_k matrix A. It is the slow,
// obviously-correct reference that every fast routine is tested against.
// Cost O(n_q·n_k·(d + d_v)) time and O(n_q·n_k) memory.
//
// When n_k·max|V| could overflow, the weighted sums run on 2^−e·V and T is
// scaled back by 2^e (see finite.go); logits that overflow give NaN rows
// (naiveAlgo refuses such inputs first).
func Naive(q, k, v *mat.Dense) *Output {
	nq, nk, d, dv := CheckShapes(q, k, v)
	ev := 0
	if vmax := maxAbs(v); valueSumsOverflow(vmax, nk) {
		ev = valueExponent(vmax)
		v = scaledCopy(v, ev)
	}
	logits := mat.NewDense(nq, nk, nil)
	logits.Mul(q, k.T())
	logits.Scale(1/float64(d), logits)
	out := &Output{T: mat.NewDense(nq, dv, nil), LogNorm: make([]float64, nq), MaxLogit: make([]float64, nq), Sum: make([]float64, nq)}
	for i := range nq {
		row := logits.RawRowView(i)
		mx := math.Inf(-1)
		for _, x := range row {
			mx = math.Max(mx, x)
		}
		sum := 0.0
		for j, x := range row {
			row[j] = math.Exp(x - mx)
			sum += row[j]
		}
		for c := range dv {
			acc := 0.0
			for j := range nk {
				acc += row[j] * v.At(j, c)
			}
			out.T.Set(i, c, acc/sum)
		}
		out.MaxLogit[i] = mx
		out.Sum[i] = sum
		out.LogNorm[i] = mx + math.Log(sum)
	}
	scaleRows(out.T, ev)
	return out
}
