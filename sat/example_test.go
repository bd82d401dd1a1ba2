package sat_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/hardnesslab/hardness/sat"
)

// A SATLIB-style file: indented header spacing, a comment between clauses,
// and the "%" end marker followed by a "0" that is not a clause.
func ExampleReadDIMACS() {
	const text = `c a small formula
p cnf 3  4
 1 -2 0
c comments may appear anywhere
2 3 0 -1 0
-3 -2 0
%
0
`
	f, err := sat.ReadDIMACS(strings.NewReader(text), "small.cnf")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Vars, "variables:", f)
	res, err := sat.Solve(context.Background(), f)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Status, res.Model.Lits()) // the only model
	// Output:
	// 3 variables: (x1 ∨ ¬x2) ∧ (x2 ∨ x3) ∧ (¬x1) ∧ (¬x3 ∨ ¬x2)
	// SAT [-1 -2 3]
}

// Malformed input is reported with file, line and column.
func ExampleParseError() {
	_, err := sat.ReadDIMACS(strings.NewReader("p cnf 3 1\n1 -4 0\n"), "bad.cnf")
	fmt.Println(err)
	// Output:
	// bad.cnf:2:3: literal -4 names variable 4, but the header declares 3 variables
}

func ExampleWriteDIMACS() {
	f := &sat.Formula{Vars: 3, Clauses: []sat.Clause{{1, -2}, {2, 3}, {}}}
	if err := sat.WriteDIMACS(os.Stdout, f, "written by ExampleWriteDIMACS"); err != nil {
		fmt.Println(err)
	}
	// Output:
	// c written by ExampleWriteDIMACS
	// p cnf 3 3
	// 1 -2 0
	// 2 3 0
	// 0
}

func ExamplePlanted() {
	f, a, err := sat.Planted(sat.GenOptions{Vars: 6, Clauses: 4, K: 3, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(f.Clauses), "clauses, planted assignment satisfies them:", sat.Verify(f, a) == nil)
	// Output:
	// 4 clauses, planted assignment satisfies them: true
}

func ExampleVerify() {
	f := &sat.Formula{Vars: 2, Clauses: []sat.Clause{{1, 2}, {-1}, {-2}}}
	a := sat.NewAssignment(2)
	fmt.Println(sat.Verify(f, a))
	// Output:
	// sat: clause 1 (x1 ∨ x2) is falsified
}
