package explain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hardnesslab/hardness/sat"
)

// countModels counts the satisfying assignments of f by brute force.
func countModels(f *sat.Formula) int {
	n := 0
	a := sat.NewAssignment(f.Vars)
	for mask := range 1 << f.Vars {
		for x := 1; x <= f.Vars; x++ {
			a[x] = mask>>(x-1)&1 == 1
		}
		if sat.Verify(f, a) == nil {
			n++
		}
	}
	return n
}

// TestExample checks the promises made about the built-in formulas.
func TestExample(t *testing.T) {
	f := Example(false)
	if f.Vars != 6 || len(f.Clauses) != 8 {
		t.Errorf("Example(false) has %d variables and %d clauses; want 6 and 8", f.Vars, len(f.Clauses))
	}
	if n := countModels(f); n != 2 {
		t.Errorf("Example(false) has %d models; want 2", n)
	}
	u := Example(true)
	if n := countModels(u); n != 0 {
		t.Errorf("Example(true) has %d models; want 0", n)
	}
	if len(u.Clauses) != len(f.Clauses)+1 || u.Vars != f.Vars {
		t.Fatalf("Example(true) has %d clauses; want %d", len(u.Clauses), len(f.Clauses)+1)
	}
	for c := range f.Clauses {
		if !slices.Equal(f.Clauses[c], u.Clauses[c]) {
			t.Errorf("Example(true) clause %d = %v; want %v", c+1, u.Clauses[c], f.Clauses[c])
		}
	}
}

// randomFormula returns a formula with clauses of 0 to v literals.
func randomFormula(r *rand.Rand, v, m int) *sat.Formula {
	f := &sat.Formula{Vars: v}
	for range m {
		k := r.IntN(v + 1)
		var c sat.Clause
		for _, x := range r.Perm(v)[:k] {
			l := sat.Lit(x + 1)
			if r.IntN(2) == 0 {
				l = -l
			}
			c = append(c, l)
		}
		f.Clauses = append(f.Clauses, c)
	}
	return f
}

// TestLessonRandom explains random formulas of every allowed size, wide
// clauses included: every line fits Width columns in text and the
// verdict agrees with brute force.
func TestLessonRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for v := 1; v <= MaxVars; v++ {
		for _, m := range []int{1, 3, MaxClauses} {
			for rep := range 3 {
				f := randomFormula(r, v, m)
				t.Run(fmt.Sprintf("v=%d/m=%d/%d", v, m, rep), func(t *testing.T) {
					checkLesson(t, f, countModels(f) > 0)
				})
			}
		}
	}
}

func checkLesson(t *testing.T, f *sat.Formula, satisfiable bool) {
	t.Helper()
	les, err := New(context.Background(), f, "formula.cnf")
	if err != nil {
		t.Fatalf("New(%v) = %v", f, err)
	}
	doc := les.Doc
	var buf bytes.Buffer
	if err := doc.Render(&buf, Text, false); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for i, l := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(l); n > Width {
			t.Errorf("line %d has %d columns, more than %d: %q", i+1, n, Width, l)
		}
	}
	want := "verdict from T: UNSAT"
	if satisfiable {
		want = "verdict from T: SAT"
	}
	if !strings.Contains(out, want) || !strings.Contains(out, "agrees") {
		t.Errorf("New(%v) does not say %q and that gini agrees:\n%s", f, want, out)
	}
	if satisfiable && !strings.Contains(out, "check:          satisfies all clauses") {
		t.Errorf("New(%v) does not verify its witness:\n%s", f, out)
	}
}

func TestLessonRefuses(t *testing.T) {
	tests := []struct {
		name  string
		f     *sat.Formula
		large bool
	}{
		{"too many variables", &sat.Formula{Vars: MaxVars + 1, Clauses: []sat.Clause{{1}}}, true},
		{"too many clauses", &sat.Formula{Vars: 2, Clauses: make([]sat.Clause, MaxClauses+1)}, true},
		{"no clauses", &sat.Formula{Vars: 2}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(context.Background(), tt.f, "f.cnf")
			var tl *TooLargeError
			if err == nil || errors.As(err, &tl) != tt.large {
				t.Fatalf("New = %v; want an error, TooLargeError %v", err, tt.large)
			}
			if tt.large && !strings.Contains(err.Error(), "hardness run") {
				t.Errorf("error %q does not suggest hardness run", err)
			}
		})
	}
}
