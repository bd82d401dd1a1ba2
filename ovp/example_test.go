package ovp_test

import (
	"context"
	"fmt"

	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/sat"
)

// The formula (x1 ∨ x2) ∧ (¬x1 ∨ x3) ∧ (¬x3) as an OV instance: a
// satisfying assignment is an orthogonal pair, and the minimum inner
// product is the least number of falsified clauses.
func Example() {
	f := &sat.Formula{Vars: 3, Clauses: []sat.Clause{{1, 2}, {-1, 3}, {-3}}}
	c, err := ovp.FromCNF(f, ovp.CNFOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("N = %d, M = %d, m = %d\n", c.N(), c.M(), c.Dim())
	for i := 0; i < c.N(); i++ {
		fmt.Printf("a_%d = %s\n", i, c.RowString(ovp.A, i))
	}
	for j := 0; j < c.M(); j++ {
		fmt.Printf("b_%d = %s\n", j, c.RowString(ovp.B, j))
	}
	r, _ := ovp.FindOrthogonal(context.Background(), c.Instance, ovp.Options{})
	a := c.Assignment(r.Pair.I, r.Pair.J)
	fmt.Printf("orthogonal pair (%d, %d): assignment %v, verify: %v\n", r.Pair.I, r.Pair.J, a.Lits(), sat.Verify(f, a))
	s, _ := ovp.MinInnerProduct(context.Background(), c.Instance, ovp.Options{})
	fmt.Printf("histogram of falsified clauses: %v\n", s.Hist)
	// Output:
	// N = 2, M = 4, m = 3
	// a_0 = 101
	// a_1 = 011
	// b_0 = 110
	// b_1 = 010
	// b_2 = 101
	// b_3 = 001
	// orthogonal pair (0, 1): assignment [-1 2 -3], verify: <nil>
	// histogram of falsified clauses: [1 6 1 0]
}

// A planted Gap-OV instance: one orthogonal pair, every other pair with
// inner product at least ⌈0.2·64⌉ = 13.
func ExamplePlantGap() {
	p, err := ovp.PlantGap(context.Background(), ovp.GapOptions{N: 100, M: 100, Dim: 64, Gap: 0.2, Yes: true, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, _ := ovp.FindOrthogonal(context.Background(), p.Instance, ovp.Options{})
	fmt.Println("found the planted pair:", r.Found && r.Pair == p.Pair)
	fmt.Println("orthogonal pairs:", p.Stats.Zero())
	fmt.Println("realised gap ≥ 0.2:", p.Gap() >= 0.2)
	// Output:
	// found the planted pair: true
	// orthogonal pairs: 1
	// realised gap ≥ 0.2: true
}
