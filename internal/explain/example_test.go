package explain_test

import (
	"os"

	"github.com/hardnesslab/hardness/internal/explain"
)

// ExampleDoc_Render builds a small document and writes it as plain text
// without colour; marked cells get a trailing '*'.
func ExampleDoc_Render() {
	d := &explain.Doc{}
	d.Heading(2, "Inner products")
	d.Para("Orthogonal pairs are " + explain.Marked + ".")
	d.Table(explain.Matrix("⟨a,b⟩", []string{"a0", "a1"}, []string{"b0", "b1"},
		func(i, j int) float64 { return float64(i + j) }, 0,
		func(i, j int) explain.Mark {
			if i+j == 0 {
				return explain.Good
			}
			return explain.None
		}))
	if err := d.Render(os.Stdout, explain.Text, false); err != nil {
		panic(err)
	}
	// Output:
	// Inner products
	// --------------
	//
	// Orthogonal pairs are starred (*).
	//
	// ⟨a,b⟩  b0   b1
	// a0      0*   1
	// a1      1    2
}
