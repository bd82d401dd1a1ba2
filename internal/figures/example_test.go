package figures_test

import (
	"context"
	"fmt"

	"github.com/hardnesslab/hardness/internal/explain"
	"github.com/hardnesslab/hardness/internal/figures"
)

// ExampleLesson draws the figures of the built-in lesson; Save would write
// each as NAME.png and NAME.svg.
func ExampleLesson() {
	l, err := explain.New(context.Background(), explain.Example(false), "the built-in example")
	if err != nil {
		panic(err)
	}
	figs, err := figures.Lesson(l)
	if err != nil {
		panic(err)
	}
	for _, f := range figs {
		fmt.Printf("%s: %s\n", f.Name, f.Title)
	}
	// Output:
	// ov: The OV vectors
	// logits: The logits
	// t: T against the threshold
	// poly: The polynomial of step 9
}
