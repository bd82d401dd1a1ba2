package experiments

import (
	"fmt"
	"slices"
	"strings"
)

// SameScalingCSV compares two scaling.csv files column by column except
// the timings (seconds, reps). Rows are matched by (algo, B, n). A curve
// may be longer in one file than in the other only at its end (the time
// cap stops a curve at a size that depends on the machine's load); the
// first difference is returned as an error.
func SameScalingCSV(a, b string) error {
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
	skip := map[int]bool{}
	for i, c := range ha {
		if c == "seconds" || c == "reps" {
			skip[i] = true
		}
	}
	ca, cb := curves(ra), curves(rb)
	for key, xs := range ca {
		ys := cb[key]
		n := min(len(xs), len(ys))
		if n == 0 {
			return fmt.Errorf("curve %s measured in %s but not in %s", key, a, b)
		}
		for i := range n {
			for j := range xs[i] {
				if !skip[j] && xs[i][j] != ys[i][j] {
					return fmt.Errorf("curve %s, row %d, column %s: %q in %s, %q in %s", key, i, ha[j], xs[i][j], a, ys[i][j], b)
				}
			}
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
