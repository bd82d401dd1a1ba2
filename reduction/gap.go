package reduction

import (
	"context"
	"fmt"

	"github.com/hardnesslab/hardness/ovp"
)

// measureGap runs the quadratic pass ovp.MinInnerProduct that finds the
// instance's true gap, the minimum nonzero ⟨a_i, b_j⟩ over all pairs divided
// by m. If no pair has a nonzero inner product any δ is valid and δ = 1 is
// used. Cost O(N·M·m/64).
func (r *Report) measureGap(ctx context.Context, x *ovp.Instance, opt Options) (float64, error) {
	var st *ovp.Stats
	err := r.stage(StageGap, opt, func() (err error) {
		st, err = ovp.MinInnerProduct(ctx, x, ovp.Options{Progress: opt.GapProgress})
		return err
	})
	if err != nil {
		r.Verdict, r.Reason = Unknown, fmt.Sprintf("gap measurement did not finish: %v", err)
		return 0, err
	}
	r.Gap = GapInfo{Source: "measured", MinDot: st.MinNonzero, Pairs: st.Pairs, Delta: 1}
	if st.MinNonzero > 0 {
		r.Gap.Delta = float64(st.MinNonzero) / float64(max(x.Dim(), 1))
	}
	return r.Gap.Delta, nil
}
