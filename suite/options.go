package suite

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// The routes a suite can draw from.
const (
	RouteCNF = "cnf" // random 3-CNF → split-and-list OV → attention
	RouteOV  = "ov"  // planted Gap-OV → attention
	RouteANN = "ann" // planted Hamming Gap-ANN → attention
)

// Options describe a suite: the cells (route × n × gap × c), how many
// instances per cell, and the conventions of the arrays.
type Options struct {
	Routes []string  // cnf, ov, ann
	Sizes  []int     // n: rows of Q and of K (N = n queries, M = n/2 real keys)
	Gaps   []float64 // OV gap δ (route ov); CNF gaps are measured
	Eps    []float64 // Gap-ANN gap ε (route ann)
	// C are the entry-bound ratios c = B/√ln n; 0 means the construction's
	// own (the least scale that gives the tolerance 3/(8(M+1)) or so).
	C           []float64
	Count       int     // instances per cell
	YesFraction float64 // fraction of YES (SAT) instances per cell
	Seed        uint64

	Dim      int     // OV dimension m / ANN d0; 0 means 5·⌈log2 n⌉
	TFrac    float64 // ANN threshold t = round(TFrac·d0); 0 means 1/8
	Ratio    float64 // CNF clause density m/v; 0 means 4.26
	Density  float64 // bit density of planted vectors; 0 means 0.5
	MaxTries int     // CNF: formulas drawn per instance to hit the verdict; 0 means 200

	LogitScale string // "d" (the paper's), "sqrt-d" (PyTorch's) or "1"
	DType      string // "float64" or "float32"
	Layout     string // "nd" ([n, d]) or "bhnd" ([1, 1, n, d])
	Disguise   bool
	NoiseCols  int // disguise: extra V columns; 0 means 3

	Workers   int    // instances generated in parallel; 0 means 1
	Command   string // the command line, recorded in the card
	Version   string // the tool version, recorded everywhere
	MaxMemory int64  // per-instance memory limit; 0 means memlimit.Default
}

// Cell is one combination of the suite's parameters.
type Cell struct {
	Route string  `json:"route"`
	N     int     `json:"n"`
	Gap   float64 `json:"gap,omitempty"` // δ (ov) or ε (ann); 0 for cnf (measured)
	C     float64 `json:"c_nominal"`     // requested c; 0 means the construction's
}

// Key returns the cell's label, used in instance ids and tables:
// "ov-n256-g0.1-c2", "cnf-n64-cauto".
func (c Cell) Key() string {
	s := fmt.Sprintf("%s-n%d", c.Route, c.N)
	if c.Route != RouteCNF {
		s += "-g" + fmtNum(c.Gap)
	}
	if c.C == 0 {
		return s + "-cauto"
	}
	return s + "-c" + fmtNum(c.C)
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// normalize fills defaults and validates; errors name the flag.
func (o *Options) normalize() error {
	if o.YesFraction == 0 && o.Count > 0 {
		o.YesFraction = 0.5
	}
	def := func(p *float64, v float64) {
		if *p == 0 {
			*p = v
		}
	}
	def(&o.TFrac, 0.125)
	def(&o.Ratio, 4.26)
	def(&o.Density, 0.5)
	if o.MaxTries == 0 {
		o.MaxTries = 200
	}
	if o.NoiseCols == 0 {
		o.NoiseCols = 3
	}
	if o.Workers < 1 {
		o.Workers = 1
	}
	if len(o.C) == 0 {
		o.C = []float64{0}
	}
	if o.LogitScale == "" {
		o.LogitScale = "d"
	}
	if o.DType == "" {
		o.DType = "float64"
	}
	if o.Layout == "" {
		o.Layout = "nd"
	}
	return o.validate()
}

func (o *Options) validate() error {
	switch {
	case len(o.Routes) == 0:
		return fmt.Errorf("--routes: want at least one of cnf, ov, ann")
	case len(o.Sizes) == 0:
		return fmt.Errorf("--n: want at least one size")
	case o.Count < 1:
		return fmt.Errorf("--count %d: want at least 1 instance per cell", o.Count)
	case !(o.YesFraction >= 0 && o.YesFraction <= 1):
		return fmt.Errorf("--yes-fraction %g: want a fraction in [0, 1]", o.YesFraction)
	case o.LogitScale != "d" && o.LogitScale != "sqrt-d" && o.LogitScale != "1":
		return fmt.Errorf("--logit-scale %q: want d, sqrt-d or 1", o.LogitScale)
	case o.DType != "float64" && o.DType != "float32":
		return fmt.Errorf("--dtype %q: want float64 or float32", o.DType)
	case o.Layout != "nd" && o.Layout != "bhnd":
		return fmt.Errorf("--layout %q: want nd or bhnd", o.Layout)
	case o.Dim < 0 || o.NoiseCols < 0:
		return fmt.Errorf("--dim %d, --noise-cols %d: want non-negative values", o.Dim, o.NoiseCols)
	case !(o.TFrac > 0 && o.TFrac < 0.5) || !(o.Density > 0 && o.Density < 1) || !(o.Ratio > 0):
		return fmt.Errorf("--t-frac %g, --density %g, --ratio %g: want 0 < t-frac < 1/2, 0 < density < 1, ratio > 0", o.TFrac, o.Density, o.Ratio)
	}
	seen := map[string]bool{}
	for _, r := range o.Routes {
		if r != RouteCNF && r != RouteOV && r != RouteANN {
			return fmt.Errorf("--routes: unknown route %q; want cnf, ov or ann", r)
		}
		if seen[r] {
			return fmt.Errorf("--routes: %q given twice", r)
		}
		seen[r] = true
	}
	for _, n := range o.Sizes {
		if n < 4 || n%2 != 0 || n > 1<<24 {
			return fmt.Errorf("--n %d: want an even size in [4, 2^24] (N = n queries, M = n/2 real keys)", n)
		}
		if seen[RouteCNF] && bits.OnesCount(uint(n)) != 1 {
			return fmt.Errorf("--n %d: the cnf route needs a power of two (N = 2^h queries, M = 2^(v−h) keys)", n)
		}
	}
	for _, g := range o.Gaps {
		if !(g > 0 && g <= 0.5) {
			return fmt.Errorf("--gap %g: want 0 < δ ≤ 1/2 (a planted orthogonal pair needs 2⌈δm⌉ ≤ m)", g)
		}
	}
	for _, e := range o.Eps {
		if !(e > 0) || math.IsInf(e, 0) {
			return fmt.Errorf("--eps %g: want a finite gap ε > 0", e)
		}
	}
	for _, c := range o.C {
		if c < 0 || math.IsInf(c, 0) || math.IsNaN(c) {
			return fmt.Errorf("--c %g: want a finite ratio > 0 (or auto)", c)
		}
	}
	if seen[RouteOV] && len(o.Gaps) == 0 {
		return fmt.Errorf("--gap: the ov route needs at least one gap δ")
	}
	if seen[RouteANN] && len(o.Eps) == 0 {
		return fmt.Errorf("--eps: the ann route needs at least one gap ε")
	}
	return nil
}

// Cells returns the suite's cells in a fixed order: routes as given, then
// sizes, gaps and ratios.
func (o *Options) Cells() []Cell {
	var cells []Cell
	for _, r := range o.Routes {
		gaps := []float64{0}
		switch r {
		case RouteOV:
			gaps = o.Gaps
		case RouteANN:
			gaps = o.Eps
		}
		for _, n := range o.Sizes {
			for _, g := range gaps {
				for _, c := range o.C {
					cells = append(cells, Cell{Route: r, N: n, Gap: g, C: c})
				}
			}
		}
	}
	return cells
}

// dim returns the OV dimension or d0 for size n: Options.Dim, or 5·⌈log2 n⌉.
func (o *Options) dim(n int) int {
	if o.Dim > 0 {
		return o.Dim
	}
	return 5 * bits.Len(uint(n-1))
}

// ParseList parses a comma-separated list of numbers; "auto" is 0 when
// allowAuto. A range "a:b:step" expands to a, a+step, …, ≤ b; for integer
// lists "a..b" doubles from a to b (powers of two: 64..1024).
func ParseList(s string, allowAuto bool) ([]float64, error) {
	var out []float64
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		switch {
		case p == "":
			continue
		case p == "auto" && allowAuto:
			out = append(out, 0)
		case strings.Contains(p, ".."):
			a, b, ok := strings.Cut(p, "..")
			lo, e1 := strconv.Atoi(a)
			hi, e2 := strconv.Atoi(b)
			if !ok || e1 != nil || e2 != nil || lo < 1 || hi < lo {
				return nil, fmt.Errorf("range %q: want LO..HI with 1 ≤ LO ≤ HI (doubling)", p)
			}
			for v := lo; ; v *= 2 { // at most 63 doublings: v stops before it could overflow
				out = append(out, float64(v))
				if v > hi/2 {
					break
				}
			}
		case strings.Count(p, ":") == 2:
			f := strings.Split(p, ":")
			lo, e1 := strconv.ParseFloat(f[0], 64)
			hi, e2 := strconv.ParseFloat(f[1], 64)
			st, e3 := strconv.ParseFloat(f[2], 64)
			if e1 != nil || e2 != nil || e3 != nil || !(st > 0) || hi < lo || (hi-lo)/st > 1000 {
				return nil, fmt.Errorf("range %q: want LO:HI:STEP with STEP > 0, at most 1000 values", p)
			}
			for k := 0; lo+float64(k)*st <= hi*(1+1e-12); k++ {
				out = append(out, math.Round((lo+float64(k)*st)*1e9)/1e9)
			}
		default:
			v, err := strconv.ParseFloat(p, 64)
			switch {
			case err != nil:
				return nil, fmt.Errorf("%q is not a number", p)
			case v == 0 && allowAuto:
				return nil, fmt.Errorf("%q: want a value > 0, or auto", p) // 0 is how auto is held
			}
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("empty list %q", s)
	}
	seen := map[float64]bool{}
	for _, v := range out {
		if seen[v] {
			name := strconv.FormatFloat(v, 'g', -1, 64)
			if v == 0 && allowAuto {
				name = "auto"
			}
			return nil, fmt.Errorf("%s given twice in %q: want distinct values (each makes a cell of the suite)", name, s)
		}
		seen[v] = true
	}
	return out, nil
}
