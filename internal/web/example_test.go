package web_test

import (
	"context"
	"fmt"

	"github.com/hardnesslab/hardness/internal/web"
)

// ExampleSlider computes one position of the explainer's slider: at
// c = 0.25 the polynomial method fits in r ≤ n; at c = 1.5 it needs far
// more and runs squeezed, with nothing certified.
func ExampleSlider() {
	for _, c := range []float64{0.25, 1.5} {
		p, err := web.Slider(context.Background(), 512, c, 1)
		if err != nil {
			panic(err)
		}
		fmt.Printf("c = %g: degree %d needed, squeezed %v\n", c, p.NeedDegree, p.Squeezed)
	}
	// Output:
	// c = 0.25: degree 2 needed, squeezed false
	// c = 1.5: degree 16 needed, squeezed true
}
