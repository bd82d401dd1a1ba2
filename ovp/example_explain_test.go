package ovp_test

import (
	"fmt"

	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/sat"
)

// Example_splitAndList lists the two halves of (x1 ∨ x2) ∧ (¬x1 ∨ ¬x2) as
// vectors, one coordinate per clause, and decodes the orthogonal pairs: the
// satisfying assignments.
func Example_splitAndList() {
	f := &sat.Formula{Vars: 2, Clauses: []sat.Clause{{1, 2}, {-1, -2}}}
	x, err := ovp.FromCNF(f, ovp.CNFOptions{})
	if err != nil {
		panic(err)
	}
	for i := range x.N() {
		fmt.Printf("a%d = %s (x1 = %v)\n", i, x.RowString(ovp.A, i), x.Assignment(i, 0)[1])
	}
	for j := range x.M() {
		fmt.Printf("b%d = %s (x2 = %v)\n", j, x.RowString(ovp.B, j), x.Assignment(0, j)[2])
	}
	for i := range x.N() {
		for j := range x.M() {
			if x.Dot(i, j) == 0 {
				fmt.Printf("a%d ⊥ b%d: %v satisfies f: %v\n", i, j, x.Assignment(i, j).Lits(), sat.Verify(f, x.Assignment(i, j)) == nil)
			}
		}
	}
	// Output:
	// a0 = 10 (x1 = false)
	// a1 = 01 (x1 = true)
	// b0 = 10 (x2 = false)
	// b1 = 01 (x2 = true)
	// a0 ⊥ b1: [-1 2] satisfies f: true
	// a1 ⊥ b0: [1 -2] satisfies f: true
}
