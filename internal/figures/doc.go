// Package figures draws the pictures of a lesson (package explain) with
// gonum/plot, as PNG and SVG, sized and lettered to stay readable when
// projected: the OV vectors as 0/1 grids with the orthogonal pairs marked,
// the logit matrix QKᵀ/d as a heat map, the rows of T as bars against the
// threshold τ and τ ± tol, and the polynomial of step 9 against e^x on
// [−R, R] with its certificate.
//
// # Overview
//
// [Lesson] returns the figures of an explained formula; [Figure.Encode]
// writes one as "png" or "svg"; [Save] writes all of them into a
// directory (atomically, one file per format). Every value drawn is a field
// of the [explain.Lesson] (the same computation the text prints), except
// the curves of P(x)/e^x − 1, which evaluate the solver's own polynomial
// ([expapprox.New] at the lesson's R and degree) at 401 points.
//
// Cost: negligible against the lesson itself, apart from building P (at
// most a second for the largest degrees; memoised by expapprox).
package figures
