package reduction

import (
	"context"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/ovp"
)

// TestWriteTextRoutes renders a report of each route and checks the lines
// that name its instance, verdict and check.
func TestWriteTextRoutes(t *testing.T) {
	ann, err := ovp.PlantANN(context.Background(), ovp.ANNOptions{N: 16, M: 16, Dim: 48, T: 6, Eps: 1, Close: true, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	gap, err := ovp.PlantGap(context.Background(), ovp.GapOptions{N: 16, M: 16, Dim: 30, Density: 0.6, Gap: 0.2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	rANN, err := RunANN(context.Background(), ann.Instance, ann.T, ann.Eps, Options{Algo: exactAlgo(t)})
	if err != nil {
		t.Fatal(err)
	}
	rOV, err := RunOV(context.Background(), gap.Instance, Options{Algo: exactAlgo(t), MeasureGap: true})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		r    *Report
		want []string
	}{
		{"ann", rANN, []string{"Gap-ANN     N = 16, M = 16 vectors in {0,1}^48; t = 6", "YES: witness pair", "at distance 6 ≤ t", "check       brute force: YES", "agreement   yes"}},
		{"ov", rOV, []string{"OV          N = 16, M = 16 vectors in {0,1}^30", "measured", "no row above τ", "NO", "brute force (all pairs): NO", "agreement   yes", "Θ(√log n) for constant δ"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := tt.r.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("WriteText lacks %q:\n%s", w, b.String())
				}
			}
		})
	}
}
