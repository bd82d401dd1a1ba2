package reduction

import (
	"context"
	"fmt"

	"github.com/hardnesslab/hardness/ovp"
)

// Violation is a pair that proves a promised OV gap false:
// 0 < ⟨a_Row, b_Partner⟩ = Dot < δ·m = Need.
type Violation struct {
	Delta   float64 `json:"delta"`
	Row     int     `json:"row"`
	Partner int     `json:"partner"`
	Dot     int     `json:"dot"`
	Need    float64 `json:"need"` // δ·m
}

// String renders the proof, e.g. "promised δ = 0.3 is false: row 5 has
// ⟨a_5, b_9⟩ = 1 < δ·m = 21.6 (j = 9)".
func (v Violation) String() string {
	return fmt.Sprintf("promised δ = %.4g is false: row %d has ⟨a_%d, b_%d⟩ = %d < δ·m = %.4g (j = %d)",
		v.Delta, v.Row, v.Row, v.Partner, v.Dot, v.Need, v.Partner)
}

// LeastNonzeroDot returns the j with the least nonzero ⟨a_i, b_j⟩ and that
// inner product, or (−1, 0) if every b_j is orthogonal to a_i. Cost
// O(M·m/64).
func LeastNonzeroDot(x *ovp.Instance, i int) (j, dot int) {
	j = -1
	for k := range x.M() {
		if d := x.Dot(i, k); d > 0 && (j < 0 || d < dot) {
			j, dot = k, d
		}
	}
	return j, dot
}

// Disprove scans row i of x for a pair that breaks the promised gap δ:
// the least nonzero ⟨a_i, b_j⟩, if it is below δ·m (m = max(Dim, 1), as
// in [FromOV]). ok is false when row i keeps the promise. Cost O(M·m/64).
func Disprove(x *ovp.Instance, i int, delta float64) (v Violation, ok bool) {
	p, err := (&ovRoute{vec: instanceVectors{x}, x: x}).disprove(context.Background(), i, delta)
	if err != nil || p == nil {
		return Violation{}, false
	}
	return *p, true
}
