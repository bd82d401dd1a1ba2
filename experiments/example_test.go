package experiments_test

import (
	"fmt"

	"github.com/hardnesslab/hardness/experiments"
)

// A quadratic and a linear cost curve: the fits recover the exponents and
// the size at which the linear method starts to win.
func ExampleFitLogLog() {
	n := []float64{1024, 2048, 4096, 8192}
	exact := []float64{0.01, 0.04, 0.16, 0.64} // ∝ n²
	fast := []float64{0.1, 0.2, 0.4, 0.8}      // ∝ n
	fe, _ := experiments.FitLogLog(n, exact)
	ff, _ := experiments.FitLogLog(n, fast)
	x, _ := experiments.Crossover(fe, ff)
	fmt.Printf("exact ∝ n^%.2f, fast ∝ n^%.2f, equal at n ≈ %.0f\n", fe.Slope, ff.Slope, x)
	// Output: exact ∝ n^2.00, fast ∝ n^1.00, equal at n ≈ 10240
}

// Crossing finds where a sampled curve reaches a level, here where a cost
// exponent passes 2.
func ExampleCrossing() {
	c := []float64{0.1, 0.2, 0.3}
	exponent := []float64{1.8, 1.9, 2.2}
	at, ok := experiments.Crossing(c, exponent, 2, false)
	fmt.Printf("%.3f %v\n", at, ok)
	// Output: 0.233 true
}
