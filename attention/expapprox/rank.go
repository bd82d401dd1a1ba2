package expapprox

import "math/big"

// Rank returns r = C(d+g, g), the number of monomials of degree ≤ g in d
// variables: the number of features of the polynomial method with a
// degree-g polynomial in dimension d. It is exact while r < 2^53 and
// correctly rounded beyond (+Inf past the float64 range), so it is safe for
// any d, g ≥ 0 (e.g. d = 22, g = 200). Cost O(g) big-integer operations.
func Rank(d, g int) float64 {
	if d < 0 || g < 0 {
		panic("expapprox: Rank with negative argument")
	}
	f, _ := new(big.Float).SetInt(new(big.Int).Binomial(int64(d+g), int64(g))).Float64()
	return f
}
