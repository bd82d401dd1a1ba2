package sat

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// GenOptions describes a random k-CNF formula.
type GenOptions struct {
	Vars    int    // number of variables v ≥ k
	Clauses int    // number of clauses m
	K       int    // literals per clause, distinct variables
	Seed    uint64 // seed of the PCG source
}

// ClausesForRatio returns round(ratio·v), the clause count for a clause
// density m/v. A count that is not a number or negative gives -1, one
// above MaxClauses gives MaxClauses+1, so that GenOptions refuses both
// instead of an overflowing conversion turning them into anything.
func ClausesForRatio(v int, ratio float64) int {
	m := math.Round(ratio * float64(v))
	switch {
	case !(m >= 0):
		return -1
	case m > MaxClauses:
		return MaxClauses + 1
	}
	return int(m)
}

func (o GenOptions) check() error {
	switch {
	case o.K < 1:
		return fmt.Errorf("sat: k = %d, want k ≥ 1", o.K)
	case o.Vars < o.K:
		return fmt.Errorf("sat: %d variables cannot fill clauses of %d distinct variables", o.Vars, o.K)
	case o.Clauses < 0 || o.Clauses > MaxClauses:
		return fmt.Errorf("sat: %d clauses, want 0 to %d", o.Clauses, MaxClauses)
	case o.Vars > MaxVars:
		return fmt.Errorf("sat: %d variables, want at most %d", o.Vars, MaxVars)
	}
	return nil
}

// Random returns a uniform random k-CNF formula: each clause has K distinct
// variables chosen uniformly, each negated with probability 1/2 (the model
// of the satisfiability threshold literature, e.g. m/v ≈ 4.26 for k = 3).
// Cost O(m·k²).
func Random(o GenOptions) (*Formula, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(o.Seed, o.Seed))
	f := &Formula{Vars: o.Vars, Clauses: make([]Clause, o.Clauses)}
	for i := range f.Clauses {
		f.Clauses[i] = randomClause(r, o.Vars, o.K)
	}
	return f, nil
}

// Planted returns a random k-CNF formula satisfied by a hidden assignment,
// and that assignment. The assignment is uniform; each clause is drawn
// uniformly among the k-clauses it satisfies (rejection sampling: a uniform
// clause is kept unless it is falsified, which happens with probability
// 2^-k). Cost O(m·k²) expected.
func Planted(o GenOptions) (*Formula, Assignment, error) {
	if err := o.check(); err != nil {
		return nil, nil, err
	}
	r := rand.New(rand.NewPCG(o.Seed, o.Seed))
	a := NewAssignment(o.Vars)
	for v := 1; v <= o.Vars; v++ {
		a[v] = r.IntN(2) == 1
	}
	f := &Formula{Vars: o.Vars, Clauses: make([]Clause, o.Clauses)}
	for i := range f.Clauses {
		c := randomClause(r, o.Vars, o.K)
		for !a.Satisfies(c) {
			c = randomClause(r, o.Vars, o.K)
		}
		f.Clauses[i] = c
	}
	return f, a, nil
}

// randomClause draws k distinct variables of 1..v with random signs.
func randomClause(r *rand.Rand, v, k int) Clause {
	c := make(Clause, 0, k)
	for len(c) < k {
		x := 1 + r.IntN(v)
		if containsVar(c, x) {
			continue
		}
		l := Lit(x)
		if r.IntN(2) == 1 {
			l = -l
		}
		c = append(c, l)
	}
	return c
}

func containsVar(c Clause, x int) bool {
	for _, l := range c {
		if l.Var() == x {
			return true
		}
	}
	return false
}
