package expapprox_test

import (
	"fmt"
	"math"

	"github.com/hardnesslab/hardness/attention/expapprox"
)

// Choose the degree for relative error 1e−6 on [−2, 2], and check the
// certificate on a few points.
func ExampleSelect() {
	c, err := expapprox.Select(2, 8, expapprox.Target{Eps: 1e-6})
	if err != nil {
		panic(err)
	}
	fmt.Printf("degree %d, rank C(8+%d, %d) = %g, certified %v\n",
		c.Degree, c.Degree, c.Degree, c.Rank, c.CertErr <= 1e-6)
	worst := 0.0
	for x := -2.0; x <= 2; x += 0.01 {
		worst = math.Max(worst, math.Abs(c.Poly.Eval(x)-math.Exp(x))/math.Exp(x))
	}
	fmt.Printf("measured relative error %.1e ≤ certificate %.1e: %v\n", worst, c.CertErr, worst <= c.CertErr)
	// Output:
	// degree 9, rank C(8+9, 9) = 24310, certified true
	// measured relative error 5.1e-07 ≤ certificate 7.0e-07: true
}

// The certificate of the built polynomial (near-minimax, checked a
// posteriori) against the a-priori bound of the truncated Chebyshev series
// of the same degree, on [−1, 1].
func ExampleCertifiedError() {
	for _, g := range []int{4, 8, 12} {
		fmt.Printf("g = %2d: certified %.2e (a priori %.2e)\n", g, expapprox.CertifiedError(1, g), expapprox.APrioriError(1, g))
	}
	// Output:
	// g =  4: certified 5.67e-04 (a priori 1.61e-03)
	// g =  8: certified 1.41e-08 (a priori 3.16e-08)
	// g = 12: certified 5.90e-14 (a priori 1.15e-13)
}
