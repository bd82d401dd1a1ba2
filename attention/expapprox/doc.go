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
// [CertifiedError](R, g) is New(R, g).CertErr (the a-priori bound beyond
// degree [MaxBuildDegree]); [Degree](R, ε) is the least degree whose
// certificate is ≤ ε; [Select](R, d, target) is the planning function of
// the polynomial method: from the interval, the dimension and a target (ε,
// a fixed degree or a rank budget) it returns the degree, the rank
// [Rank](d, g) = C(d+g, g) and the certificate. Built polynomials are
// memoised per (R, g).
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
