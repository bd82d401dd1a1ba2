package attention

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Overflow safety. T is a convex combination of the rows of V, so
// |T_ic| ≤ max|V| and a correct result is always finite; the sums that
// form it are not: Σ_j p_ij·v_jc can reach n_k·max|V|, beyond float64 when
// max|V| is near its limit. The algorithms therefore scale V by a power of
// two 2^−e (exact: no rounding, unless an entry falls below 2^−1022·2^e,
// where it moves by at most 2^−1075·2^e) so that max|V|·2^−e ≤ 2, and scale
// T back by 2^e (exact unless T is subnormal); and every algorithm checks
// its output: a non-finite entry is reported as an error naming the cause,
// never written.

// valueExponent returns e with max|V|·2^−e ∈ (0.5, 2] (e = 0 for V = 0),
// clamped to [−1000, 1023] so that 2^e and 2^−e are finite normal numbers.
func valueExponent(vmax float64) int {
	if !(vmax > 0) || math.IsInf(vmax, 0) {
		return 0
	}
	_, e := math.Frexp(vmax) // vmax ∈ [2^{e−1}, 2^e)
	return min(max(e, -1000), 1023)
}

// valueSumsOverflow reports whether Σ_j p_ij·|v_jc| with weights p ≤ 1 could
// leave the float64 range (with a factor 4 of margin for rounding): then V
// is scaled.
func valueSumsOverflow(vmax float64, nk int) bool {
	return !(vmax*float64(nk)*4 < math.MaxFloat64)
}

// scaledCopy returns 2^−e·a (a new matrix). Cost O(rows·cols).
func scaledCopy(a *mat.Dense, e int) *mat.Dense {
	r, c := a.Dims()
	out := mat.NewDense(r, c, nil)
	s := math.Ldexp(1, -e)
	for i := range r {
		dst, src := out.RawRowView(i), a.RawRowView(i)
		for j := range c {
			dst[j] = src[j] * s
		}
	}
	return out
}

// scaleRows multiplies t by 2^e in place. Cost O(rows·cols).
func scaleRows(t *mat.Dense, e int) {
	if e == 0 {
		return
	}
	r, c := t.Dims()
	for i := range r {
		row := t.RawRowView(i)
		for j := range c {
			row[j] = math.Ldexp(row[j], e)
		}
	}
}

// outputFinite returns an error naming the first entry of T that is not
// finite, with the algorithm and the likely cause; nil when all are.
// Cost O(n_q·d_v).
func outputFinite(algo string, t *mat.Dense, cause string) error {
	r, c := t.Dims()
	for i := range r {
		for j, x := range t.RawRowView(i)[:c] {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("%s: output T[%d][%d] = %v is not finite (%s); refusing to return it", algo, i, j, x, cause)
			}
		}
	}
	return nil
}
