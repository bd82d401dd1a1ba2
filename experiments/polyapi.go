package experiments

import "github.com/hardnesslab/hardness/attention"

// The predicted transition uses the polynomial method's own functions, so
// the prediction is exactly what the solver would choose.

// polyDegree returns the least degree whose certified relative error on
// [−R, R] is ≤ eps, and that error; when no degree reaches eps in float64
// it returns the best degree and an error > eps (attention.PolyDegree).
func polyDegree(R, eps float64) (int, float64) { return attention.PolyDegree(R, eps) }

// polyRank returns r = C(d+g, g) as a float64 (attention.Rank).
func polyRank(d, g int) float64 { return attention.Rank(d, g) }

// polyCertErr returns the certified relative error on [−R, R] of the
// degree-g polynomial the solver uses (attention.PolyCertifiedError).
func polyCertErr(R float64, g int) float64 { return attention.PolyCertifiedError(R, g) }
