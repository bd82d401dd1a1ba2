package ovp

import (
	"context"
	"strings"
	"testing"
)

// TestFindOrthogonalCountsTestedPairs: Result.Pairs counts the pairs the
// search tested, including those of the row where it stopped, so a pair
// found in the first row is never reported after "0 pairs tested", and
// the count stays within N·M.
func TestFindOrthogonalCountsTestedPairs(t *testing.T) {
	for _, tt := range []struct {
		name string
		n, m int
	}{{"1×1", 1, 1}, {"first row of 3×5", 3, 5}, {"first row of 40×70", 40, 70}} {
		t.Run(tt.name, func(t *testing.T) {
			x := New(tt.n, tt.m, 3)
			for i := range tt.n {
				x.SetVector(A, i, []uint8{0, 0, 1})
			}
			for j := range tt.m {
				x.SetVector(B, j, []uint8{1, 1, 1})
			}
			x.SetVector(B, tt.m-1, []uint8{1, 1, 0}) // orthogonal to every a_i
			res, err := FindOrthogonal(context.Background(), x, Options{Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Found || res.Pair != (Pair{0, tt.m - 1}) {
				t.Fatalf("found %v %+v; want (0, %d)", res.Found, res.Pair, tt.m-1)
			}
			if res.Pairs < int64(tt.m) || res.Pairs > x.Pairs() {
				t.Errorf("Pairs = %d; want the %d pairs of row 0 at least, at most N·M = %d", res.Pairs, tt.m, x.Pairs())
			}
		})
	}
}

// TestPlantGapRefusalReason: the refusal of a gap above 1/2 with a planted
// pair calls 2·⌈δm⌉ ≤ m necessary only when both sides hold two or more
// vectors (with one vector on a side, the planted pair meets nothing on
// that side and the bound is the generator's, not the mathematics').
func TestPlantGapRefusalReason(t *testing.T) {
	for _, tt := range []struct {
		n, m      int
		necessary bool
	}{{1, 1, false}, {1, 3, false}, {3, 3, true}} {
		_, err := PlantGap(context.Background(), GapOptions{N: tt.n, M: tt.m, Dim: 8, Density: 0.5, Gap: 1, Yes: true, Seed: 1})
		if err == nil {
			t.Fatalf("N = %d, M = %d, gap 1: no error", tt.n, tt.m)
		}
		if got := !strings.Contains(err.Error(), "the generator requires it"); got != tt.necessary {
			t.Errorf("N = %d, M = %d: %v; necessary = %v, want %v", tt.n, tt.m, err, got, tt.necessary)
		}
	}
}
