package sat

import (
	"fmt"
	"strings"
)

// Lit is a literal in DIMACS convention: +x is variable x, -x its negation.
// Zero is not a literal.
type Lit int

// Var returns the variable of l.
func (l Lit) Var() int {
	if l < 0 {
		return int(-l)
	}
	return int(l)
}

// Neg reports whether l is a negated variable.
func (l Lit) Neg() bool { return l < 0 }

// Clause is a disjunction of literals. The empty clause is false.
type Clause []Lit

// Formula is a CNF formula over variables 1..Vars.
type Formula struct {
	Vars    int
	Clauses []Clause
}

// NumLits returns the total number of literal occurrences in f.
func (f *Formula) NumLits() int {
	n := 0
	for _, c := range f.Clauses {
		n += len(c)
	}
	return n
}

// String returns f in a compact human-readable form, e.g. "(x1 ∨ ¬x2) ∧ (x3)".
func (f *Formula) String() string {
	var b strings.Builder
	for i, c := range f.Clauses {
		if i > 0 {
			b.WriteString(" ∧ ")
		}
		b.WriteString(c.String())
	}
	return b.String()
}

// String returns c as "(x1 ∨ ¬x2)"; the empty clause is "()".
func (c Clause) String() string {
	var b strings.Builder
	b.WriteByte('(')
	for i, l := range c {
		if i > 0 {
			b.WriteString(" ∨ ")
		}
		if l.Neg() {
			b.WriteString("¬")
		}
		fmt.Fprintf(&b, "x%d", l.Var())
	}
	b.WriteByte(')')
	return b.String()
}

// Assignment gives a truth value to variables 1..len(a)-1; index 0 is unused.
type Assignment []bool

// NewAssignment returns an all-false assignment of v variables.
func NewAssignment(v int) Assignment { return make(Assignment, v+1) }

// Vars returns the number of variables a assigns.
func (a Assignment) Vars() int {
	if len(a) == 0 {
		return 0
	}
	return len(a) - 1
}

// Sat reports whether a makes l true. It panics if l's variable is unassigned.
func (a Assignment) Sat(l Lit) bool { return a[l.Var()] != l.Neg() }

// Satisfies reports whether a satisfies c.
func (a Assignment) Satisfies(c Clause) bool {
	for _, l := range c {
		if a.Sat(l) {
			return true
		}
	}
	return false
}

// Falsified returns the number of clauses of f that a falsifies.
// Cost O(total literals).
func (a Assignment) Falsified(f *Formula) int {
	n := 0
	for _, c := range f.Clauses {
		if !a.Satisfies(c) {
			n++
		}
	}
	return n
}

// Lits returns a as DIMACS literals 1..v, positive for true.
func (a Assignment) Lits() []Lit {
	ls := make([]Lit, 0, a.Vars())
	for v := 1; v < len(a); v++ {
		if a[v] {
			ls = append(ls, Lit(v))
		} else {
			ls = append(ls, Lit(-v))
		}
	}
	return ls
}

// FalsifiedError reports the first clause an assignment falsifies.
type FalsifiedError struct {
	Index  int    // 0-based clause index
	Clause Clause // the clause
}

func (e *FalsifiedError) Error() string {
	return fmt.Sprintf("sat: clause %d %s is falsified", e.Index+1, e.Clause)
}

// Verify checks that a satisfies f. It returns a *FalsifiedError naming the
// first falsified clause, or an error if a does not cover f's variables.
func Verify(f *Formula, a Assignment) error {
	if a.Vars() < f.Vars {
		return fmt.Errorf("sat: assignment has %d variables, formula has %d", a.Vars(), f.Vars)
	}
	for i, c := range f.Clauses {
		if !a.Satisfies(c) {
			return &FalsifiedError{Index: i, Clause: c}
		}
	}
	return nil
}
