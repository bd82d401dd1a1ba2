package ovp

import (
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
