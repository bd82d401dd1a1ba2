package experiments

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// handMeasured is a hand-built measured sweep: two sizes, three c, the
// reference and every compared algorithm, with one run that gave up and
// one poly error above its bound.
func handMeasured() []measuredPoint {
	var pts []measuredPoint
	for _, n := range []int{512, 1024} {
		for _, c := range []float64{0.5, 1, 1.5} {
			pts = append(pts, measuredPoint{n: n, c: c, algo: referenceAlgo, maxErr: 1e-16})
			for _, a := range comparedAlgos() {
				p := measuredPoint{n: n, c: c, algo: a, maxErr: 1e-6 * math.Pow(100, c), bound: math.Inf(1)}
				if a == "poly" {
					p.bound = 1e-2
				}
				pts = append(pts, p)
			}
		}
	}
	for i := range pts {
		switch p := &pts[i]; {
		case p.algo == "performer" && p.n == 1024 && p.c == 1.5:
			p.maxErr, p.note = math.Inf(1), "row sum not positive"
		case p.algo == "poly" && p.n == 512 && p.c == 1.5:
			p.maxErr = 1 // above its bound 1e-2
		}
	}
	return pts
}

func TestMeasuredFindings(t *testing.T) {
	r := &Run{Summary: &Summary{}}
	measuredFindings(r, handMeasured())
	got := strings.Join(r.Summary.Findings, "\n")
	for _, want := range []string{
		"agrees with the naive definition to 1e-16",
		"poly, n = 512: max error 1e-05 at c = 0.5, 0.0001 at c = 1, 1 at c = 1.5",
		"performer gave up (no output: a row normaliser was not positive, so the approximation of exp is useless at this rank) at 1 points: n = 1024, c = 1.5",
		"WARNING: poly's measured error exceeds its certified bound at 1 points",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("findings lack %q:\n%s", want, got)
		}
	}
	for _, a := range comparedAlgos() {
		if !strings.Contains(got, a+", n = 1024:") {
			t.Errorf("findings lack the error curve of %s at n = 1024:\n%s", a, got)
		}
	}
	if strings.Contains(got, "performer's measured error exceeds") {
		t.Errorf("performer states no bound, so no bound finding is due:\n%s", got)
	}
}

func TestMeasuredTableColumns(t *testing.T) {
	r := &Run{Summary: &Summary{}}
	pts := handMeasured()
	measuredTable(r, pts)
	if len(r.Summary.Tables) != 1 {
		t.Fatalf("%d tables; want 1", len(r.Summary.Tables))
	}
	tb := r.Summary.Tables[0]
	want := []string{"n", "c", "B", "exact vs naive"}
	for _, a := range comparedAlgos() {
		want = append(want, a)
		if a == "poly" {
			want = append(want, "poly certified")
		}
	}
	if !slices.Equal(tb.Header, want) {
		t.Errorf("header %q; want %q", tb.Header, want)
	}
	if got, want := len(tb.Rows), 6; got != want {
		t.Errorf("%d rows; want %d (one per n and c)", got, want)
	}
}

func TestCertifiedAlgos(t *testing.T) {
	if got := certifiedAlgos(handMeasured()); !slices.Equal(got, []string{"poly"}) {
		t.Errorf("certifiedAlgos = %q; want [poly]", got)
	}
}

func TestAlgoColorsDistinct(t *testing.T) {
	seen := map[int]string{}
	for _, a := range append([]string{referenceAlgo}, comparedAlgos()...) {
		c := algoColor(a)
		if c <= 0 {
			t.Errorf("algoColor(%q) = %d; want a registry colour ≥ 1", a, c)
		}
		if prev, dup := seen[c]; dup {
			t.Errorf("algoColor(%q) = algoColor(%q) = %d", a, prev, c)
		}
		seen[c] = a
	}
}
