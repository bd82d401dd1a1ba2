package experiments

import "testing"

// TestPredictTransition checks the exported prediction is the
// experiment's own point, field by field.
func TestPredictTransition(t *testing.T) {
	for _, c := range []float64{0.2, 0.9} {
		got, want := PredictTransition(1<<14, c), predictPoint(1<<14, c)
		if got.N != want.n || got.D != want.d || got.Degree != want.degree || got.Rank != want.rank ||
			got.Exponent != want.exponent || got.Certified != want.certified || got.B != want.b {
			t.Errorf("PredictTransition(2^14, %g) = %+v; the experiment computes %+v", c, got, want)
		}
	}
}
