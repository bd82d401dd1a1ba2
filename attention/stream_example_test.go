package attention_test

import (
	"context"
	"fmt"
	"math"

	"github.com/hardnesslab/hardness/attention"
	"gonum.org/v1/gonum/mat"
)

// Example computes exact attention with the streaming engine: one query,
// d = 1, keys 0 and ln 2, so the weights are 1 and 2.
func Example() {
	q := mat.NewDense(1, 1, []float64{1})
	k := mat.NewDense(2, 1, []float64{0, math.Ln2})
	v := mat.NewDense(2, 2, []float64{3, 0, 6, 1})
	alg, err := attention.New("exact", attention.Options{})
	if err != nil {
		panic(err)
	}
	out, err := alg.Attend(context.Background(), q, k, v)
	if err != nil {
		panic(err)
	}
	fmt.Printf("T = %.6f\n", mat.Row(nil, 0, out.T))
	fmt.Printf("log Σ exp = %.6f (ln 3), max logit = %.6f (ln 2)\n", out.LogNorm[0], out.MaxLogit[0])
	// Output:
	// T = [5.000000 0.666667]
	// log Σ exp = 1.098612 (ln 3), max logit = 0.693147 (ln 2)
}

// ExampleExp shows the fast exponential at the edges of its range.
func ExampleExp() {
	fmt.Println(attention.Exp(1) == math.E, attention.Exp(-745.2), attention.Exp(709.79), attention.Exp(-745.13) > 0)
	// Output: true 0 +Inf true
}
