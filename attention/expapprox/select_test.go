package expapprox

import (
	"math"
	"strings"
	"testing"
)

func TestSelectRejects(t *testing.T) {
	tests := []struct {
		R    float64
		d    int
		t    Target
		want string
	}{
		{1, 2, Target{}, "eps"},
		{1, 2, Target{Eps: 1}, "eps"},
		{1, 2, Target{Degree: -1}, "degree"},
		{1, 2, Target{Degree: MaxDegree + 1}, "degree"},
		{1, 2, Target{MaxRank: -1}, "max rank"},
		{1, 2, Target{Degree: 3, MaxRank: 5}, "needs rank"},
		{-1, 2, Target{Eps: 0.1}, "radius"},
		{math.NaN(), 2, Target{Eps: 0.1}, "radius"},
		{MaxRadius * 2, 2, Target{Eps: 0.1}, "radius"},
		{1, -1, Target{Eps: 0.1}, "dimension"},
	}
	for _, tc := range tests {
		_, err := Select(tc.R, tc.d, tc.t)
		if err == nil || !strings.HasPrefix(err.Error(), "expapprox: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Select(%g, %d, %+v) = %v; want an expapprox error about %q", tc.R, tc.d, tc.t, err, tc.want)
		}
	}
}

// TestSelectAgrees: Select's degree, rank and certificate are those of
// Degree, Rank and CertifiedError, for each kind of target.
func TestSelectAgrees(t *testing.T) {
	for _, R := range []float64{0.25, 2, 9} {
		c, err := Select(R, 4, Target{Eps: 1e-5})
		if err != nil {
			t.Fatal(err)
		}
		g, e := Degree(R, 1e-5)
		if c.Degree != g || c.CertErr != e || c.Rank != Rank(4, g) || c.TargetEps != 1e-5 || c.Poly == nil {
			t.Errorf("Select(%g, eps) = %+v; want degree %d, error %g, rank %g", R, c, g, e, Rank(4, g))
		}
		c, err = Select(R, 4, Target{Degree: 7})
		if err != nil {
			t.Fatal(err)
		}
		if c.Degree != 7 || c.CertErr != CertifiedError(R, 7) || c.Rank != 330 {
			t.Errorf("Select(%g, degree 7) = %+v; want certificate %g, rank 330", R, c, CertifiedError(R, 7))
		}
	}
}
