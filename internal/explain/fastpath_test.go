package explain

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// step9Formulas are the fixed parts of step 9's prose whose digits are
// part of a formula or a citation, not a computed number.
var step9Formulas = []string{
	"9. The fast path", "3/(8(M+1))", "tol/(2 + tol)", "2^(−53)·e^(2R)", "e^(2R)", "2^(−53)",
	"Alman 2022", "step 7", "C(d+g, g)", "float64",
}

var numberToken = regexp.MustCompile(`\d+(\.\d+)?(e[+-]\d+)?`)

// fastPathNumbers returns every way step 9 may print a number of fp: the
// one computation. A number in step 9 that is not in this set was computed
// elsewhere.
func fastPathNumbers(fp *FastPath) map[string]bool {
	ok := map[string]bool{}
	add := func(x float64) {
		for _, s := range []string{Num(x, 2), Num(x, 3), Sig(x, 2), Sig(x, 3), Count(x)} {
			ok[s] = true
		}
	}
	add(fp.B * fp.B)
	add(fp.Tol)
	add(fp.Eps)
	for _, x := range []int{fp.N, fp.D, fp.Budget.MaxRank, fp.Budget.Degree} {
		ok[fmt.Sprint(x)] = true
	}
	add(float64(fp.Budget.Rank))
	add(float64(fp.Budget.ErrBound))
	add(float64(fp.Budget.Measured))
	for _, t := range numberToken.FindAllString(fp.Budget.Verdict, -1) {
		ok[t] = true
	}
	for _, r := range fp.Rows {
		ok[fmt.Sprint(r.Degree)] = true
		for _, x := range []float64{r.B, r.C, r.R, float64(r.CertErr), float64(r.Rank), float64(r.RankN)} {
			add(x)
		}
	}
	return ok
}

// TestStep9OneComputation checks that every number printed in step 9 is a
// field of the lesson's FastPath, and that the text and the table's
// starred row state the same R, degree, certificate and rank.
func TestStep9OneComputation(t *testing.T) {
	for _, unsat := range []bool{false, true} {
		t.Run(fmt.Sprintf("unsat=%v", unsat), func(t *testing.T) {
			les, err := New(context.Background(), Example(unsat), "example")
			if err != nil {
				t.Fatal(err)
			}
			step, err := les.Doc.Select(9, 9)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := step.Render(&buf, Text, false); err != nil {
				t.Fatal(err)
			}
			text := buf.String()
			stripped := text
			for _, f := range step9Formulas {
				stripped = strings.ReplaceAll(stripped, f, "")
			}
			ok := fastPathNumbers(les.Fast)
			for _, tok := range numberToken.FindAllString(stripped, -1) {
				if !ok[tok] {
					t.Errorf("step 9 prints %q, which is no number of its FastPath", tok)
				}
			}
			need := les.Fast.Need()
			row := starredRow(t, text)
			want := []string{Num(need.B, 2) + "*", Num(need.C, 2), Num(need.R, 2), fmt.Sprint(need.Degree),
				Sig(float64(need.CertErr), 3), Count(float64(need.Rank)), Sig(float64(need.RankN), 3)}
			if !need.Reached {
				want[3] += "¹"
			}
			if strings.Join(row, " ") != strings.Join(want, " ") {
				t.Errorf("starred row %q; want %q", row, want)
			}
			for _, s := range []string{"R = max‖q‖·max‖k‖/d = " + Num(need.R, 2), "g = " + fmt.Sprint(need.Degree),
				Sig(float64(need.CertErr), 3), "= " + Count(float64(need.Rank)) + " = " + Sig(float64(need.RankN), 3) + "·n"} {
				if !strings.Contains(text, s) {
					t.Errorf("step 9's text lacks %q (the starred row's numbers)", s)
				}
			}
		})
	}
}

// starredRow returns the fields of the table row of step 9 whose first
// cell is starred.
func starredRow(t *testing.T, text string) []string {
	t.Helper()
	for _, l := range strings.Split(text, "\n") {
		f := strings.Fields(l)
		if len(f) == 7 && strings.HasSuffix(f[0], "*") {
			return f
		}
	}
	t.Fatalf("no starred row in step 9:\n%s", text)
	return nil
}

// TestFastPathMatchesSolver checks the one computation against the solver
// run directly: the budget run's degree is the one attention.Poly picks,
// and the instance row's radius is the solver's.
func TestFastPathMatchesSolver(t *testing.T) {
	les, err := New(context.Background(), Example(false), "example")
	if err != nil {
		t.Fatal(err)
	}
	fp := les.Fast
	in := les.Instance
	info, err := analyzeSolver(in.Q, in.K, in.V, fp.Eps)
	if err != nil {
		t.Fatal(err)
	}
	if need := fp.Need(); info.R != need.R || info.Degree != need.Degree || float64(need.Rank) != info.Rank {
		t.Errorf("FastPath need R = %g, g = %d, r = %g; solver says R = %g, g = %d, r = %g",
			need.R, need.Degree, float64(need.Rank), info.R, info.Degree, info.Rank)
	}
	if !fp.Budget.Ran || len(fp.Budget.T) != in.Params.N {
		t.Fatalf("budget run: ran %v with %d rows; want all %d", fp.Budget.Ran, len(fp.Budget.T), in.Params.N)
	}
}
