// Package expapprox builds polynomials that approximate e^x on an interval
// [−R, R] with a certified relative error, and chooses their degree: the
// numerical core of the polynomial method (the upper bound of Alman and
// Song 2023, with degrees as in Aggarwal and Alman, CCC 2022). Package
// attention turns such a polynomial into low-rank attention features.
//
// # Overview
//
// [New](R, g) returns a [Poly]: float64 coefficients c_0 … c_g and a number
// CertErr such that, for every real x with |x| ≤ R,
//
//	|P(x) − e^x| ≤ CertErr · e^x,   P(x) = Σ_t c_t·x^t,
//
// where P has exactly the stored float64 coefficients. That inequality is
// what is certified, and only that: the rounding of evaluating P in
// floating point is not part of it (attention bounds it separately, from
// [Poly.AbsSum]). Two candidates are built and the smaller certificate kept:
//
//   - the Chebyshev series of e^x truncated at degree g, from the modified
//     Bessel functions I_k(R), converted to the monomial basis in 512-bit
//     arithmetic and rounded once to float64. Its certificate is proved a
//     priori ([APrioriError]): a bound on the Bessel tail, plus the
//     rounding of each coefficient, times e^R (relative error at x = −R);
//   - for R ≤ 16 and 1 ≤ g ≤ 60, a near-best relative approximation found
//     by Lawson's reweighted least squares (no rigour needed there).
//
// Both are also checked a posteriori, by a bound that is rigorous for the
// float64 coefficients as stored: P(x)e^{−x} − 1 is written as a
// polynomial E of degree g+N (e^{−x} by its Taylor polynomial of degree N,
// Lagrange remainder below 1e−24), expanded in 320-bit arithmetic, and
// sup |E| bounded on each of 16 pieces of [−1, 1] (x = R·y) by the sum of
// the absolute Chebyshev coefficients of E on the piece, plus explicit
// margins for the 320-bit arithmetic. Certificates are within 1.1–1.8× of
// the error measured on a dense grid.
//
// # The table, and what the degree search promises
//
// Building and certifying a polynomial costs milliseconds to a tenth of a
// second, and the certificate of the polynomial built for exactly [−R, R]
// is not monotone in R (at the float64 floor it depends on how the
// coefficients happen to round). So the planning functions use an embedded
// table (table.bin, written by go generate, regenerated in part and
// compared by the tests): on a grid of radii R_j = 2^{j/24} from 2^−12 to
// 2^4.5 ≈ 22.6, for each degree from 0 until the certificate has not
// improved for 12 degrees, the better of the two candidates above with its
// 16-piece a-posteriori certificate. A polynomial certified on
// [−R_j, R_j] is certified, with the same bound, on every [−R, R] with
// R ≤ R_j, and a polynomial of degree g' ≤ g is one of degree ≤ g, so
//
//	CertifiedError(R, g) = min { cert(R_j, g') : R_j ≥ R, g' ≤ g }
//
// is a valid certificate that is nondecreasing in R and nonincreasing in
// g; [Best](R, g) is the polynomial that attains it. Beyond the table the
// a-priori bound of the series is used, never below the table's value at
// its top radius. The price of the grid is that R is in effect rounded up
// by at most 2.9%.
//
// [Degree](R, ε) is the least degree whose certificate is ≤ ε, searched
// over the whole window of the table (every degree stored at any grid
// radius ≥ R), so when it fails it fails for every degree the table
// tried; [Select](R, d, target) is the planning function of the polynomial
// method: from the interval, the dimension and a target (ε, a degree
// budget or a rank budget) it returns the degree, the rank
// [Rank](d, g) = C(d+g, g), the certificate, the polynomial, and a
// sentence saying why when ε is not met. [New](R, g) builds the polynomial
// for exactly [−R, R] without the table (slow; for diagnostics).
//
// No float64 polynomial has a useful relative certificate when R is large:
// the coefficients grow like e^R while e^x falls to e^{−R}, so rounding the
// coefficients alone costs about 2^{−53}·e^{(1+√2)R}. [Degree] then
// returns the best degree it found with a certificate above ε, and callers
// must compare.
//
// # Notation
//
// R ≥ 0 is the radius of the interval [−R, R] (for attention, a bound on
// every logit |⟨q, k⟩/d|); g is the degree; ε a target relative error;
// u = 2^{−53} the float64 unit roundoff; I_k the modified Bessel function of
// the first kind; T_k the Chebyshev polynomial; d the dimension of the
// vectors and r = C(d+g, g) the number of monomials of degree ≤ g in d
// variables.
package expapprox
