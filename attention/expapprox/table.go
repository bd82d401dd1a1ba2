package expapprox

import (
	_ "embed"
	"math"
	"sort"
	"sync"
)

//go:generate go test -run ^TestTableRegenerate$ -update -timeout 3h

// tableBin is the table of certified polynomials on the grid of radii (see
// tablegen.go for the grid and the encoding). A polynomial certified on
// [−R_j, R_j] is certified, with the same bound, on every [−R, R] with
// R ≤ R_j: that is what makes the certificate monotone in R and the degree
// search a lookup.
//
//go:embed table.bin
var tableBin []byte

// table returns the decoded table; it panics if the embedded file is
// malformed (a build defect the tests catch, never user data).
var table = sync.OnceValue(func() []tablePoint {
	pts, err := decodeTable(tableBin)
	if err != nil {
		panic(err)
	}
	return pts
})

// TableRadius is the largest radius the table covers (2^4.5 ≈ 22.6):
// below it certificates come from the table, above it from the a-priori
// bound of the Chebyshev series.
func TableRadius() float64 {
	pts := table()
	return pts[len(pts)-1].R
}

// tableIndex returns the index of the first grid radius ≥ R (R ≤
// TableRadius()).
func tableIndex(pts []tablePoint, R float64) int {
	return sort.Search(len(pts), func(i int) bool { return pts[i].R >= R })
}

// tableRef names one table entry: the polynomial of degree g at grid
// point j.
type tableRef struct {
	j, g int
	cert float64
}

// tableBest returns the entry with the smallest certificate among degrees
// ≤ g at grid radii ≥ R (ties: lower degree, then smaller radius), for
// 0 < R ≤ TableRadius(). Cost O(points · g).
func tableBest(R float64, g int) tableRef {
	pts := table()
	best := tableRef{j: -1, cert: math.Inf(1)}
	for gg := 0; gg <= g; gg++ {
		for j := tableIndex(pts, R); j < len(pts); j++ {
			if gg < len(pts[j].entries) && pts[j].entries[gg].cert < best.cert {
				best = tableRef{j: j, g: gg, cert: pts[j].entries[gg].cert}
			}
		}
	}
	return best
}

// tableMaxDegree returns the largest degree stored at any grid radius ≥ R:
// the end of the search window there.
func tableWindow(R float64) int {
	pts := table()
	w := 0
	for j := tableIndex(pts, R); j < len(pts); j++ {
		w = max(w, len(pts[j].entries)-1)
	}
	return w
}

// tablePoly returns the polynomial of a table entry (shared: do not
// modify). The series is rebuilt (bit-identical to the one certified);
// the near-minimax coefficients are the stored ones.
func tablePoly(ref tableRef) *Poly {
	pt := table()[ref.j]
	key := memoKey{R: pt.R, g: ref.g, table: true}
	return memoized(key, func() *Poly {
		p := &Poly{R: pt.R, CertErr: ref.cert}
		if c := pt.entries[ref.g].coef; c != nil {
			p.Coef = append([]float64(nil), c...)
		} else {
			p.Coef = seriesCoef(pt.R, ref.g)
		}
		return p
	})
}
