package suite

import (
	"fmt"
	"math"
	"strings"
)

// check returns an error naming the first field of a manifest entry (or
// of the entry part of instance.json) that no suite writes and that the
// scorer relies on: a bad id would name a path outside the suite, bad
// sizes or column index an element outside T̃, a tolerance ≤ 0 or a
// non-finite τ a meaningless margin. Cost O(1).
func (e *Entry) check() error {
	switch {
	case e.ID == "" || e.ID == "." || e.ID == ".." || strings.ContainsAny(e.ID, `/\`) || strings.HasPrefix(e.ID, "."):
		return fmt.Errorf("id %q: want the name of an instance directory (no path separator, not starting with a dot)", e.ID)
	case e.Route != RouteCNF && e.Route != RouteOV && e.Route != RouteANN:
		return fmt.Errorf("route %q: want cnf, ov or ann", e.Route)
	case e.NQueries < 1 || e.NKeys < 1 || e.D < 1 || e.DV < 1:
		return fmt.Errorf("n_queries %d, n_keys %d, d %d, d_v %d: want all ≥ 1", e.NQueries, e.NKeys, e.D, e.DV)
	case e.Column < 0 || e.Column >= e.DV:
		return fmt.Errorf("decisive_column %d: want a column of T in [0, d_v = %d)", e.Column, e.DV)
	case e.Expected != verdictName(e.Route, true) && e.Expected != verdictName(e.Route, false):
		return fmt.Errorf("expected %q: want %s or %s for route %s", e.Expected, verdictName(e.Route, true), verdictName(e.Route, false), e.Route)
	case !finite(e.Tau):
		return fmt.Errorf("tau %v: want a finite threshold", e.Tau)
	case !(e.Tolerance > 0) || !finite(e.Tolerance):
		return fmt.Errorf("tolerance %v: want a finite number > 0", e.Tolerance)
	case !finite(e.C) || !finite(e.B) || !finite(e.Gap):
		return fmt.Errorf("B %v, c %v, gap %v: want finite numbers", e.B, e.C, e.Gap)
	}
	return nil
}

// check validates instance.json: the entry (see Entry.check) and the YES
// rows, which must be distinct rows of T in increasing order, present
// exactly when the expected verdict is YES or SAT.
func (k *Key) check() error {
	if err := k.Entry.check(); err != nil {
		return err
	}
	if k.Yes() != (len(k.YesRows) > 0) {
		return fmt.Errorf("expected %s with %d yes_rows: want YES rows exactly for a YES (SAT) instance", k.Expected, len(k.YesRows))
	}
	for i, r := range k.YesRows {
		if r < 0 || r >= k.NQueries || i > 0 && r <= k.YesRows[i-1] {
			return fmt.Errorf("yes_rows[%d] = %d: want increasing rows of T in [0, n_queries = %d)", i, r, k.NQueries)
		}
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
