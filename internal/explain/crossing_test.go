package explain

import (
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/reduction"
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
