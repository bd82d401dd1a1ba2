package score

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"

	"github.com/hardnesslab/hardness/internal/fileio"
	"github.com/hardnesslab/hardness/suite"
)

// Result is the score of one output.
type Result struct {
	ID       string  `json:"id"`
	Cell     string  `json:"cell"`
	Route    string  `json:"route"`
	N        int     `json:"n"`
	C        float64 `json:"c"`
	Gap      float64 `json:"gap"`
	Expected string  `json:"expected"`
	Verdict  string  `json:"verdict"` // YES/NO (SAT/UNSAT for cnf), or "DECODING FAILURE"
	Right    bool    `json:"right"`
	// Row is the decisive row (file order), Margin its signed distance
	// from τ in tolerances, MaxErr max |T̃ − T| on the decisive column.
	Row       int     `json:"row"`
	Margin    float64 `json:"margin"`
	MaxErr    float64 `json:"max_err"`
	Tolerance float64 `json:"tolerance"`
	// ErrBound is the method's certified error from OUT/<id>.json, nil if
	// none; Certified is ErrBound < Tolerance.
	ErrBound  *float64 `json:"err_bound,omitempty"`
	Certified bool     `json:"certified"`
	// Failed is the method's error when it produced no output (OUT/<id>.json
	// with "error" and no OUT/<id>.npy): a wrong verdict without margin.
	Failed string `json:"failed,omitempty"`
}

// InputError is bad input: a missing or malformed file. Exit status 2.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func bad(format string, a ...any) error { return &InputError{fmt.Errorf(format, a...)} }

// Instance is a suite instance's answer, loaded for scoring.
type Instance struct {
	Key *suite.Key
	T   []float64 // exact decisive column
	yes map[int]bool
}

// LoadInstance reads DIR/instance.json and DIR/answer_T.npy.
func LoadInstance(dir string) (*Instance, error) {
	k, err := suite.ReadKey(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, bad("instance %s: %v; want the directory of a suite instance (hardness gen suite)", dir, err)
	case err != nil:
		return nil, bad("instance %s: %v", dir, err) // names instance.json and the field
	}
	tpath := filepath.Join(dir, "answer_T.npy")
	a, err := suite.ReadNPY(tpath)
	if err != nil {
		return nil, bad("instance %s: %v", k.ID, err)
	}
	if len(a.Data) != k.NQueries {
		return nil, bad("instance %s: %s has %d values, want %d (n_queries)", k.ID, tpath, len(a.Data), k.NQueries)
	}
	in := &Instance{Key: k, T: a.Data, yes: map[int]bool{}}
	for _, r := range k.YesRows {
		in.yes[r] = true
	}
	return in, nil
}

// LoadSuite reads DIR/manifest.jsonl and every instance it lists.
func LoadSuite(dir string) ([]*Instance, error) {
	entries, err := suite.ReadManifest(dir)
	if err != nil {
		return nil, bad("suite %s: %v", dir, err)
	}
	out := make([]*Instance, len(entries))
	for i, e := range entries {
		if out[i], err = LoadInstance(filepath.Join(dir, e.ID)); err != nil {
			return nil, err
		}
		if id := out[i].Key.ID; id != e.ID {
			return nil, bad("suite %s: %s has id %q, but manifest.jsonl lists it as %q; want the same id (outputs are named by it)",
				dir, filepath.Join(dir, e.ID, "instance.json"), id, e.ID)
		}
	}
	return out, nil
}

// column reads the decisive column of the output at path, checking its
// shape, dtype and values.
func (in *Instance) column(path string) ([]float64, error) {
	k := in.Key
	a, err := suite.ReadNPY(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, bad("instance %s: missing output %s; want T̃ (%d × %d) as a .npy file", k.ID, path, k.NQueries, k.DV)
	}
	if err != nil {
		return nil, bad("instance %s: %v", k.ID, err)
	}
	s := a.Shape
	ok := len(s) == 2 && s[0] == k.NQueries && s[1] == k.DV ||
		len(s) == 4 && s[0] == 1 && s[1] == 1 && s[2] == k.NQueries && s[3] == k.DV ||
		len(s) == 1 && s[0] == k.NQueries && k.DV == 1
	if !ok {
		return nil, bad("instance %s: %s has shape %s; want (%d, %d) (layout nd) or (1, 1, %d, %d) (layout bhnd): n_queries × d_v",
			k.ID, path, suite.ShapeString(s), k.NQueries, k.DV, k.NQueries, k.DV)
	}
	if i := a.FirstNaN(); i >= 0 {
		return nil, bad("instance %s: %s entry %v is %v; want finite values (indices from 0)", k.ID, path, a.Index(i), a.Data[i])
	}
	col := make([]float64, k.NQueries)
	for i := range col {
		col[i] = a.Data[i*k.DV+k.Column]
	}
	return col, nil
}

// Score decides the output file at path for this instance.
func (in *Instance) Score(path string) (*Result, error) {
	col, err := in.column(path)
	if err != nil {
		return nil, err
	}
	r := in.decide(col)
	if eb, exact, err := readErrBound(path); err != nil {
		return nil, bad("instance %s: %v", in.Key.ID, err)
	} else if eb != nil {
		// An exact method's 0 is not counted as a certificate: it says
		// nothing of float64 rounding (bounded apart, in rounding_bound).
		r.ErrBound, r.Certified = eb, *eb < r.Tolerance && !exact
	}
	return r, nil
}

// decide applies the rule of the package documentation to a column.
func (in *Instance) decide(col []float64) *Result {
	k := in.Key
	r := &Result{ID: k.ID, Cell: k.Cell, Route: k.Route, N: k.N, C: k.C, Gap: k.Gap, Expected: k.Expected, Tolerance: k.Tolerance}
	argmax, bestYes := 0, -1
	above := false
	for i, x := range col {
		if x > col[argmax] {
			argmax = i
		}
		if in.yes[i] && (bestYes < 0 || x > col[bestYes]) {
			bestYes = i
		}
		above = above || x > k.Tau
		r.MaxErr = max(r.MaxErr, math.Abs(x-in.T[i]))
	}
	yes, no := "YES", "NO"
	if k.Route == suite.RouteCNF {
		yes, no = "SAT", "UNSAT"
	}
	switch {
	case !above:
		r.Verdict = no
	case in.yes[argmax]:
		r.Verdict = yes
	default:
		r.Verdict = "DECODING FAILURE"
	}
	r.Right = r.Verdict == k.Expected
	if k.Yes() {
		r.Row, r.Margin = bestYes, saturate((col[bestYes]-k.Tau)/k.Tolerance)
	} else {
		r.Row, r.Margin = argmax, saturate((k.Tau-col[argmax])/k.Tolerance)
	}
	return r
}

// saturate maps ±Inf to ±MaxFloat64: a finite output far from τ (1e308)
// has a margin beyond float64's range, and JSON has no infinities (the
// report failed with "json: unsupported value: +Inf").
func saturate(x float64) float64 { return math.Max(-math.MaxFloat64, math.Min(math.MaxFloat64, x)) }

// sidecar is OUT/<id>.json: the method's report (hardness attention
// --json), or its error when it produced no output.
type sidecar struct {
	ErrBound *float64 `json:"err_bound"`
	// ErrBoundKind is "exact" for an exact method's bound 0 (which says
	// nothing of float64 rounding: not counted as a certificate), as
	// hardness attention --json writes it.
	ErrBoundKind string `json:"err_bound_kind"`
	Error        string `json:"error"`
}

// readSidecar reads OUT/<id>.json next to the output path npy; nil if
// there is none.
func readSidecar(npy string) (*sidecar, error) {
	side := npy[:len(npy)-len(filepath.Ext(npy))] + ".json"
	b, err := fileio.ReadFileMax(side, 64<<20) // hardness attention --json: about 1 KiB
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var v sidecar
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("%s: %v; want a JSON object (hardness attention --json, or {\"error\": \"…\"})", side, err)
	}
	return &v, nil
}

// readErrBound returns the sidecar's err_bound (nil if none) and whether
// it is an exact method's 0 rather than a certificate.
func readErrBound(npy string) (*float64, bool, error) {
	sc, err := readSidecar(npy)
	if sc == nil || err != nil {
		return nil, false, err
	}
	if sc.ErrBound != nil && !(*sc.ErrBound >= 0) {
		return nil, false, fmt.Errorf("%s: err_bound %v; want a certified error ≥ 0", npy[:len(npy)-len(filepath.Ext(npy))]+".json", *sc.ErrBound)
	}
	return sc.ErrBound, sc.ErrBoundKind == "exact", nil
}

// failed returns the result of an instance the method failed on.
func (in *Instance) failed(why string) *Result {
	k := in.Key
	return &Result{ID: k.ID, Cell: k.Cell, Route: k.Route, N: k.N, C: k.C, Gap: k.Gap, Expected: k.Expected,
		Tolerance: k.Tolerance, Verdict: "FAILED", Row: -1, Failed: why}
}

// Suite scores OUT/<id>.npy for every instance. An instance without an
// output but with OUT/<id>.json holding an "error" is a failure of the
// method (wrong). Bad input for any instance is an error naming it;
// missing outputs are all named at once.
func Suite(insts []*Instance, out string) ([]*Result, error) {
	var missing []string
	fails := map[string]string{}
	for _, in := range insts {
		npy := filepath.Join(out, in.Key.ID+".npy")
		if _, err := os.Stat(npy); err == nil {
			continue
		}
		if sc, err := readSidecar(npy); err == nil && sc != nil && sc.Error != "" {
			fails[in.Key.ID] = sc.Error
			continue
		}
		missing = append(missing, in.Key.ID)
	}
	if len(missing) > 0 {
		shown := missing
		if len(shown) > 10 {
			shown = shown[:10]
		}
		return nil, bad("%s: %d of %d outputs missing (want OUT/<id>.npy): %v%s", out, len(missing), len(insts), shown,
			map[bool]string{true: " …", false: ""}[len(missing) > 10])
	}
	res := make([]*Result, len(insts))
	for i, in := range insts {
		if why, ok := fails[in.Key.ID]; ok {
			res[i] = in.failed(why)
			continue
		}
		r, err := in.Score(filepath.Join(out, in.Key.ID+".npy"))
		if err != nil {
			return nil, err
		}
		res[i] = r
	}
	return res, nil
}

// Cell aggregates the results of one cell of one method.
type Cell struct {
	Method   string  `json:"method"`
	Cell     string  `json:"cell"`
	Route    string  `json:"route"`
	N        int     `json:"n"`
	Gap      float64 `json:"gap"`
	C        float64 `json:"c"` // mean c of the instances
	Count    int     `json:"count"`
	Right    int     `json:"right"`
	Accuracy float64 `json:"accuracy"`
	// MinMargin, MedMargin and MaxErr are over the instances with an
	// output; 0 (and blank or "–" in the CSV and Markdown tables) when
	// every instance failed (Failed == Count).
	MinMargin float64 `json:"min_margin"`
	MedMargin float64 `json:"median_margin"`
	MaxErr    float64 `json:"max_err"`
	Tolerance float64 `json:"tolerance"` // least tolerance in the cell
	Failed    int     `json:"failed"`    // instances the method produced no output for
	Certified int     `json:"certified"` // instances with a certificate below the tolerance
	// BrokenCerts counts wrong verdicts despite a certificate: should be 0.
	BrokenCerts int `json:"broken_certificates"`
}

// Cells aggregates results by cell, in first-seen order.
func Cells(method string, rs []*Result) []*Cell {
	var order []*Cell
	by := map[string]*Cell{}
	margins := map[string][]float64{}
	for _, r := range rs {
		c := by[r.Cell]
		if c == nil {
			c = &Cell{Method: method, Cell: r.Cell, Route: r.Route, N: r.N, Gap: r.Gap, MinMargin: math.Inf(1), Tolerance: math.Inf(1)}
			by[r.Cell] = c
			order = append(order, c)
		}
		c.Count++
		c.C += r.C
		c.Gap = r.Gap
		if r.Right {
			c.Right++
		} else if r.Certified {
			c.BrokenCerts++
		}
		if r.Certified {
			c.Certified++
		}
		c.Tolerance = min(c.Tolerance, r.Tolerance)
		if r.Failed != "" {
			c.Failed++
			continue // no margin or error to aggregate
		}
		c.MinMargin = min(c.MinMargin, r.Margin)
		c.MaxErr = max(c.MaxErr, r.MaxErr)
		margins[r.Cell] = append(margins[r.Cell], r.Margin)
	}
	for _, c := range order {
		c.C /= float64(c.Count)
		c.Accuracy = float64(c.Right) / float64(c.Count)
		m := margins[c.Cell]
		if len(m) == 0 { // every instance failed
			c.MinMargin, c.MedMargin = 0, 0
			continue
		}
		sort.Float64s(m)
		c.MedMargin = m[len(m)/2]
		if len(m)%2 == 0 {
			c.MedMargin = m[len(m)/2-1]/2 + m[len(m)/2]/2 // halved first: the sum of two huge margins overflows
		}
	}
	return order
}
