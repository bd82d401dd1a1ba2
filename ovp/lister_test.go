package ovp

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/hardnesslab/hardness/sat"
)

// TestListerRanges lists every range [lo, hi) of both sides of random
// formulas (70 clauses: two words per vector) and compares with the rows
// FromCNF lists in one walk, which TestFromCNFVectors checks against the
// definition.
func TestListerRanges(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for seed := range uint64(4) {
		f := randomFormula(t, 9, 70, 3, seed)
		h := 3 + int(seed)
		c, err := FromCNF(f, CNFOptions{Split: h})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []Side{A, B} {
			l, err := NewLister(f, h, s)
			if err != nil {
				t.Fatal(err)
			}
			n, w := c.Len(s), c.Words()
			if l.Len() != n || l.Words() != w {
				t.Fatalf("lister of side %v: %d vectors of %d words; want %d of %d", s, l.Len(), l.Words(), n, w)
			}
			for range 40 {
				lo := rng.IntN(n + 1)
				hi := lo + rng.IntN(n-lo+1)
				dst := make([]uint64, (hi-lo)*w)
				if err := l.List(context.Background(), dst, lo, hi); err != nil {
					t.Fatal(err)
				}
				if want := c.Data(s)[lo*w : hi*w]; !slices.Equal(dst, want) {
					t.Fatalf("seed %d, side %v, range [%d, %d): vectors differ from FromCNF", seed, s, lo, hi)
				}
			}
		}
	}
}

// TestListerErrorsAndCancel: bad splits and literals are errors; a
// cancelled context stops a long walk.
func TestListerErrorsAndCancel(t *testing.T) {
	f := randomFormula(t, 30, 10, 3, 1)
	if _, err := NewLister(f, 31, A); err == nil {
		t.Error("split 31 of 30 variables: no error")
	}
	bad := randomFormula(t, 30, 10, 3, 1)
	bad.Clauses = append(bad.Clauses, sat.Clause{31})
	if _, err := NewLister(bad, 0, A); err == nil {
		t.Error("literal 31 of 30 variables: no error")
	}
	l, err := NewLister(f, 0, B)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.List(ctx, make([]uint64, l.Len()), 0, l.Len()); err == nil {
		t.Error("List after cancel: no error")
	}
}
