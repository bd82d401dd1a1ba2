package reduction

import (
	"fmt"
	"math"
	"sort"

	"github.com/hardnesslab/hardness/ovp"
	"gonum.org/v1/gonum/mat"
)

// Verdict is the outcome of decoding. Sat, Unsat and Unknown keep gini's
// values 1, −1 and 0 (sat.Status); for the Gap-ANN route Sat means YES (a
// close pair) and Unsat NO.
type Verdict int

// The verdicts.
const (
	Unknown Verdict = 0  // T could not be read (NaN rows) or a stage did not finish
	Sat     Verdict = 1  // some row above τ, and its witness verified
	Unsat   Verdict = -1 // no row above τ
	// DecodingFailure: some row is above τ but the witness of the arg-max
	// row does not verify. Never reported as SAT.
	DecodingFailure Verdict = 2
)

// String returns "SAT", "UNSAT", "UNKNOWN" or "DECODING FAILURE".
func (v Verdict) String() string {
	switch v {
	case Sat:
		return "SAT"
	case Unsat:
		return "UNSAT"
	case DecodingFailure:
		return "DECODING FAILURE"
	}
	return "UNKNOWN"
}

// MarshalText encodes v as its String, so reports read "SAT" in JSON.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText is the inverse of MarshalText.
func (v *Verdict) UnmarshalText(b []byte) error {
	for _, w := range []Verdict{Sat, Unsat, Unknown, DecodingFailure} {
		if string(b) == w.String() {
			*v = w
			return nil
		}
	}
	return fmt.Errorf("reduction: unknown verdict %q", b)
}

// Decision is what T alone says: the verdict before any witness is checked.
type Decision struct {
	// Verdict is Sat if some row is above the threshold, Unsat if none is,
	// Unknown if some row is NaN (the algorithm failed).
	Verdict Verdict `json:"verdict"`
	Row     int     `json:"row"`   // arg-max row of T (the witness row), −1 if none
	Max     Number  `json:"max_t"` // T at Row
	Above   int     `json:"rows_above_threshold"`
	NaNRows int     `json:"nan_rows,omitempty"`
	// MaxBelow is the largest T_i not above τ (−Inf if none): the margin of
	// the NO rows.
	MaxBelow Number `json:"max_t_below_threshold"`
	// Top are the rows above τ with the largest T, at most TopRows of them,
	// in decreasing order of T (the smaller row first on a tie): the rows
	// decoding tries when the arg-max row has no verified witness.
	Top []Ranked `json:"top_rows,omitempty"`
}

// Ranked is a row of T and its value.
type Ranked struct {
	Row int    `json:"row"`
	T   Number `json:"t"`
}

// TopRows bounds Decision.Top: decoding tries at most this many rows above
// τ (shard decisions carry them, so the bound keeps them small).
const TopRows = 256

// topMerge returns the TopRows largest entries of a and b in decreasing
// order of T, the smaller row first on a tie: exact, associative and
// commutative, like Merge.
func topMerge(a, b []Ranked) []Ranked {
	out := append(append([]Ranked(nil), a...), b...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].T != out[j].T {
			return out[i].T > out[j].T
		}
		return out[i].Row < out[j].Row
	})
	if len(out) > TopRows {
		out = out[:TopRows]
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Decide reads the verdict from column 0 of T: row i is YES iff T_i > τ
// (p.Threshold). Cost O(N).
func Decide(t *mat.Dense, p Params) Decision { return DecideRows(t, p, 0) }

// DecideRows is [Decide] on a block of rows of T whose first row is row
// first of the whole: Row is a global index. The decisions of the blocks
// of a partition of T's rows, merged with [Decision.Merge] in any grouping
// and order, equal Decide on the whole T, field for field and bit for bit.
func DecideRows(t *mat.Dense, p Params, first int) Decision {
	rows, _ := t.Dims()
	dec := Decision{Row: -1, Max: Number(math.Inf(-1)), MaxBelow: Number(math.Inf(-1))}
	for i := range rows {
		x := t.At(i, 0)
		switch {
		case math.IsNaN(x):
			dec.NaNRows++
			continue
		case x > p.Threshold:
			dec.Above++
			dec.Top = append(dec.Top, Ranked{first + i, Number(x)})
		case x > float64(dec.MaxBelow):
			dec.MaxBelow = Number(x)
		}
		if x > float64(dec.Max) {
			dec.Max, dec.Row = Number(x), first+i
		}
	}
	dec.Top = topMerge(dec.Top, nil)
	dec.setVerdict()
	return dec
}

// CheckRows returns an error naming the first field of d that
// [DecideRows] on the block rows of T, with threshold τ, cannot have
// produced: a row outside the block, counts beyond its length, a maximum
// on the wrong side of τ for the count above it, top rows out of order,
// a verdict the counts do not imply. A shard file's decision is checked
// so before it is merged and decoded (a row outside T panicked). Cost
// O(len(d.Top)).
func (d Decision) CheckRows(rows Rows, threshold float64) error {
	n := rows.Len()
	in := func(i int) bool { return rows.Lo <= i && i < rows.Hi }
	max, below := float64(d.Max), float64(d.MaxBelow)
	switch {
	case d.NaNRows < 0 || d.Above < 0 || d.NaNRows+d.Above > n:
		return fmt.Errorf("rows_above_threshold %d and nan_rows %d: want counts ≥ 0 adding up to at most the block's %d rows", d.Above, d.NaNRows, n)
	case d.Row == -1 && d.NaNRows != n:
		return fmt.Errorf("row -1 (no maximum) with %d of %d rows NaN: want a row of [%d, %d)", d.NaNRows, n, rows.Lo, rows.Hi)
	case d.Row != -1 && (!in(d.Row) || math.IsNaN(max)):
		return fmt.Errorf("row %d with max_t %v: want a row of [%d, %d) and its value", d.Row, max, rows.Lo, rows.Hi)
	case d.Row != -1 && (d.Above > 0) != (max > threshold):
		return fmt.Errorf("max_t %v with %d rows above the threshold %v: want max_t above it exactly when some row is", max, d.Above, threshold)
	case math.IsNaN(below) || below > threshold:
		return fmt.Errorf("max_t_below_threshold %v: want a value ≤ the threshold %v", below, threshold)
	case len(d.Top) != min(d.Above, TopRows):
		return fmt.Errorf("%d top_rows for %d rows above the threshold: want min(%d, %d)", len(d.Top), d.Above, d.Above, TopRows)
	}
	for i, t := range d.Top {
		v := float64(t.T)
		if !in(t.Row) || !(v > threshold) || v > max || i > 0 && (v > float64(d.Top[i-1].T) || v == float64(d.Top[i-1].T) && t.Row <= d.Top[i-1].Row) {
			return fmt.Errorf("top_rows[%d] = row %d, t %v: want rows of [%d, %d) above the threshold, in decreasing order of t", i, t.Row, v, rows.Lo, rows.Hi)
		}
	}
	want := d
	want.setVerdict()
	if d.Verdict != want.Verdict {
		return fmt.Errorf("verdict %s: the counts imply %s", d.Verdict, want.Verdict)
	}
	return nil
}

// setVerdict derives Verdict from the counts.
func (d *Decision) setVerdict() {
	switch {
	case d.NaNRows > 0:
		d.Verdict = Unknown
	case d.Above > 0:
		d.Verdict = Sat
	default:
		d.Verdict = Unsat
	}
}

// Merge returns the decision of the union of the disjoint row sets of d
// and e: the larger maximum with its row (the smaller row index on a tie,
// as Decide takes the first), the sums of the rows above τ and of the NaN
// rows, the larger of the largest rows below τ, and the verdict they
// imply. Every operation is a max or an integer sum, so Merge is exact,
// associative and commutative: merging shard decisions gives the unsharded
// decision bit for bit.
func (d Decision) Merge(e Decision) Decision {
	m := Decision{Above: d.Above + e.Above, NaNRows: d.NaNRows + e.NaNRows,
		MaxBelow: Number(math.Max(float64(d.MaxBelow), float64(e.MaxBelow))), Top: topMerge(d.Top, e.Top)}
	switch {
	case e.Row < 0:
		m.Row, m.Max = d.Row, d.Max
	case d.Row < 0 || e.Max > d.Max || e.Max == d.Max && e.Row < d.Row:
		m.Row, m.Max = e.Row, e.Max
	default:
		m.Row, m.Max = d.Row, d.Max
	}
	if m.Row < 0 {
		m.Max = Number(math.Inf(-1))
	}
	m.setVerdict()
	return m
}

// Partner returns the first j with ⟨a_i, b_j⟩ = 0, or −1: the linear scan
// of docs/design.md §2.4. Cost O(M·m/64).
func Partner(x *ovp.Instance, i int) int {
	for j := range x.M() {
		if x.Dot(i, j) == 0 {
			return j
		}
	}
	return -1
}

// NearPartner returns the j with the smallest Hamming distance to a_i if
// that distance is at most t, or −1. Cost O(M·d0/64).
func NearPartner(x *ovp.Instance, i, t int) int {
	best, bestDist := -1, t+1
	for j := range x.M() {
		if d := x.Dist(i, j); d < bestDist {
			best, bestDist = j, d
		}
	}
	return best
}

// Number is a float64 that encodes ±Inf and NaN as the JSON strings "+Inf",
// "-Inf" and "NaN" (plain JSON numbers cannot hold them).
type Number float64

// MarshalJSON implements json.Marshaler.
func (x Number) MarshalJSON() ([]byte, error) {
	f := float64(x)
	switch {
	case math.IsNaN(f):
		return []byte(`"NaN"`), nil
	case math.IsInf(f, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(f, -1):
		return []byte(`"-Inf"`), nil
	}
	return []byte(fmt.Sprintf("%v", f)), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (x *Number) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"NaN"`:
		*x = Number(math.NaN())
	case `"+Inf"`:
		*x = Number(math.Inf(1))
	case `"-Inf"`:
		*x = Number(math.Inf(-1))
	default:
		var f float64
		if _, err := fmt.Sscan(string(b), &f); err != nil {
			return fmt.Errorf("reduction: number %s: %w", b, err)
		}
		*x = Number(f)
	}
	return nil
}
