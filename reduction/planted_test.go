package reduction

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/hardnesslab/hardness/ovp"
)

// plantedDim is the dimension of the planted Gap-OV family: m = 6·log2 N,
// so d = O(log n) as the theorem requires.
func plantedDim(lgN int) int { return 6 * lgN }

// TestPlantedGapOVBounded checks, for the planted Gap-OV family with
// constant δ = 0.2 and N = M = 2^6 … 2^14 (and on to 2^30 for the formula
// alone), that B/√ln n stays below √(2/δ) and decreases towards 1/√δ, the
// Θ(√log n) regime of the lower bound, while B itself grows.
func TestPlantedGapOVBounded(t *testing.T) {
	const delta = 0.2
	prevRatio, prevB := math.Inf(1), 0.0
	for lg := 6; lg <= 30; lg += 2 {
		p, err := OVParams(1<<lg, 1<<lg, plantedDim(lg), delta)
		if err != nil {
			t.Fatal(err)
		}
		if p.BOverSqrtLnN > math.Sqrt(2/delta) || p.BOverSqrtLnN < 1/math.Sqrt(delta) {
			t.Errorf("N = 2^%d: B/√ln n = %.4f; want in [1/√δ, √(2/δ)] = [%.4f, %.4f]", lg, p.BOverSqrtLnN, 1/math.Sqrt(delta), math.Sqrt(2/delta))
		}
		if p.BOverSqrtLnN >= prevRatio || p.B <= prevB {
			t.Errorf("N = 2^%d: B = %.4f, B/√ln n = %.4f; want B increasing and the ratio decreasing (previous %.4f, %.4f)", lg, p.B, p.BOverSqrtLnN, prevB, prevRatio)
		}
		prevRatio, prevB = p.BOverSqrtLnN, p.B
	}
}

// TestPlantedGapOVDecoding runs planted Gap-OV instances (δ = 0.2, density
// 0.6) through exact attention, YES and NO: the verdict is the planted one,
// the witness is the planted pair (the only orthogonal one), and B/√ln n is
// the formula's. Sizes N = M = 2^6 … 2^12 (2^12 is 2^12 × 2^13 × 72 for
// exact attention, a few seconds); 2^14 would take a minute of exact
// attention, so its parameters are checked by TestPlantedGapOVBounded.
func TestPlantedGapOVDecoding(t *testing.T) {
	const delta = 0.2
	top := 12
	if testing.Short() {
		top = 10
	}
	for lg := 6; lg <= top; lg += 2 {
		for _, yes := range []bool{true, false} {
			t.Run(fmt.Sprintf("N=2^%d/yes=%v", lg, yes), func(t *testing.T) {
				n := 1 << lg
				pl, err := ovp.PlantGap(context.Background(), ovp.GapOptions{N: n, M: n, Dim: plantedDim(lg),
					Density: 0.6, Gap: delta, Yes: yes, Seed: uint64(lg)})
				if err != nil {
					t.Fatal(err)
				}
				r, err := RunOV(context.Background(), pl.Instance, Options{Algo: exactAlgo(t), Gap: delta})
				if err != nil {
					t.Fatal(err)
				}
				want := Unsat
				if yes {
					want = Sat
				}
				if r.Verdict != want || !r.Agree {
					t.Fatalf("verdict %v, agree %v (%s); want %v", r.Verdict, r.Agree, r.Reason, want)
				}
				if yes && (r.Witness.Row != pl.Pair.I || r.Witness.Partner != pl.Pair.J) {
					t.Errorf("witness (%d, %d); want the planted pair %v", r.Witness.Row, r.Witness.Partner, pl.Pair)
				}
				p, _ := OVParams(n, n, plantedDim(lg), delta)
				if r.Params.BOverSqrtLnN != p.BOverSqrtLnN || r.Params.BOverSqrtLnN > math.Sqrt(2/delta) {
					t.Errorf("B/√ln n = %v; want %v ≤ √(2/δ)", r.Params.BOverSqrtLnN, p.BOverSqrtLnN)
				}
				// The realised margin: NO rows stay below 1/(4M+5).
				if mb := float64(r.Decision.MaxBelow); mb > r.Params.NoUpper {
					t.Errorf("largest NO row %v; want ≤ 1/(4M+5) = %v", mb, r.Params.NoUpper)
				}
			})
		}
	}
}
