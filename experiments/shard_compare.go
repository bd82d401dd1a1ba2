package experiments

import (
	"fmt"
	"slices"
	"strings"
)

// TimingColumn reports whether a CSV column holds a measured time (which
// differs between any two runs): seconds, reps (chosen from a time),
// *_seconds and the pipeline's per-stage t_* columns.
func TimingColumn(name string) bool {
	return name == "seconds" || name == "reps" || strings.HasSuffix(name, "_seconds") || strings.HasPrefix(name, "t_")
}

// SameCSV compares two CSV files written by an experiment column by
// column, except the [TimingColumn]s, and returns the first difference as
// an error. For scaling.csv, rows are matched by curve (algo, B): a curve
// may be longer in one file than in the other only at its end, because
// the time cap stops a curve at a size that depends on the machine's load.
func SameCSV(a, b string) error {
	ha, ra, err := ReadCSV(a)
	if err != nil {
		return err
	}
	hb, rb, err := ReadCSV(b)
	if err != nil {
		return err
	}
	if !slices.Equal(ha, hb) {
		return fmt.Errorf("columns %v in %s, %v in %s", ha, a, hb, b)
	}
	if len(ha) > 2 && ha[0] == "algo" && ha[1] == "B" {
		return sameCurves(ha, ra, rb, a, b)
	}
	if len(ra) != len(rb) {
		return fmt.Errorf("%d rows in %s, %d in %s", len(ra), a, len(rb), b)
	}
	return sameRows(ha, ra, rb, a, b, "")
}

func sameRows(h []string, ra, rb [][]string, a, b, what string) error {
	for i := range ra {
		for j := range h {
			if !TimingColumn(h[j]) && ra[i][j] != rb[i][j] {
				return fmt.Errorf("%srow %d, column %s: %q in %s, %q in %s", what, i+1, h[j], ra[i][j], a, rb[i][j], b)
			}
		}
	}
	return nil
}

func sameCurves(h []string, ra, rb [][]string, a, b string) error {
	ca, cb := curves(ra), curves(rb)
	for key, xs := range ca {
		ys, ok := cb[key]
		if !ok {
			return fmt.Errorf("curve %s measured in %s but not in %s", key, a, b)
		}
		n := min(len(xs), len(ys))
		if err := sameRows(h, xs[:n], ys[:n], a, b, "curve "+key+", "); err != nil {
			return err
		}
	}
	for key := range cb {
		if _, ok := ca[key]; !ok {
			return fmt.Errorf("curve %s measured in %s but not in %s", key, b, a)
		}
	}
	return nil
}

// curves groups scaling rows by curve (algo, B) in file order.
func curves(rows [][]string) map[string][][]string {
	m := map[string][][]string{}
	for _, r := range rows {
		if len(r) < 2 {
			continue
		}
		key := strings.Join(r[:2], " B=")
		m[key] = append(m[key], r)
	}
	return m
}
