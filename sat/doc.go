// Package sat holds CNF formulas and everything the pipeline needs of them:
// DIMACS reading and writing, seeded generators, assignment checking, and a
// solver backed by gini (github.com/go-air/gini).
//
// # Overview
//
// A [Formula] has variables 1..Vars and clauses of [Lit]s in DIMACS
// convention: literal +x is variable x, -x its negation. An [Assignment]
// gives a truth value to each variable; [Verify] checks it and names the
// first falsified clause.
//
// The solver ([Solve]) is the oracle every verdict of the tool is checked
// against. gini has no proof output, so an UNSAT verdict is trusted; a SAT
// model is always verified before it is returned.
package sat
