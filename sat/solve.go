package sat

import (
	"context"
	"fmt"
	"time"

	"github.com/go-air/gini"
	"github.com/go-air/gini/z"
)

// Status is a solver's verdict. Its values keep gini's meaning: 1 for
// satisfiable, -1 for unsatisfiable, 0 for unknown (cancelled or timed out).
type Status int

// The solver verdicts.
const (
	Unknown Status = 0
	Sat     Status = 1
	Unsat   Status = -1
)

// String returns "SAT", "UNSAT" or "UNKNOWN".
func (s Status) String() string {
	switch s {
	case Sat:
		return "SAT"
	case Unsat:
		return "UNSAT"
	}
	return "UNKNOWN"
}

// Result is the outcome of [Solve].
type Result struct {
	Status  Status
	Model   Assignment    // a verified model when Status is Sat, else nil
	Vars    int           // variables given to the solver
	Clauses int           // clauses given to the solver
	Lits    int           // literal occurrences given to the solver
	Elapsed time.Duration // wall time of the search (not of loading)
}

// pollEvery is how often Solve checks ctx while gini searches.
const pollEvery = 2 * time.Millisecond

// Solve decides f with gini v1.0.4. It returns when gini answers or ctx is
// done (Status Unknown, with ctx's error). A SAT model is verified against f
// before it is returned; a model that fails verification is an error (a
// solver bug), never a SAT result. Each call uses a fresh solver, because
// gini's solver is unusable after an interrupted search.
func Solve(ctx context.Context, f *Formula) (*Result, error) {
	g := gini.NewVc(f.Vars, len(f.Clauses))
	for _, c := range f.Clauses {
		for _, l := range c {
			g.Add(z.Dimacs2Lit(int(l)))
		}
		g.Add(z.LitNull)
	}
	res := &Result{Vars: f.Vars, Clauses: len(f.Clauses), Lits: f.NumLits()}
	start := time.Now()
	st, err := wait(ctx, g)
	res.Elapsed = time.Since(start)
	res.Status = st
	if st != Sat {
		return res, err
	}
	res.Model = NewAssignment(f.Vars)
	for v := 1; v <= f.Vars; v++ {
		res.Model[v] = g.Value(z.Dimacs2Lit(v))
	}
	if err := Verify(f, res.Model); err != nil {
		return nil, fmt.Errorf("sat: gini returned a model that fails verification: %w", err)
	}
	return res, nil
}

// wait runs g's search in the background and polls it, stopping it when ctx
// is done. It avoids Try, after which gini's Stop deadlocks.
func wait(ctx context.Context, g *gini.Gini) (Status, error) {
	if err := ctx.Err(); err != nil {
		return Unknown, err
	}
	s := g.GoSolve()
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		if r, ok := s.Test(); ok {
			return Status(r), nil
		}
		select {
		case <-ctx.Done():
			// The search may have finished just now; a verdict is a verdict.
			if r := s.Stop(); r != 0 {
				return Status(r), nil
			}
			return Unknown, ctx.Err()
		case <-t.C:
		}
	}
}
