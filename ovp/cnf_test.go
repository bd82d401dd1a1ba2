package ovp

import (
	"context"
	"fmt"
	"testing"

	"github.com/hardnesslab/hardness/sat"
)

// randomFormula returns a random formula with clauses of mixed widths
// (including empty clauses, duplicate and complementary literals when
// allowed), the inputs split-and-list must handle.
func randomFormula(t *testing.T, v, m, k int, seed uint64) *sat.Formula {
	t.Helper()
	f, err := sat.Random(sat.GenOptions{Vars: v, Clauses: m, K: min(k, v), Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestFromCNFVectors checks every vector coordinate against its definition:
// a_f[c] = 0 iff the partial assignment satisfies a literal of clause c.
func TestFromCNFVectors(t *testing.T) {
	f := &sat.Formula{Vars: 5, Clauses: []sat.Clause{
		{1, -2}, {3, 4, -5}, {}, {1, -1}, {2, 2}, {-3}, {5, -1, 4},
	}}
	for h := 1; h < 5; h++ {
		c, err := FromCNF(f, CNFOptions{Split: h})
		if err != nil {
			t.Fatal(err)
		}
		if c.N() != 1<<h || c.M() != 1<<(5-h) || c.Dim() != len(f.Clauses) {
			t.Fatalf("split %d: sizes %d,%d,%d", h, c.N(), c.M(), c.Dim())
		}
		for i := 0; i < c.N(); i++ {
			for j := 0; j < c.M(); j++ {
				a := c.Assignment(i, j)
				for ci, cl := range f.Clauses {
					satA, satB := false, false
					for _, l := range cl {
						if a.Sat(l) {
							if l.Var() <= h {
								satA = true
							} else {
								satB = true
							}
						}
					}
					if c.Bit(A, i, ci) == satA || c.Bit(B, j, ci) == satB {
						t.Fatalf("split %d, pair (%d,%d), clause %d: bits %v,%v; want %v,%v",
							h, i, j, ci, c.Bit(A, i, ci), c.Bit(B, j, ci), !satA, !satB)
					}
				}
				if got, want := c.Dot(i, j), a.Falsified(f); got != want {
					t.Fatalf("split %d: Dot(%d,%d) = %d; want %d falsified", h, i, j, got, want)
				}
				if ii, jj := c.Index(a); ii != i || jj != j {
					t.Fatalf("Index(Assignment(%d,%d)) = %d,%d", i, j, ii, jj)
				}
			}
		}
	}
}

func TestFromCNFErrors(t *testing.T) {
	f := randomFormula(t, 30, 100, 3, 1)
	tests := []struct {
		name string
		f    *sat.Formula
		opt  CNFOptions
	}{
		{"split above v", f, CNFOptions{Split: 31}},
		{"negative split", f, CNFOptions{Split: -1}},
		{"memory", f, CNFOptions{MaxMemory: 1 << 20}},
		{"bad literal", &sat.Formula{Vars: 2, Clauses: []sat.Clause{{1, 3}}}, CNFOptions{}},
		{"zero literal", &sat.Formula{Vars: 2, Clauses: []sat.Clause{{0}}}, CNFOptions{}},
		{"too many per side", &sat.Formula{Vars: 90}, CNFOptions{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := FromCNF(tt.f, tt.opt); err == nil {
				t.Errorf("FromCNF = nil error; want an error")
			}
		})
	}
}

// bruteMinFalsified returns the least number of clauses of f falsified by
// any assignment, by trying all 2^v of them. Bit v−1 of the integer x is
// the value of variable v; a clause is satisfied iff x has a 1 under one
// of its positive variables or a 0 under one of its negated ones.
func bruteMinFalsified(f *sat.Formula) int {
	pos := make([]uint64, len(f.Clauses))
	neg := make([]uint64, len(f.Clauses))
	for i, c := range f.Clauses {
		for _, l := range c {
			if l.Neg() {
				neg[i] |= 1 << (l.Var() - 1)
			} else {
				pos[i] |= 1 << (l.Var() - 1)
			}
		}
	}
	best := len(f.Clauses)
	for x := uint64(0); x < 1<<f.Vars; x++ {
		n := 0
		for i := range pos {
			if x&pos[i] == 0 && ^x&neg[i] == 0 {
				n++
			}
		}
		best = min(best, n)
	}
	return best
}

// cnfCases returns the random formulas of TestCNFAgainstGini: v from 2 to
// 20, odd and even, k = 2, 3, 4 near their satisfiability thresholds, and
// some planted (satisfiable) ones; fewer of the largest v, whose brute
// force costs 2^v clause evaluations.
func cnfCases(t *testing.T) []*sat.Formula {
	t.Helper()
	var fs []*sat.Formula
	ratio := map[int]float64{2: 1.0, 3: 4.26, 4: 9.9}
	seed := uint64(0)
	for v := 2; v <= 20; v++ {
		count := 23
		switch {
		case v > 16:
			count = 1
		case v > 14:
			count = 4
		}
		for n := range count {
			seed++
			k := min(2+n%3, v)
			m := max(1, sat.ClausesForRatio(v, ratio[k]*(1+0.15*float64(n%5))))
			o := sat.GenOptions{Vars: v, Clauses: m, K: k, Seed: seed}
			var f *sat.Formula
			var err error
			if n%7 == 6 {
				f, _, err = sat.Planted(o)
			} else {
				f, err = sat.Random(o)
			}
			if err != nil {
				t.Fatal(err)
			}
			fs = append(fs, f)
		}
	}
	return fs
}

// TestCNFAgainstGini is the correctness test of the reduction: for every
// formula, an orthogonal pair exists iff gini says SAT, the decoded
// assignment satisfies the formula, and MinInnerProduct is the brute-force
// minimum number of falsified clauses.
func TestCNFAgainstGini(t *testing.T) {
	fs := cnfCases(t)
	if len(fs) < 300 {
		t.Fatalf("%d formulas; the issue asks for at least 300", len(fs))
	}
	counts := map[sat.Status]int{}
	for n, f := range fs {
		name := fmt.Sprintf("#%d/v=%d/m=%d", n, f.Vars, len(f.Clauses))
		c, err := FromCNF(f, CNFOptions{Split: []int{0, 1, f.Vars - 1}[n%3]})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		res, err := sat.Solve(context.Background(), f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		counts[res.Status]++
		r, err := FindOrthogonal(context.Background(), c.Instance, Options{Workers: 1 + n%2})
		if err != nil {
			t.Fatal(err)
		}
		if r.Found != (res.Status == sat.Sat) {
			t.Errorf("%s: FindOrthogonal found = %v; gini says %v", name, r.Found, res.Status)
			continue
		}
		if r.Found {
			if err := sat.Verify(f, c.Assignment(r.Pair.I, r.Pair.J)); err != nil {
				t.Errorf("%s: decoded assignment of %v: %v", name, r.Pair, err)
			}
		}
		s, err := MinInnerProduct(context.Background(), c.Instance, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if want := bruteMinFalsified(f); s.Min != want {
			t.Errorf("%s: MinInnerProduct = %d; want %d falsified clauses", name, s.Min, want)
		}
		if got := c.Assignment(s.MinPair.I, s.MinPair.J).Falsified(f); got != s.Min {
			t.Errorf("%s: MinPair %v falsifies %d clauses; want %d", name, s.MinPair, got, s.Min)
		}
	}
	if counts[sat.Sat] < 50 || counts[sat.Unsat] < 50 {
		t.Errorf("verdicts %v; want at least 50 SAT and 50 UNSAT formulas", counts)
	}
	t.Logf("%d formulas: %d SAT, %d UNSAT", len(fs), counts[sat.Sat], counts[sat.Unsat])
}
