package reduction

import (
	"context"
	"fmt"
)

// measureGap runs the quadratic pass that finds the instance's true gap:
// the minimum nonzero ⟨a_i, b_j⟩ over all pairs, divided by m. If every pair
// is orthogonal any δ is valid and δ = 1 is used. Cost O(N·M·m/64).
func (r *Report) measureGap(ctx context.Context, x instanceDots, opt Options) (float64, error) {
	var minDot = -1
	err := r.stage(StageGap, opt, func() error {
		for i := range x.N() {
			if err := ctx.Err(); err != nil {
				return err
			}
			for j := range x.M() {
				if d := x.Dot(i, j); d > 0 && (minDot < 0 || d < minDot) {
					minDot = d
				}
			}
		}
		return nil
	})
	if err != nil {
		r.Verdict, r.Reason = Unknown, fmt.Sprintf("gap measurement did not finish: %v", err)
		return 0, err
	}
	m := max(x.Dim(), 1)
	r.Gap = GapInfo{Source: "measured", MinDot: minDot, Pairs: int64(x.N()) * int64(x.M()), Delta: 1}
	if minDot > 0 {
		r.Gap.Delta = float64(minDot) / float64(m)
	}
	return r.Gap.Delta, nil
}

type instanceDots interface {
	N() int
	M() int
	Dim() int
	Dot(i, j int) int
}
