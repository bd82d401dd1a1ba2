package explain

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/reduction"
	"github.com/hardnesslab/hardness/sat"
)

// TestCrossingSentence: the sentence on the trend of r/n compares the
// largest n with the smallest, and says so, and names every c at which
// r/n does not move monotonically in between instead of calling it
// "rises" without qualification.
func TestCrossingSentence(t *testing.T) {
	rows := func(c float64, rn ...float64) []ScaleRow {
		var out []ScaleRow
		for _, x := range rn {
			out = append(out, ScaleRow{C: c, RankN: reduction.Number(x)})
		}
		return out
	}
	var s Scaling
	s.Rows = append(s.Rows, rows(0.25, 0.06, 0.02, 0.007, 0.002)...)
	s.Rows = append(s.Rows, rows(0.5, 0.978, 1.51, 0.71, 1.14)...)
	s.Rows = append(s.Rows, rows(0.75, 19, 30, 50, 81)...)
	got := s.crossing()
	for _, want := range []string{"From n = 2^10 to 2^16", "falls at c = 0.25", "rises at c = 0.50, 0.75", "not monotonically at c = 0.50"} {
		if !strings.Contains(got, want) {
			t.Errorf("crossing() = %q; want it to contain %q", got, want)
		}
	}
	if strings.Contains(got, "0.75:") || strings.Contains(got, "monotonically at c = 0.50, 0.75") {
		t.Errorf("crossing() = %q calls the monotone c = 0.75 non-monotone", got)
	}
}

// TestLessonCountsAgree: on a one-variable, one-clause formula the lesson's
// counts agree with their nouns (1 variable, 1 clause, 1 assignment,
// 1 row, 1 column).
func TestLessonCountsAgree(t *testing.T) {
	f, err := sat.ReadDIMACS(strings.NewReader("p cnf 1 1\n1 0\n"), "one.cnf")
	if err != nil {
		t.Fatal(err)
	}
	les, err := New(context.Background(), f, "one.cnf")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := les.Doc.Render(&buf, Text, false); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(buf.String()), " ")
	for _, w := range []string{"v = 1 variable and m = 1 clause", "lists the 1 assignment of no variables", "(N = 1 row)", "d = m = 1 column."} {
		if !strings.Contains(text, w) {
			t.Errorf("lesson lacks %q", w)
		}
	}
	for _, w := range []string{"1 variables", "1 clauses", "1 assignments", "1 rows", "1 columns"} {
		if strings.Contains(text, w) {
			t.Errorf("lesson says %q", w)
		}
	}
}
