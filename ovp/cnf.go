package ovp

import (
	"context"
	"fmt"
	"math"

	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/sat"
)

// MaxSplitVars is the largest number of variables a side may hold: 2^40
// vectors is far beyond any memory limit, and the bound keeps 1<<h in range.
const MaxSplitVars = 40

// CNFOptions configures [FromCNF].
type CNFOptions struct {
	// Split is h, the number of variables (x1..xh) listed on side A; side B
	// gets x(h+1)..xv. 0 means the default ⌊v/2⌋ (see [DefaultSplit]); so a
	// split of 0 variables on A can only be had as the default for v = 1.
	Split int
	// MaxMemory is the limit in bytes for the instance; 0 means
	// memlimit.Default (8 GiB).
	MaxMemory int64
}

// DefaultSplit returns ⌊v/2⌋, the split of docs/design.md §2.1.
func DefaultSplit(v int) int { return v / 2 }

// CNF is the OV instance of a CNF formula by split-and-list (Williams 2005;
// docs/design.md §2.1). Row i of A is the first-half assignment whose bit t is the
// value of variable x(t+1), t < Split; row j of B is the second-half
// assignment whose bit t is the value of x(Split+1+t). Coordinate c of a
// vector is 1 iff that partial assignment satisfies no literal of clause
// c, so ⟨a_i, b_j⟩ is the number of clauses the full assignment falsifies.
type CNF struct {
	*Instance
	Formula *sat.Formula // the formula, not copied
	Split   int          // h: variables 1..h on side A, h+1..v on side B
}

// CNFBytes returns the estimated memory of FromCNF for a formula with v
// variables, m clauses and lits literal occurrences split at h: the packed
// vectors plus the occurrence lists.
func CNFBytes(v, h, m, lits int) float64 {
	return Bytes(math.Ldexp(1, h), math.Ldexp(1, v-h), m) + float64(16*lits+16*m+64*v)
}

// FromCNF builds the split-and-list OV instance of f: |A| = 2^h,
// |B| = 2^(v−h), dimension m = number of clauses. The 2^h partial
// assignments of each side are enumerated in Gray-code order, so each
// vector costs O(m/64 + occurrences of one variable) instead of a full
// clause evaluation; total time O((2^h + 2^(v−h))·(m/64 + L/v)) amortised,
// L the literal count.
//
// The memory is estimated first; above opt.MaxMemory FromCNF returns a
// *memlimit.Error with a hint. A literal whose variable is 0 or above
// f.Vars is an error.
func FromCNF(f *sat.Formula, opt CNFOptions) (*CNF, error) {
	return FromCNFContext(context.Background(), f, opt)
}

// FromCNFContext is [FromCNF] that stops with ctx's error when ctx ends,
// checked every 4096 vectors (well under 100 ms).
func FromCNFContext(ctx context.Context, f *sat.Formula, opt CNFOptions) (*CNF, error) {
	v, m := f.Vars, len(f.Clauses)
	h, err := resolveSplit(v, opt.Split)
	if err != nil {
		return nil, err
	}
	for ci, c := range f.Clauses {
		for _, l := range c {
			if l == 0 || l.Var() > v {
				return nil, fmt.Errorf("ovp: clause %d has literal %d, want a variable in 1..%d", ci+1, l, v)
			}
		}
	}
	need := CNFBytes(v, h, m, f.NumLits())
	what := fmt.Sprintf("OV instance of 2^%d + 2^%d vectors of dimension %d", h, v-h, m)
	hint := fmt.Sprintf("use a formula with fewer variables or clauses (the default split ⌊v/2⌋ = %d is the smallest)", v/2)
	if h != v/2 && h != (v+1)/2 {
		hint = fmt.Sprintf("move the split towards v/2 (--split %d), or use a formula with fewer variables", v/2)
	}
	if err := memlimit.Check(what, memlimit.Float(need), opt.MaxMemory, hint); err != nil {
		return nil, err
	}
	x := New(1<<h, 1<<(v-h), m)
	if err := listHalf(ctx, f, x, A, h); err != nil {
		return nil, err
	}
	if err := listHalf(ctx, f, x, B, h); err != nil {
		return nil, err
	}
	return &CNF{Instance: x, Formula: f, Split: h}, nil
}

// occurrence is one literal occurrence of a variable.
type occurrence struct {
	clause int32
	neg    bool
}

// listHalf fills side s with the vectors of all 2^k assignments of its
// variables, in one Gray-code walk ([Lister.List]). It returns ctx's error
// if ctx ends.
func listHalf(ctx context.Context, f *sat.Formula, x *Instance, s Side, h int) error {
	l, err := NewLister(f, h, s)
	if err != nil {
		return err
	}
	return l.List(ctx, x.data[s], 0, l.Len())
}

// Assignment returns the full assignment of the pair (i, j): variables
// 1..Split from the bits of i, Split+1..v from the bits of j. The number of
// clauses it falsifies is Dot(i, j). It panics if i or j is out of range.
func (c *CNF) Assignment(i, j int) sat.Assignment {
	if i < 0 || i >= c.N() || j < 0 || j >= c.M() {
		panic(fmt.Sprintf("ovp: pair (%d, %d) out of range [0,%d)×[0,%d)", i, j, c.N(), c.M()))
	}
	return SplitAssignment(c.Formula.Vars, c.Split, i, j)
}

// SplitAssignment is [CNF.Assignment] without the instance: the
// assignment of v variables whose first h come from the bits of i and the
// rest from the bits of j.
func SplitAssignment(v, h, i, j int) sat.Assignment {
	a := sat.NewAssignment(v)
	for t := 0; t < h; t++ {
		a[1+t] = i>>t&1 == 1
	}
	for t := 0; t < v-h; t++ {
		a[h+1+t] = j>>t&1 == 1
	}
	return a
}

// Index returns the pair (i, j) whose assignment is a, the inverse of
// [CNF.Assignment]. It panics if a has fewer variables than the formula.
func (c *CNF) Index(a sat.Assignment) (i, j int) {
	v := c.Formula.Vars
	if a.Vars() < v {
		panic(fmt.Sprintf("ovp: assignment of %d variables, formula has %d", a.Vars(), v))
	}
	for t := 0; t < c.Split; t++ {
		if a[1+t] {
			i |= 1 << t
		}
	}
	for t := 0; t < v-c.Split; t++ {
		if a[c.Split+1+t] {
			j |= 1 << t
		}
	}
	return i, j
}

// resolveSplit returns the split h of v variables (0 meaning ⌊v/2⌋), or an
// error when it is out of range or would list more than 2^MaxSplitVars
// vectors on one side.
func resolveSplit(v, h int) (int, error) {
	if h == 0 {
		h = DefaultSplit(v)
	}
	if h < 0 || h > v {
		return 0, fmt.Errorf("ovp: split %d out of range [0,%d] for %d variables", h, v, v)
	}
	if h > MaxSplitVars || v-h > MaxSplitVars {
		return 0, fmt.Errorf("ovp: split %d of %d variables lists 2^%d vectors on one side, above 2^%d",
			h, v, max(h, v-h), MaxSplitVars)
	}
	return h, nil
}
