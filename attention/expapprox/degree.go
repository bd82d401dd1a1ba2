package expapprox

import (
	"fmt"
	"math"
)

// CertifiedError returns the certified relative error on [−R, R] of the
// best polynomial of degree ≤ g that this package has, [Best](R, g).CertErr:
//
//	sup_{|x|≤R} |P(x) − e^x| / e^x ≤ CertifiedError(R, g).
//
// It is nondecreasing in R and nonincreasing in g (a polynomial certified
// on a wider interval, or of a lower degree, is a candidate too). For
// R ≤ [TableRadius]() it comes from the embedded table; beyond, from the
// a-priori bound of the Chebyshev series (≥ 1 there: vacuous). Cost
// O(points · g) table lookups, or O(g) there; no polynomial is built.
func CertifiedError(R float64, g int) float64 {
	checkArgs(R, g)
	c, _, _ := bestCert(R, g)
	return c
}

// checkArgs panics on arguments no caller should pass (negative or NaN R,
// negative g): a programming error, not bad user data ([Select] returns
// an error for those instead).
func checkArgs(R float64, g int) {
	if g < 0 {
		panic("expapprox: negative degree")
	}
	if !(R >= 0) {
		panic("expapprox: negative or NaN radius")
	}
}

// bestCert returns the certificate of Best(R, g), the degree of that
// polynomial, and its table entry (j = −1 beyond the table).
func bestCert(R float64, g int) (cert float64, deg int, ref tableRef) {
	walk(R, g, func(_ int, c float64, gg int, r tableRef) bool {
		cert, deg, ref = c, gg, r
		return true
	})
	return cert, deg, ref
}

// walk calls visit for g = 0, 1, …, maxG with the envelope at g: the
// certificate of the best polynomial of degree ≤ g on an interval
// containing [−R, R], its degree, and its table entry (j = −1 beyond the
// table); it stops when visit returns false. Cost O(points) per degree in
// the table, O(1) beyond.
func walk(R float64, maxG int, visit func(g int, cert float64, deg int, ref tableRef) bool) {
	if R == 0 {
		for g := 0; g <= maxG; g++ {
			if !visit(g, 0, 0, tableRef{j: -1}) { // e^x = 1 = P(x) on {0}
				return
			}
		}
		return
	}
	pts := table()
	if R <= TableRadius() {
		i := tableIndex(pts, R)
		best := tableRef{j: -1, cert: math.Inf(1)}
		for g := 0; g <= maxG; g++ {
			for j := i; j < len(pts); j++ {
				if e := pts[j].entries; g < len(e) && e[g].cert < best.cert {
					best = tableRef{j: j, g: g, cert: e[g].cert}
				}
			}
			if !visit(g, best.cert, best.g, best) {
				return
			}
		}
		return
	}
	// Beyond the table: the series' a-priori bound (nondecreasing in R),
	// never below the table's certificate at its top radius, so that the
	// certificate stays monotone across it.
	top := pts[len(pts)-1].entries
	topBest, best, bestG := math.Inf(1), math.Inf(1), 0
	for g := 0; g <= maxG; g++ {
		if g < len(top) {
			topBest = math.Min(topBest, top[g].cert)
		}
		if e := APrioriError(R, g); e < best {
			best, bestG = e, g
		}
		if !visit(g, math.Max(best, topBest), bestG, tableRef{j: -1}) {
			return
		}
	}
}

// Best returns the polynomial behind [CertifiedError](R, g): the one of
// degree ≤ g (len(Coef) − 1) with the smallest certificate on an interval
// [−Best.R, Best.R] ⊇ [−R, R]; CertErr is that certificate, valid on
// [−R, R]. Within the table this is a near-minimax polynomial or a
// truncated Chebyshev series built on a grid radius R_j ≥ R (2.9% apart);
// beyond it, the series built on [−R, R]. The result is shared: do not
// modify it. Cost: a lookup, plus building the series (≈ 0.1–2 ms) the
// first time.
func Best(R float64, g int) *Poly {
	checkArgs(R, g)
	c, gg, ref := bestCert(R, g)
	switch {
	case R == 0:
		return shared(0, 0)
	case ref.j >= 0:
		return tablePoly(ref)
	}
	return beyondPoly(R, gg, c)
}

// beyondPoly is the series of degree g on [−R, R] beyond the table, with
// the certificate cert (≥ its own, as bestCert computes it).
func beyondPoly(R float64, g int, cert float64) *Poly {
	p := shared(R, g)
	return &Poly{R: p.R, Coef: p.Coef, CertErr: math.Max(cert, p.CertErr)}
}

// Degree returns the least degree g with [CertifiedError](R, g) ≤ eps, and
// that error. When no degree reaches eps it returns the degree of the
// smallest certificate it found, with that certificate (> eps): callers
// must compare ([Select] says why). Cost O(points · window) lookups.
func Degree(R, eps float64) (g int, certErr float64) {
	if !(eps > 0) {
		panic("expapprox: Degree needs eps > 0")
	}
	checkArgs(R, 0)
	s := search(R, eps)
	return s.g, s.cert
}

// searchResult is the outcome of the degree search for a target ε.
type searchResult struct {
	g      int
	cert   float64
	met    bool
	window int    // degrees searched: 0 … window
	reason string // why ε is not met (empty when met)
}

// search scans degrees 0, 1, … and stops at the first whose certificate
// is ≤ eps. Within the table the window is every degree stored at a grid
// radius ≥ R (each radius was tried until its certificate had not improved
// for tablePatience degrees); beyond it, every degree ≤ MaxDegree.
func search(R, eps float64) searchResult {
	if R == 0 {
		return searchResult{met: true}
	}
	window := MaxDegree
	if R <= TableRadius() {
		window = tableWindow(R)
	}
	best := searchResult{cert: math.Inf(1), window: window}
	var found *searchResult
	// The envelope is nonincreasing in g: walk it to the first g that
	// meets eps.
	walk(R, window, func(g int, c float64, gg int, _ tableRef) bool {
		if c <= eps {
			found = &searchResult{g: gg, cert: c, met: true, window: window}
			return false
		}
		if c < best.cert {
			best.g, best.cert = gg, c
		}
		return true
	})
	if found != nil {
		return *found
	}
	const u = 0x1p-53
	if R <= TableRadius() {
		best.reason = fmt.Sprintf("no polynomial of degree ≤ %d certifies ε = %.3g on an interval containing [−R, R], R = %.4g "+
			"(best: %.3g at degree %d); each radius was tried until its certificate had not improved for %d degrees: "+
			"float64 coefficients put a floor near 2^−53·e^{2R} = %.3g under relative certificates",
			window, eps, R, best.cert, best.g, tablePatience, u*math.Exp(2*R))
	} else {
		best.reason = fmt.Sprintf("beyond R = %.4g only the a-priori bound of the Chebyshev series certifies, and no degree ≤ %d "+
			"brings it to ε = %.3g at R = %.4g (best: %.3g at degree %d); float64 coefficients put a floor near "+
			"2^−53·e^{2R} = %.3g under relative certificates", TableRadius(), window, eps, R, best.cert, best.g, u*math.Exp(2*R))
	}
	return best
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

// Target says how [Select] chooses the degree, exactly as the options of
// the polynomial method: Degree > 0 is a budget g ≤ Degree (with
// MaxRank > 0 it must also fit in it); otherwise MaxRank > 0 is a budget:
// the largest g with Rank(d, g) ≤ MaxRank; otherwise Eps ∈ (0, 1) asks for
// the least g whose certificate is ≤ Eps. Under a budget the polynomial is
// the best certified one of degree ≤ the budget ([Best]): a lower degree
// when the higher ones do not improve the certificate, and exactly the
// budget when every certificate within it is vacuous (≥ 1).
type Target struct {
	Eps     float64
	Degree  int
	MaxRank int
}

// Choice is the outcome of [Select]: the degree, the rank it costs in
// dimension D, the certificate of the polynomial on [−R, R], and, when
// the target is not met or the budget not used, why.
type Choice struct {
	R      float64 // the radius asked for
	D      int     // the dimension asked for
	Degree int     // the degree of Poly
	// Budget is the largest degree the target allowed (Target.Degree, or
	// the largest fitting in Target.MaxRank); 0 under an ε target.
	Budget int
	// Rank is Rank(D, Degree) (float64: may exceed int).
	Rank float64
	// CertErr is the certified relative error of Poly on [−R, R]; ≥ 1
	// means the bound is vacuous.
	CertErr float64
	// TargetEps is Target.Eps when it chose the degree, else 0; Met
	// reports CertErr ≤ TargetEps.
	TargetEps float64
	Met       bool
	// Window is the last degree the search tried (degrees 0 … Window).
	Window int
	// Reason says, in one sentence for the user, why the ε target is not
	// met or why the polynomial's degree is not the budget; empty
	// otherwise.
	Reason string
	// Poly is the polynomial (shared: do not modify).
	Poly *Poly
}

// Select chooses the degree of the polynomial method for logits in
// [−R, R] in dimension d under the target t, and returns the degree, the
// rank, the certificate and the polynomial. It is the one planning
// function: the attention solver (attention.Poly) calls it, so a caller
// that reports what the solver would do should call it too. It returns an
// error (never panics) on out-of-range arguments. Cost: table lookups
// (microseconds) and, the first time a polynomial is used, building the
// series (≈ 0.1–2 ms); beyond the table radius, building the series on
// [−R, R].
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
	case t.Degree > 0 && t.MaxRank > 0 && Rank(d, t.Degree) > float64(t.MaxRank):
		return Choice{}, fmt.Errorf("expapprox: degree %d needs rank C(%d+%d, %d) = %.6g, above the max rank %d",
			t.Degree, d, t.Degree, t.Degree, Rank(d, t.Degree), t.MaxRank)
	}
	c := Choice{R: R, D: d}
	if t.Degree == 0 && t.MaxRank == 0 {
		s := search(R, t.Eps)
		c.Degree, c.CertErr, c.Met, c.Window, c.Reason = s.g, s.cert, s.met, s.window, s.reason
		c.TargetEps = t.Eps
		c.Poly = Best(R, s.g)
	} else {
		c.budget(R, t, d)
	}
	c.Rank = Rank(d, c.Degree)
	return c, nil
}

// budget fills c for a degree or rank budget.
func (c *Choice) budget(R float64, t Target, d int) {
	c.Budget = t.Degree
	if c.Budget == 0 {
		c.Budget = rankBudget(d, t.MaxRank)
	}
	c.Window = c.Budget
	c.Poly = Best(R, c.Budget)
	c.Degree, c.CertErr = len(c.Poly.Coef)-1, c.Poly.CertErr
	switch {
	case c.CertErr >= 1 && c.Degree < c.Budget:
		// Nothing within the budget certifies anything: take the largest
		// degree that fits, as the budget says.
		c.Degree = min(c.Budget, MaxBuildDegree)
		p := shared(R, c.Degree)
		c.Poly = &Poly{R: p.R, Coef: p.Coef, CertErr: math.Max(p.CertErr, c.CertErr)}
		c.CertErr = c.Poly.CertErr
		c.Reason = fmt.Sprintf("every certificate of degree ≤ %d on [−R, R] is vacuous (≥ 1): the largest degree that fits, %d, is used", c.Budget, c.Degree)
	case c.Degree < c.Budget:
		c.Reason = fmt.Sprintf("degrees %d … %d do not improve the certificate on [−R, R], R = %.4g: degree %d is used", c.Degree+1, c.Budget, R, c.Degree)
	}
}

// rankBudget returns the largest g ≤ MaxDegree with Rank(d, g) ≤ maxRank
// (0 when even the constant does not fit).
func rankBudget(d, maxRank int) int {
	g := 0
	for g < MaxDegree && Rank(d, g+1) <= float64(maxRank) {
		g++
	}
	return g
}
