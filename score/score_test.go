package score

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/suite"
)

func inst(route, expected string, yesRows []int, exact []float64) *Instance {
	k := &suite.Key{Entry: suite.Entry{ID: "x", Cell: "c", Route: route, NQueries: len(exact), DV: 1,
		Tau: 0.5, Tolerance: 0.1, Expected: expected}, YesRows: yesRows}
	in := &Instance{Key: k, T: exact, yes: map[int]bool{}}
	for _, r := range yesRows {
		in.yes[r] = true
	}
	return in
}

// TestDecide covers every branch of the rule: YES through a YES row, YES
// through a NO row (decoding failure), NO, and the margins' signs.
func TestDecide(t *testing.T) {
	yesExact := []float64{0.2, 0.8, 0.1}
	noExact := []float64{0.2, 0.3, 0.1}
	for _, tt := range []struct {
		name    string
		in      *Instance
		col     []float64
		verdict string
		right   bool
		row     int
		margin  float64
		maxErr  float64
	}{
		{"yes right", inst("ov", "YES", []int{1}, yesExact), []float64{0.2, 0.75, 0.1}, "YES", true, 1, 2.5, 0.05},
		{"yes missed", inst("ov", "YES", []int{1}, yesExact), []float64{0.2, 0.45, 0.1}, "NO", false, 1, -0.5, 0.35},
		{"yes via a NO row", inst("ov", "YES", []int{1}, yesExact), []float64{0.9, 0.7, 0.1}, "DECODING FAILURE", false, 1, 2, 0.7},
		{"no right", inst("ann", "NO", nil, noExact), []float64{0.2, 0.35, 0.1}, "NO", true, 1, 1.5, 0.05},
		{"no wrong", inst("ann", "NO", nil, noExact), []float64{0.2, 0.3, 0.65}, "DECODING FAILURE", false, 2, -1.5, 0.55},
		{"cnf sat", inst("cnf", "SAT", []int{0, 2}, []float64{0.9, 0.1, 0.95}), []float64{0.9, 0.1, 0.95}, "SAT", true, 2, 4.5, 0},
		{"cnf unsat", inst("cnf", "UNSAT", nil, noExact), noExact, "UNSAT", true, 1, 2, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.in.decide(tt.col)
			if r.Verdict != tt.verdict || r.Right != tt.right || r.Row != tt.row ||
				!(math.Abs(r.Margin-tt.margin) <= 1e-9) || !(math.Abs(r.MaxErr-tt.maxErr) <= 1e-9) {
				t.Errorf("decide = %s right=%v row %d margin %g err %g; want %s %v %d %g %g",
					r.Verdict, r.Right, r.Row, r.Margin, r.MaxErr, tt.verdict, tt.right, tt.row, tt.margin, tt.maxErr)
			}
		})
	}
}

func TestCells(t *testing.T) {
	eb := 0.01
	rs := []*Result{
		{Cell: "a", C: 2, Right: true, Margin: 3, MaxErr: 0.1, Tolerance: 0.2, ErrBound: &eb, Certified: true},
		{Cell: "a", C: 4, Right: false, Margin: -1, MaxErr: 0.3, Tolerance: 0.2, ErrBound: &eb, Certified: true},
		{Cell: "b", C: 5, Right: false, Margin: -2, Tolerance: 0.1},
	}
	cs := Cells("m", rs)
	if len(cs) != 2 {
		t.Fatalf("%d cells, want 2", len(cs))
	}
	a := cs[0]
	if a.Count != 2 || a.Right != 1 || a.Accuracy != 0.5 || a.C != 3 || a.MinMargin != -1 || a.MedMargin != 1 ||
		a.MaxErr != 0.3 || a.Certified != 2 || a.BrokenCerts != 1 {
		t.Errorf("cell a = %+v", *a)
	}
	if b := cs[1]; b.Accuracy != 0 || b.BrokenCerts != 0 || b.Certified != 0 {
		t.Errorf("cell b = %+v", *b)
	}
}

// TestAllFailedCellHasNoNumbers: a cell where every instance failed shows
// no margin and no max |T̃ − T| (it printed 0, which reads as exact).
func TestAllFailedCellHasNoNumbers(t *testing.T) {
	m := &Method{Name: "m", Results: []*Result{{ID: "a", Cell: "c", Failed: "refused", Tolerance: 0.1}}}
	m.Cells = Cells("m", m.Results)
	var md, csvOut strings.Builder
	if err := WriteMarkdown(&md, []*Method{m}); err != nil {
		t.Fatal(err)
	}
	if err := WriteCellsCSV(&csvOut, []*Method{m}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| 0/1 | 1 | – | – | – |") {
		t.Errorf("markdown:\n%s\nwant – for the margins and the error of an all-failed cell", md.String())
	}
	if !strings.Contains(csvOut.String(), ",1,0,0,1,,,,") {
		t.Errorf("CSV:\n%s\nwant blank margins and error for an all-failed cell", csvOut.String())
	}
}

// TestExactBoundIsNoCertificate: hardness attention --json writes an
// exact method's err_bound 0 with err_bound_kind "exact"; that is float64
// rounding left unbounded, not a certificate.
func TestExactBoundIsNoCertificate(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		json  string
		exact bool
	}{{`{"err_bound": 0, "err_bound_kind": "exact"}`, true}, {`{"err_bound": 1e-9, "err_bound_kind": "certified"}`, false}, {`{"err_bound": 0}`, false}} {
		npy := filepath.Join(dir, "x.npy")
		if err := os.WriteFile(filepath.Join(dir, "x.json"), []byte(tt.json), 0o644); err != nil {
			t.Fatal(err)
		}
		eb, exact, err := readErrBound(npy)
		if err != nil || eb == nil || exact != tt.exact {
			t.Errorf("%s: bound %v, exact %v, %v; want exact = %v", tt.json, eb, exact, err, tt.exact)
		}
	}
}
