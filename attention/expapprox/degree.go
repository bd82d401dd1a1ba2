package expapprox

import (
	"fmt"
	"math"
)

// Degree returns the least degree g whose certified relative error
// [CertifiedError](R, g) is at most eps, and that error, scanning
// degrees from an estimate (the certificate decreases with g). When no degree reaches eps
// (float64 coefficients put a floor of about u·e^{2R} under any relative
// bound), it returns the degree past which the bound stops improving, with
// its error > eps: callers must compare.
func Degree(R, eps float64) (g int, certErr float64) {
	if !(eps > 0) {
		panic("expapprox: Degree needs eps > 0")
	}
	g, certErr, _ = search(R, eps)
	return g, certErr
}

// search is Degree also returning the polynomial it certified
// (nil when g > MaxBuildDegree: then the certificate is a priori).
// The a-posteriori certificate is typically below the a-priori one by a
// factor up to about e^R, so the scan starts at the a-priori degree for
// 4·e^R·eps and moves up (at most to the a-priori degree for eps, which is
// certified) or down from there.
func search(R, eps float64) (int, float64, *Poly) {
	hi, ehi := aprioriDegree(R, eps)
	if hi > MaxBuildDegree || R > MaxRadius {
		return hi, ehi, nil
	}
	if ehi > eps {
		// Floor case of the a-priori bound: the least degree near it that
		// the built polynomial certifies, else the best certificate.
		var best *Poly
		for g := max(0, hi-8); g <= min(hi+8, MaxBuildDegree); g++ {
			p := shared(R, g)
			if p.CertErr <= eps {
				return g, p.CertErr, p
			}
			if best == nil || p.CertErr < best.CertErr*(1-1e-3) {
				best = p
			}
		}
		return len(best.Coef) - 1, best.CertErr, best
	}
	start, _ := aprioriDegree(R, math.Min(4*math.Exp(R)*eps, 0.5))
	g := min(max(0, start-1), hi)
	p := shared(R, g)
	for p.CertErr > eps && g < hi {
		g++
		p = shared(R, g)
	}
	for g > 0 {
		q := shared(R, g-1)
		if q.CertErr > eps {
			break
		}
		g, p = g-1, q
	}
	return g, p.CertErr, p
}

// aprioriDegree is Degree for the O(1) bound APrioriError.
func aprioriDegree(R, eps float64) (g int, certErr float64) {
	best, bestErr := 0, APrioriError(R, 0)
	for g := 0; g <= MaxDegree; g++ {
		e := APrioriError(R, g)
		if e <= eps {
			return g, e
		}
		if e < bestErr*(1-1e-3) {
			best, bestErr = g, e
		} else if g > best+8 && R < 2*float64(g) {
			break // past the floor: no further degree helps
		}
	}
	return best, bestErr
}

// Target says how [Select] chooses the degree; exactly as the options of
// the polynomial method: Degree > 0 fixes g (a budget; with MaxRank > 0 it
// must fit in it); otherwise MaxRank > 0 takes the largest g with
// Rank(d, g) ≤ MaxRank (capped where the bound stops improving); otherwise
// Eps ∈ (0, 1) asks for the least g whose certificate is ≤ Eps.
type Target struct {
	Eps     float64
	Degree  int
	MaxRank int
}

// Choice is the outcome of [Select]: the degree, the rank it costs in
// dimension D, and the certificate of the polynomial on [−R, R].
type Choice struct {
	R      float64 // the radius asked for
	D      int     // the dimension asked for
	Degree int
	// Rank is Rank(D, Degree) (float64: may exceed int).
	Rank float64
	// CertErr is the certified relative error of Poly on [−R, R]
	// (CertifiedError(R, Degree)); ≥ 1 means the bound is vacuous.
	CertErr float64
	// TargetEps is Target.Eps when it chose the degree, else 0.
	TargetEps float64
	// Poly is the polynomial, nil when Degree > MaxBuildDegree (then
	// CertErr is the a-priori bound and the caller builds it with [New]).
	// Shared: do not modify.
	Poly *Poly
}

// Select chooses the degree of the polynomial method for logits in
// [−R, R] in dimension d under the target t, and returns the degree, the
// rank and the certificate, with the polynomial built (for degrees up to
// MaxBuildDegree). It is the one planning function: the attention solver
// (attention.Poly) calls it, so a caller that reports what the solver
// would do should call it too. It returns an error (never
// panics) on out-of-range arguments. Cost: that of [Degree] (or of one
// [New]) plus O(g) for the rank.
func Select(R float64, d int, t Target) (Choice, error) {
	switch {
	case !(R >= 0) || R > MaxRadius:
		return Choice{}, fmt.Errorf("expapprox: radius R = %.4g out of range [0, %g]: e^R is beyond float64 and no polynomial in float64 can certify anything", R, float64(MaxRadius))
	case d < 0:
		return Choice{}, fmt.Errorf("expapprox: dimension %d is negative", d)
	case t.Degree < 0 || t.Degree > MaxDegree:
		return Choice{}, fmt.Errorf("expapprox: degree %d out of range [0, %d]", t.Degree, MaxDegree)
	case t.MaxRank < 0:
		return Choice{}, fmt.Errorf("expapprox: max rank %d is negative", t.MaxRank)
	case t.Degree == 0 && t.MaxRank == 0 && !(t.Eps > 0 && t.Eps < 1):
		return Choice{}, fmt.Errorf("expapprox: eps %g out of range: want 0 < eps < 1, or set a degree or a max rank", t.Eps)
	}
	c := Choice{R: R, D: d}
	switch {
	case t.Degree > 0:
		c.Degree = t.Degree
		if t.MaxRank > 0 && Rank(d, t.Degree) > float64(t.MaxRank) {
			return Choice{}, fmt.Errorf("expapprox: degree %d needs rank C(%d+%d, %d) = %.6g, above the max rank %d",
				t.Degree, d, t.Degree, t.Degree, Rank(d, t.Degree), t.MaxRank)
		}
	case t.MaxRank > 0:
		// Largest g within the budget, but no higher than where the
		// certificate stops improving.
		useful, _ := aprioriDegree(R, 1e-300)
		g := 0
		for g < useful && Rank(d, g+1) <= float64(t.MaxRank) {
			g++
		}
		c.Degree = g
	default:
		c.Degree, _, c.Poly = search(R, t.Eps)
		c.TargetEps = t.Eps
	}
	if c.Poly == nil && c.Degree <= MaxBuildDegree {
		c.Poly = shared(R, c.Degree)
	}
	c.Rank = Rank(d, c.Degree)
	c.CertErr = APrioriError(R, c.Degree)
	if c.Poly != nil {
		c.CertErr = c.Poly.CertErr
	}
	return c, nil
}
