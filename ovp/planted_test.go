package ovp

import (
	"context"
	"fmt"
	"testing"
)

// TestPlantGap checks the promise on every pair with the naive reference.
func TestPlantGap(t *testing.T) {
	tests := []GapOptions{
		{N: 50, M: 40, Dim: 30, Gap: 0.1, Yes: true},
		{N: 50, M: 40, Dim: 30, Gap: 0.1},
		{N: 64, M: 64, Dim: 64, Gap: 0.2, Density: 0.5, Yes: true},
		{N: 33, M: 70, Dim: 129, Gap: 0.05, Density: 0.2, Yes: true},
		{N: 33, M: 70, Dim: 129, Gap: 0.3, Density: 0.3}, // mean ρ² = 0.09 < δ: heavy repair
		{N: 1, M: 1, Dim: 2, Gap: 0.5, Yes: true},
		{N: 20, M: 20, Dim: 200, Gap: 0.5, Density: 0.1, Yes: true},
	}
	for n, o := range tests {
		o.Seed = uint64(n + 1)
		t.Run(fmt.Sprintf("%d×%d/m=%d/gap=%g/yes=%v", o.N, o.M, o.Dim, o.Gap, o.Yes), func(t *testing.T) {
			p, err := PlantGap(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			want := naiveStats(p.Instance, false)
			k := gapTarget(o.Gap, o.Dim)
			for i := 0; i < p.N(); i++ {
				for j := 0; j < p.M(); j++ {
					d := p.Dot(i, j)
					if o.Yes && (Pair{i, j}) == p.Pair {
						if d != 0 {
							t.Errorf("planted pair %v has inner product %d; want 0", p.Pair, d)
						}
					} else if d < k {
						t.Errorf("pair (%d,%d) has inner product %d; want ≥ %d", i, j, d, k)
					}
				}
			}
			if p.Stats.MinNonzero != want.MinNonzero || p.Stats.Zero() != want.Hist[0] {
				t.Errorf("Stats = %v; want %v", p.Stats, want)
			}
			if n == 4 && p.Repaired == 0 {
				t.Errorf("no pair repaired; the case is meant to exercise repair")
			}
			if p.Stats.MinNonzero >= 0 && p.Gap() < o.Gap {
				t.Errorf("realised gap %g < %g", p.Gap(), o.Gap)
			}
		})
	}
}

func TestPlantGapErrors(t *testing.T) {
	for _, o := range []GapOptions{
		{N: 0, M: 5, Dim: 10, Gap: 0.1},
		{N: 5, M: 5, Dim: 0, Gap: 0.1},
		{N: 5, M: 5, Dim: 10, Gap: 0},
		{N: 5, M: 5, Dim: 10, Gap: 0.6, Yes: true},
		{N: 5, M: 5, Dim: 10, Gap: 0.1, Density: 1},
		{N: 1 << 20, M: 1 << 20, Dim: 1000, Gap: 0.1, MaxMemory: 1 << 20},
		{N: 3000, M: 3000, Dim: 100, Gap: 0.9, Density: 0.05}, // hopeless: every pair short
	} {
		if _, err := PlantGap(context.Background(), o); err == nil {
			t.Errorf("PlantGap(%+v) = nil error; want an error", o)
		}
	}
}

// TestPlantANN checks the Gap-ANN promise on every pair.
func TestPlantANN(t *testing.T) {
	tests := []ANNOptions{
		{N: 40, M: 50, Dim: 64, T: 10, Eps: 1, Close: true},
		{N: 40, M: 50, Dim: 64, T: 10, Eps: 1},
		{N: 100, M: 30, Dim: 200, T: 40, Eps: 0.5, Close: true},
		{N: 60, M: 60, Dim: 48, T: 6, Eps: 1.5, Close: true}, // mean 24 vs far 15: redraws
		{N: 1, M: 1, Dim: 5, T: 0, Eps: 1, Close: true},
	}
	for n, o := range tests {
		o.Seed = uint64(n + 1)
		t.Run(fmt.Sprintf("%d×%d/d=%d/t=%d/eps=%g/close=%v", o.N, o.M, o.Dim, o.T, o.Eps, o.Close), func(t *testing.T) {
			p, err := PlantANN(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			far := p.Far()
			minFar := -1
			for i := 0; i < p.N(); i++ {
				for j := 0; j < p.M(); j++ {
					d := p.Dist(i, j)
					if o.Close && (Pair{i, j}) == p.Pair {
						if d != o.T {
							t.Errorf("planted pair %v at distance %d; want %d", p.Pair, d, o.T)
						}
						continue
					}
					if d < far {
						t.Errorf("pair (%d,%d) at distance %d; want ≥ %d", i, j, d, far)
					}
					if minFar < 0 || d < minFar {
						minFar = d
					}
				}
			}
			if n == 3 && p.Resampled == 0 {
				t.Errorf("no vector redrawn; the case is meant to exercise redrawing")
			}
			if p.MinFar != minFar {
				t.Errorf("MinFar = %d; want %d", p.MinFar, minFar)
			}
		})
	}
}

func TestHammingFar(t *testing.T) {
	tests := []struct {
		t    int
		eps  float64
		want int
	}{{10, 1, 20}, {10, 0.5, 15}, {10, 0.01, 11}, {0, 1, 1}, {3, 1.0 / 3, 4}, {7, 0.3, 10}}
	for _, tt := range tests {
		h := &Hamming{T: tt.t, Eps: tt.eps}
		if got := h.Far(); got != tt.want {
			t.Errorf("Hamming{T: %d, Eps: %g}.Far() = %d; want %d", tt.t, tt.eps, got, tt.want)
		}
	}
}
