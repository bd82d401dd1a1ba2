package reduction

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/internal/memlimit"
)

// WriteText renders r for a terminal, one labelled line per fact, in
// pipeline order.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	line := func(label, format string, args ...any) { wrapLine(&b, label, format, args...) }
	if r.Source != "" {
		line("input", "%s", r.Source)
	}
	p := r.Params
	if f := r.Formula; f != nil {
		line("formula", "v = %s, m = %s, %s", count(f.Vars, "variable"), count(f.Clauses, "clause"), count(f.Lits, "literal"))
		line("OV", "split h = %d: N = %s %s (%s), M = %s %s (%s), dimension m = %d, %s",
			r.OV.Split, pow2(r.OV.N), noun(r.OV.N, "vector"), VarRange(1, r.OV.Split), pow2(r.OV.M), noun(r.OV.M, "vector"),
			VarRange(r.OV.Split+1, f.Vars), r.OV.Dim, memlimit.Bytes(r.OV.Bytes))
	} else if r.Route == RouteOV {
		line("OV", "N = %d, M = %d vectors in {0,1}^%d, %s", r.OV.N, r.OV.M, r.OV.Dim, memlimit.Bytes(r.OV.Bytes))
	} else {
		line("Gap-ANN", "N = %d, M = %d vectors in {0,1}^%d; t = %d, ε = %g: YES if some distance ≤ %d, NO if all ≥ max(t+1, ⌈(1+ε)t⌉) = %d",
			r.OV.N, r.OV.M, r.OV.Dim, p.T, p.Eps, p.T, p.Far)
	}
	r.writeGap(line)
	if p.Route == "" {
		return write(w, &b)
	}
	line("Q, K, V", "Q %d×%d, K %d×%d, V %d×1: n = max(N, "+keysFormula(p)+") = %d, d = %d; in memory at a time ≤ %s",
		p.N, p.D, p.Keys, p.D, p.Keys, p.Size, p.D, memlimit.Bytes(r.Memory.Matrices))
	scale := "β"
	if p.Route == RouteANN {
		scale = "s"
	}
	line("entries", "%s = %.4g, B = %.4g, √ln n = %.4g, B/√ln n = %.3g (%s)", scale, p.Scale, p.B, p.SqrtLnN, p.BOverSqrtLnN, r.regime())
	f := formulas(p)
	line("threshold", "τ = %s = %.4g%s: YES rows ≥ %s = %.4g, NO rows ≤ %s = %.4g", f.tau, p.Threshold, f.where, f.yes, p.YesLower, f.no, p.NoUpper)
	a := r.Algo
	if a.Name != "" {
		trust := "trusted: every row decodes correctly"
		switch {
		case !a.Trusted:
			trust = "UNTRUSTED: the verdict may be wrong (checked anyway)"
		case r.Gap.Source == "promised":
			// YES rows are above τ whatever the gap (S_i ≥ 1, package
			// documentation, # Decoding): only NO rows depend on it.
			trust = "trusted if the promised gap holds; if it does not, the result can only be a decoding failure (YES rows are above τ whatever the gap, so UNSAT and a verified SAT stand)"
		}
		line("algorithm", "%s: %s vs tolerance %s = %.4g: %s", a.Name, errPhrase(a), f.tol, float64(a.Tolerance), trust)
		for _, n := range a.Notes {
			line("", "%s", n)
		}
	}
	if t := r.StageTime(StageAttention); t > 0 {
		line("attention", "%s × %s in %v (%.3g flops predicted)", count(p.N, "query"), count(p.Keys, "key"), ShortDuration(t), a.Flops)
	}
	r.writeDecision(line)
	r.writeProperties(line)
	r.writeCheck(line)
	var st []string
	var args []any
	for _, s := range r.Stages {
		st = append(st, "%s %v")
		args = append(args, s.Name, ShortDuration(s.Seconds.Duration()))
	}
	line("stages", strings.Join(st, " · ")+"; total %v", append(args, ShortDuration(r.Total.Duration()))...)
	return write(w, &b)
}

// Layout of the text report: a label column, then the text wrapped so that
// no line exceeds textWidth columns (an 80-column terminal).
const (
	textWidth  = 80
	labelWidth = 12 // "%-11s "
)

// durationSlot is the width a duration is laid out with: the longest
// [round] produces below an hour ("59m59.999s" is 10 runes). Laying out
// every duration at this width makes the line breaks independent of the
// measured times, so reports of two runs differ only in the times.
var durationSlot = strings.Repeat("0", 10)

// byteUnits are the units [memlimit.Bytes] writes after a number.
var byteUnits = map[string]bool{"B": true, "KiB": true, "MiB": true, "GiB": true, "TiB": true, "PiB": true, "EiB": true}

// wrapLine writes label and the formatted text to b, wrapped at spaces.
// It never breaks before a one-symbol word such as "=", "×" or "≤", nor
// after one other than "·", so that "N = 64" and "64 × 51" stay whole, and
// never before a duration ("attention 1.2s") or a unit of memory ("4.5 MiB").
func wrapLine(b *strings.Builder, label, format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	wide := make([]any, len(args))
	for i, a := range args {
		wide[i] = a
		if _, ok := a.(time.Duration); ok {
			wide[i] = durationSlot
		}
	}
	words, slots := strings.Fields(text), strings.Fields(fmt.Sprintf(format, wide...))
	if len(words) != len(slots) {
		slots = words
	}
	type unit struct {
		text  string
		width int
	}
	var units []unit
	for i, w := range words {
		n := utf8.RuneCountInString(slots[i])
		if i > 0 && (isSymbol(w) || isSymbol(words[i-1]) && words[i-1] != "·" ||
			slots[i] == durationSlot || byteUnits[strings.TrimRight(w, ",;.)")]) {
			u := &units[len(units)-1]
			u.text += " " + w
			u.width += 1 + n
			continue
		}
		units = append(units, unit{w, n})
	}
	fmt.Fprintf(b, "%-*s", labelWidth, label)
	col := 0
	for _, u := range units {
		switch {
		case col == 0:
		case col+1+u.width > textWidth-labelWidth:
			fmt.Fprintf(b, "\n%*s", labelWidth, "")
			col = 0
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(u.text)
		col += u.width
	}
	b.WriteByte('\n')
}

// isSymbol reports whether w is a single rune that is neither a letter nor
// a digit (an operator or a separator).
func isSymbol(w string) bool {
	r, n := utf8.DecodeRuneInString(w)
	return n == len(w) && !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

func write(w io.Writer, b *strings.Builder) error {
	_, err := io.WriteString(w, b.String())
	return err
}

type lineFunc func(label, format string, args ...any)

func (r *Report) writeGap(line lineFunc) {
	g := r.Gap
	switch g.Source {
	case "guaranteed":
		if r.OV.Dim == 0 {
			line("gap", "δ = 1 (m = 0: no coordinates, every pair is orthogonal)")
			break
		}
		line("gap", "δ = 1/m = %.4g (guaranteed: inner products are integers)", g.Delta)
	case "promised":
		if g.Delta*float64(r.OV.Dim) <= 1 {
			line("gap", "δ = %.4g (promised by --gap; it holds: δ ≤ 1/m, and inner products are integers)", g.Delta)
			break
		}
		line("gap", "δ = %.4g (promised by --gap, not checked)", g.Delta)
	case "measured":
		if g.MinDot < 0 {
			line("gap", "δ = 1 (measured over %s: every pair is orthogonal)", count64(g.Pairs, "pair"))
		} else {
			line("gap", "δ = %d/%d = %.4g (measured: minimum nonzero ⟨a,b⟩ over %s, a quadratic pass)", g.MinDot, r.OV.Dim, g.Delta, count64(g.Pairs, "pair"))
		}
	}
}

func (r *Report) writeDecision(line lineFunc) {
	d := r.Decision
	if d == nil {
		if r.Reason != "" {
			line("verdict", "%v: %s", r.Verdict, r.Reason)
		}
		return
	}
	p := r.Params
	switch {
	case d.Above > 0 && d.Above == p.N:
		all := fmt.Sprintf("all %d rows", p.N)
		if p.N == 1 {
			all = "the only row"
		}
		line("decision", "max T = %.4g at row %d > τ = %.4g (%s above τ)", float64(d.Max), d.Row, p.Threshold, all)
	case d.Above > 0:
		line("decision", "max T = %.4g at row %d > τ = %.4g (%d of %d rows above τ; the largest below is %s)",
			float64(d.Max), d.Row, p.Threshold, d.Above, p.N, fmtNum(d.MaxBelow))
	default:
		line("decision", "max T = %s ≤ τ = %.4g: no row above τ", fmtNum(d.Max), p.Threshold)
	}
	if d.NaNRows > 0 {
		line("", "%s of T %s NaN", count(d.NaNRows, "row"), map[bool]string{true: "is", false: "are"}[d.NaNRows == 1])
	}
	w := r.Witness
	switch {
	case w == nil:
		line("verdict", "%v", r.Label(r.Verdict))
	case w.Verified && r.Route == RouteANN:
		line("verdict", "%v: witness pair (a_%d, b_%d) at distance %d ≤ t", r.Label(r.Verdict), w.Row, w.Partner, w.Dot)
	case w.Verified && r.Formula == nil:
		line("verdict", "%v: witness pair (a_%d, b_%d), ⟨a,b⟩ = 0", r.Label(r.Verdict), w.Row, w.Partner)
	case w.Verified:
		line("verdict", "%v: witness pair (a_%d, b_%d), ⟨a,b⟩ = 0, assignment verified", r.Verdict, w.Row, w.Partner)
		line("assignment", "%s", litsString(w))
	default:
		line("verdict", "%v: %s", r.Verdict, w.Error)
	}
	if w != nil && w.ArgMax >= 0 {
		line("", "from row %d, the %s row above τ: the arg-max row %d failed (%s)", w.Row, ordinal(w.Tried), w.ArgMax, w.ArgMaxError)
	}
	if r.Promise != nil {
		line("promise", "%s", r.Promise)
	}
}

// keysFormula is the number of keys in the construction's terms.
func keysFormula(p Params) string {
	if p.Form == FormTight {
		return "M+1"
	}
	return "2M"
}

// thresholdFormulas are the closed forms of τ, the YES and NO bounds and
// the tolerance of a construction (package documentation); where names
// the value of a parameter they use, printed after τ's value.
type thresholdFormulas struct{ tau, where, yes, no, tol string }

func formulas(p Params) thresholdFormulas {
	switch {
	case p.Form == FormTight:
		k := fmt.Sprintf(" with K = %.4g", 1/p.NoUpper-1)
		return thresholdFormulas{"(1/2 + 1/(K+1))/2", k, "1/2", "1/(K+1)", "(K−1)/(4(K+1))"}
	case p.Form == FormPaper && p.Route == RouteANN:
		w := fmt.Sprintf(" with w = e^(s²t) = %.4g", math.Exp(p.Scale*p.Scale*float64(p.T)))
		return thresholdFormulas{"(1/(1+M·w) + 1/(1+4(M+1)·w))/2", w, "1/(1+M·w)", "1/(1+4(M+1)·w)", "(1/(1+M·w) − 1/(1+4(M+1)·w))/2"}
	}
	return thresholdFormulas{"5/(8(M+1))", "", "1/(M+1)", "1/(4M+5)", "3/(8(M+1))"}
}

// writeProperties prints the paper's instance properties, one per line.
func (r *Report) writeProperties(line lineFunc) {
	label := "properties"
	for _, p := range r.Properties {
		status := p.Status
		switch status {
		case Fails:
			status = "FAILS"
		case Sampled:
			status = "holds on the rows read"
		}
		line(label, "%s: %s — %s", status, p.Name, p.Value)
		label = ""
	}
}

func ordinal(k int) string {
	switch {
	case k%100 >= 11 && k%100 <= 13:
		return fmt.Sprintf("%dth", k)
	case k%10 == 1:
		return fmt.Sprintf("%dst", k)
	case k%10 == 2:
		return fmt.Sprintf("%dnd", k)
	case k%10 == 3:
		return fmt.Sprintf("%drd", k)
	}
	return fmt.Sprintf("%dth", k)
}

func (r *Report) writeCheck(line lineFunc) {
	c := r.Check
	if c == nil {
		return
	}
	switch {
	case c.By == "gini":
		line("gini", "%v in %v", c.Verdict, ShortDuration(c.Seconds.Duration()))
	case r.Route == RouteANN:
		line("check", "brute force: %v (min distance %d over %s) in %v", r.Label(c.Verdict), c.MinDist, count64(r.Gap.Pairs, "pair"), ShortDuration(c.Seconds.Duration()))
		if c.GapViolations > 0 {
			line("", "%s strictly between t = %d and %d: the gap promise is broken", count64(int64(c.GapViolations), "pair"), r.Params.T, r.Params.Far)
		}
	case c.Verdict == Sat:
		line("check", "brute force (a scan stopped at the first orthogonal pair): %v in %v", r.Label(c.Verdict), ShortDuration(c.Seconds.Duration()))
	default:
		line("check", "brute force (all %s): %v in %v", count64(int64(r.OV.N)*int64(r.OV.M), "pair"), r.Label(c.Verdict), ShortDuration(c.Seconds.Duration()))
	}
	if r.Agree {
		line("agreement", "yes")
	} else {
		line("agreement", "NO: %s", r.Reason)
	}
}

// Label names a verdict in the instance's terms: YES/NO without a formula.
func (r *Report) Label(v Verdict) string {
	if r.Formula == nil {
		switch v {
		case Sat:
			return "YES"
		case Unsat:
			return "NO"
		}
	}
	return v.String()
}

// regime says which side of the theorem's threshold B is on. It prints a
// bound on B/√ln n only where [Params.RatioBound] says the package
// documentation proves it for these sizes.
func (r *Report) regime() string {
	p := r.Params
	bound, ok := p.RatioBound()
	switch {
	case p.Route == RouteANN && p.T == 0:
		// far − t = 1: s²·d = 2·d0·ln(4(M+1)), no constant bound.
		return "t = 0: B² = 2·d0·ln(4(M+1)), so B = Θ(log n) when d0 = Θ(log n) and M = n^Θ(1); Θ(√log n) needs t/d0 and ε constant and > 0"
	case p.Route == RouteANN && ok:
		return fmt.Sprintf("≤ 2·√(d0/(far−t)) = %.3g: B = Θ(√log n) for constant ε > 0 and t/d0 > 0 and M = n^Θ(1)", bound)
	case p.Route == RouteANN:
		return "B = Θ(√log n) for constant ε > 0 and t/d0 > 0 and M = n^Θ(1); no bound proved at these sizes"
	case r.OV.Dim == 0:
		return "m = 0: no coordinates, Q = K = 0 whatever B"
	case p.TrivialGap():
		return p.trivialGapRegime()
	case ok && p.Shift > 0:
		return fmt.Sprintf("≤ √(2(m+e)/(mδ)) = %.3g since 4(M+1) ≤ n²: B = Θ(√log n) for constant δ and M = n^Θ(1)", bound)
	case ok:
		return fmt.Sprintf("≤ √(2/δ) = %.3g since e^(β²δ) ≤ n²: B = Θ(√log n) for constant δ and M = n^Θ(1)", bound)
	}
	if p.Shift > 0 {
		return "B = Θ(√log n) for constant δ and M = n^Θ(1); the bound √(2(m+e)/(mδ)) needs 4(M+1) ≤ n², false at these sizes"
	}
	return "B = Θ(√log n) for constant δ and M = n^Θ(1); the bound √(2/δ) needs e^(β²δ) ≤ n², false at these sizes"
}

// trivialGapRegime says how B grows at the gap δ ≤ 1/m every instance has:
// B² = L/δ ≥ m·L with L = ln(4(M+1)) (ln(K·M) in the tight form), times
// (m+e)/m in the paper's form (package documentation). L = Θ(log n) only
// when log M = Θ(log n); an unbalanced split with M = O(1) gives
// B = Θ(√m) instead.
func (p Params) trivialGapRegime() string {
	l := "ln(4(M+1))"
	if p.Form == FormTight {
		l = "ln(K·M)"
	}
	m := "m"
	if p.Shift > 0 {
		m = "(m+e)"
	}
	if p.Delta*float64(p.Dim) < 1-1e-9 {
		return "δ < 1/m: B² > " + m + "·" + l + ", so B = Ω(log n) when m = Θ(log n) and M = n^Θ(1) (a balanced split)"
	}
	return "δ = 1/m: B² = " + m + "·" + l + ", so B = Θ(log n) when m = Θ(log n) and M = n^Θ(1) (a balanced split), B = Θ(√m) when M = O(1)"
}

func litsString(w *Witness) string {
	const show = 32
	var s []string
	for k, l := range w.Assignment {
		if k == show {
			s = append(s, fmt.Sprintf("… (%d more)", len(w.Assignment)-show))
			break
		}
		s = append(s, fmt.Sprint(int(l)))
	}
	return strings.Join(s, " ")
}

// count writes n and the noun, plural unless n is 1: "1 clause",
// "2 clauses", "3 queries".
func count(n int, one string) string { return count64(int64(n), one) }

func count64(n int64, one string) string {
	return fmt.Sprintf("%d %s", n, noun64(n, one))
}

// noun is one, or its plural unless n is 1.
func noun(n int, one string) string { return noun64(int64(n), one) }

func noun64(n int64, one string) string {
	switch {
	case n == 1:
		return one
	case strings.HasSuffix(one, "y") && !strings.HasSuffix(one, "ey"):
		return one[:len(one)-1] + "ies"
	}
	return one + "s"
}

// VarRange names the variables x_lo..x_hi of one side of a split: "x3",
// "x1..x6", or "no variables" when hi < lo. The run report, gen ov and the
// lesson all name split sides with it.
func VarRange(lo, hi int) string {
	switch {
	case hi < lo:
		return "no variables"
	case hi == lo:
		return fmt.Sprintf("x%d", lo)
	}
	return fmt.Sprintf("x%d..x%d", lo, hi)
}

// errPhrase states an algorithm's error bound before it runs: a
// certificate for an approximation, none for one without, and for an
// exact algorithm (attention.Info.Exact, Plan.ErrBound 0) no approximation
// error, with float64 rounding the only error: bounded by a proof
// (attention.RoundingBound64) or, where none is derived, not bounded.
func errPhrase(a AlgoInfo) string {
	if ErrBoundKind(a.Name, float64(a.ErrBound)) != "exact" {
		return "certified error " + fmtNum(a.ErrBound)
	}
	if r := float64(a.Rounding); !math.IsInf(r, 1) && !math.IsNaN(r) {
		return fmt.Sprintf("error 0 in exact arithmetic, float64 rounding ≤ %.2g (proved)", r)
	}
	return "error 0 up to float64 rounding (not bounded)"
}

// ErrBoundKind classifies an algorithm's error bound: "exact" for an
// exact algorithm's 0 (no approximation error; float64 rounding is not
// bounded), "none" for +Inf (no certificate), "certified" otherwise.
func ErrBoundKind(algo string, bound float64) string {
	switch info, _ := attention.Lookup(algo); {
	case info.Exact && bound == 0:
		return "exact"
	case math.IsInf(bound, 1):
		return "none"
	}
	return "certified"
}

func pow2(n int) string {
	if n > 0 && n&(n-1) == 0 {
		k := 0
		for 1<<k < n {
			k++
		}
		return fmt.Sprintf("2^%d = %d", k, n)
	}
	return fmt.Sprint(n)
}

func fmtNum(x Number) string {
	f := float64(x)
	switch {
	case math.IsInf(f, 1):
		return "+Inf (none certified)"
	case math.IsInf(f, -1):
		return "none"
	}
	return fmt.Sprintf("%.3g", f)
}

// ShortDuration rounds d to three or four significant digits for display
// (milliseconds from a second up, 10 µs from a millisecond, else 100 ns).
func ShortDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(100 * time.Nanosecond)
}
