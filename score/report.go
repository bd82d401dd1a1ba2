package score

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hardnesslab/hardness/experiments"
	"github.com/hardnesslab/hardness/internal/fileio"
)

// Method is the scores of one method's outputs on a suite.
type Method struct {
	Name    string    `json:"method"`
	Outputs string    `json:"outputs"`
	Results []*Result `json:"instances"`
	Cells   []*Cell   `json:"cells"`
}

// Wrong returns the number of wrong verdicts.
func (m *Method) Wrong() int {
	n := 0
	for _, r := range m.Results {
		if !r.Right {
			n++
		}
	}
	return n
}

// WriteMarkdown writes the per-cell table of every method.
func WriteMarkdown(w io.Writer, ms []*Method) error {
	var b strings.Builder
	b.WriteString("| method | cell | n | c | accuracy | failed | min margin | median margin | max \\|T̃−T\\| | tolerance | certified | broken cert. |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, m := range ms {
		for _, c := range m.Cells {
			// A cell where every instance failed has no margin and no error.
			minM, medM, maxE := fmtMargin(c.MinMargin), fmtMargin(c.MedMargin), fmt.Sprintf("%.2g", c.MaxErr)
			if c.Failed == c.Count {
				minM, medM, maxE = "–", "–", "–"
			}
			fmt.Fprintf(&b, "| %s | %s | %d | %.3g | %d/%d | %d | %s | %s | %s | %.2g | %d | %d |\n", m.Name, c.Cell, c.N, c.C,
				c.Right, c.Count, c.Failed, minM, medM, maxE, c.Tolerance, c.Certified, c.BrokenCerts)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func fmtMargin(x float64) string {
	if math.Abs(x) >= 1e4 {
		return fmt.Sprintf("%.1e", x)
	}
	return fmt.Sprintf("%.3g", x)
}

// WriteCellsCSV writes the per-cell table as CSV.
func WriteCellsCSV(w io.Writer, ms []*Method) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"method", "cell", "route", "n", "gap", "c", "count", "right", "accuracy", "failed", "min_margin", "median_margin",
		"max_err", "tolerance", "certified", "broken_certificates"})
	for _, m := range ms {
		for _, c := range m.Cells {
			minM, medM, maxE := g(c.MinMargin), g(c.MedMargin), g(c.MaxErr)
			if c.Failed == c.Count { // no output anywhere: no margin, no error
				minM, medM, maxE = "", "", ""
			}
			cw.Write([]string{m.Name, c.Cell, c.Route, strconv.Itoa(c.N), g(c.Gap), g(c.C), strconv.Itoa(c.Count),
				strconv.Itoa(c.Right), g(c.Accuracy), strconv.Itoa(c.Failed), minM, medM, maxE, g(c.Tolerance),
				strconv.Itoa(c.Certified), strconv.Itoa(c.BrokenCerts)})
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteInstancesCSV writes one row per instance and method.
func WriteInstancesCSV(w io.Writer, ms []*Method) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"method", "id", "cell", "route", "n", "c", "expected", "verdict", "right", "row", "margin", "max_err", "tolerance", "err_bound", "failed"})
	for _, m := range ms {
		for _, r := range m.Results {
			eb := ""
			if r.ErrBound != nil {
				eb = g(*r.ErrBound)
			}
			cw.Write([]string{m.Name, r.ID, r.Cell, r.Route, strconv.Itoa(r.N), g(r.C), r.Expected, r.Verdict,
				strconv.FormatBool(r.Right), strconv.Itoa(r.Row), g(r.Margin), g(r.MaxErr), g(r.Tolerance), eb, r.Failed})
		}
	}
	cw.Flush()
	return cw.Error()
}

func g(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }

// WriteJSON writes every method's results and cells.
func WriteJSON(w io.Writer, ms []*Method) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Methods []*Method `json:"methods"`
	}{ms})
}

// marginClip bounds the margins drawn, so that exact attention's huge
// margins do not flatten the rest.
const marginClip = 3

// Figures returns the accuracy-vs-c and margin-vs-c figures: one series
// per method (and per route and n when the suite has several), one point
// per cell at the cell's mean c.
func Figures(ms []*Method) []*experiments.Figure {
	acc := &experiments.Figure{Name: "accuracy_vs_c", Title: "Accuracy on hard instances",
		XLabel: "c = B/√ln n", YLabel: "fraction of verdicts right", YFromZero: true, LegendLeft: true}
	mar := &experiments.Figure{Name: "margin_vs_c", Title: "Median margin of the decisive row (tolerances; clipped to ±3)",
		XLabel: "c = B/√ln n", YLabel: "(T̃ − τ)/tolerance, signed", LegendBottom: true, LegendLeft: true,
		HLines: []experiments.Ref{{Value: 1, Label: "exact ≥ 1"}, {Value: 0, Label: "wrong side of τ"}}}
	groups := map[string]bool{}
	for _, m := range ms {
		for _, c := range m.Cells {
			groups[fmt.Sprintf("%s n=%d", c.Route, c.N)] = true
		}
	}
	for _, m := range ms {
		series := map[string]*[2]experiments.Series{}
		var order []string
		for _, c := range m.Cells {
			label := m.Name
			if len(groups) > 1 {
				label += fmt.Sprintf(" (%s n=%d)", c.Route, c.N)
			}
			s := series[label]
			if s == nil {
				s = &[2]experiments.Series{{Label: label, Points: true}, {Label: label, Points: true}}
				series[label] = s
				order = append(order, label)
			}
			s[0].X, s[0].Y = append(s[0].X, c.C), append(s[0].Y, c.Accuracy)
			if c.Failed < c.Count { // a cell where every run failed has no margin
				s[1].X, s[1].Y = append(s[1].X, c.C), append(s[1].Y, math.Max(-marginClip, math.Min(marginClip, c.MedMargin)))
			}
		}
		for _, l := range order {
			s := series[l]
			for k := range s {
				sortXY(&s[k])
			}
			acc.Series = append(acc.Series, s[0])
			mar.Series = append(mar.Series, s[1])
		}
	}
	return []*experiments.Figure{acc, mar}
}

func sortXY(s *experiments.Series) {
	idx := make([]int, len(s.X))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return s.X[idx[a]] < s.X[idx[b]] })
	x, y := make([]float64, len(idx)), make([]float64, len(idx))
	for i, k := range idx {
		x[i], y[i] = s.X[k], s.Y[k]
	}
	s.X, s.Y = x, y
}

// WriteReport writes scores.md, cells.csv, instances.csv, scores.json and
// the figures (PNG and SVG) into dir, atomically each, and returns the
// paths.
func WriteReport(dir string, ms []*Method) ([]string, error) {
	var paths []string
	for _, f := range []struct {
		name  string
		write func(io.Writer, []*Method) error
	}{{"scores.md", WriteMarkdown}, {"cells.csv", WriteCellsCSV}, {"instances.csv", WriteInstancesCSV}, {"scores.json", WriteJSON}} {
		p := filepath.Join(dir, f.name)
		if err := fileio.WriteAtomic(p, func(w io.Writer) error { return f.write(w, ms) }); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	for _, fig := range Figures(ms) {
		ps, err := fig.Save(dir)
		if err != nil {
			return paths, err
		}
		paths = append(paths, ps...)
	}
	return paths, nil
}
