package ovp

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/hardnesslab/hardness/internal/memlimit"
)

// GapOptions describes a planted Gap-OV instance ([PlantGap]).
type GapOptions struct {
	N, M      int     // |A| and |B|, ≥ 1
	Dim       int     // m ≥ 1
	Density   float64 // ρ: probability of a 1 in a random vector; 0 means 0.5
	Gap       float64 // δ in (0, 1]: every non-planted pair gets ⟨a,b⟩ ≥ ⌈δ·m⌉
	Yes       bool    // plant one orthogonal pair
	Seed      uint64  // seed of the PCG source
	MaxMemory int64   // memory limit in bytes; 0 means memlimit.Default
	Workers   int     // goroutines for the verification; 0 means all cores
}

// Planted is a generated Gap-OV instance with its realised statistics.
type Planted struct {
	*Instance
	Yes      bool   // an orthogonal pair was planted
	Pair     Pair   // the planted pair, if Yes
	Target   int    // ⌈δ·m⌉ (at least 1): the inner product every other pair reaches
	Repaired int    // pairs that fell short of Target and were repaired
	Stats    *Stats // inner products over all pairs, after repair
}

// Gap returns the realised gap: the least nonzero inner product over m
// (Stats.Gap), ≥ the requested δ.
func (p *Planted) Gap() float64 { return p.Stats.Gap() }

// gapTarget returns ⌈δ·m⌉, at least 1, tolerant of rounding in δ·m.
func gapTarget(gap float64, m int) int {
	return max(1, int(math.Ceil(gap*float64(m)-1e-9)))
}

func (o *GapOptions) check() error {
	if o.Density == 0 {
		o.Density = 0.5
	}
	switch {
	case o.N < 1 || o.M < 1:
		return fmt.Errorf("ovp: planted sizes %d×%d, want ≥ 1 vectors per side", o.N, o.M)
	case o.Dim < 1:
		return fmt.Errorf("ovp: planted dimension %d, want ≥ 1", o.Dim)
	case !(o.Density > 0 && o.Density < 1):
		return fmt.Errorf("ovp: density %g, want 0 < ρ < 1", o.Density)
	case !(o.Gap > 0 && o.Gap <= 1):
		return fmt.Errorf("ovp: gap %g, want 0 < δ ≤ 1", o.Gap)
	case o.Yes && 2*gapTarget(o.Gap, o.Dim) > o.Dim:
		why := "the planted vectors are disjoint and each must meet every vector of the other side ⌈δm⌉ times"
		if o.N < 2 || o.M < 2 {
			why = "the generator requires it; with both sides of two or more vectors it is necessary, since " + why
		}
		return fmt.Errorf("ovp: gap %g with a planted pair needs 2·⌈δm⌉ = %d ≤ m = %d (%s)",
			o.Gap, 2*gapTarget(o.Gap, o.Dim), o.Dim, why)
	}
	return nil
}

// PlantGap generates a planted Gap-OV instance (docs/design.md §2.1): N + M random
// vectors with i.i.d. Bernoulli(ρ) bits; if o.Yes, one orthogonal pair
// (a_p, b_q) at random positions, of weights max(round(ρm), ⌈δm⌉) on
// disjoint supports. Every other pair is then checked, and a pair with
// ⟨a,b⟩ < ⌈δm⌉ is repaired by setting coordinates where exactly one of the
// two is 1 (else where neither is) to 1 in both, never touching a_p or b_q;
// since repairs only add ones, a repaired pair never falls short again.
// Finally all inner products are recomputed ([MinInnerProduct]) and the
// promise is asserted; the realised gap is Stats.Gap().
//
// Cost O(N·M·m/64) twice (check and verification), parallel; memory that
// of the instance plus the short pairs. With ρ²·m well above δ·m few pairs
// need repair; more than N+M+10⁶ short pairs is an error suggesting a
// higher density or a smaller gap.
func PlantGap(ctx context.Context, o GapOptions) (*Planted, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	need := memlimit.Float(Bytes(float64(o.N), float64(o.M), o.Dim) + 8*float64(o.N))
	if err := memlimit.Check(fmt.Sprintf("planted OV instance of %d + %d vectors of dimension %d", o.N, o.M, o.Dim),
		need, o.MaxMemory, "use fewer vectors (--n) or a smaller dimension (--dim)"); err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(o.Seed, o.Seed))
	x := New(o.N, o.M, o.Dim)
	fillRandom(x, r, o.Density)
	p := &Planted{Instance: x, Yes: o.Yes, Target: gapTarget(o.Gap, o.Dim), Pair: Pair{-1, -1}}
	if o.Yes {
		p.Pair = Pair{r.IntN(o.N), r.IntN(o.M)}
		plantDisjoint(x, r, p.Pair, max(int(math.Round(o.Density*float64(o.Dim))), p.Target), p.Target)
	}
	opt := Options{Workers: o.Workers}
	limit := o.N + o.M + 1_000_000
	short, err := shortPairs(ctx, x, opt, p.Target, false, p.Pair, limit)
	if errors.Is(err, errTooMany) {
		return nil, fmt.Errorf("ovp: more than %d pairs have inner product below ⌈δm⌉ = %d (the mean is ρ²m = %.1f); raise the density or lower the gap",
			limit, p.Target, o.Density*o.Density*float64(o.Dim))
	}
	if err != nil {
		return nil, err
	}
	for _, s := range short {
		repairPair(x, r, s, p.Pair, p.Target)
	}
	p.Repaired = len(short)
	if p.Stats, err = MinInnerProduct(ctx, x, opt); err != nil {
		return nil, err
	}
	zeros := int64(0)
	if o.Yes {
		zeros = 1
	}
	if p.Stats.Zero() != zeros || p.Stats.MinNonzero >= 0 && p.Stats.MinNonzero < p.Target {
		panic(fmt.Sprintf("ovp: internal error: planted instance has %d orthogonal pairs and min nonzero %d, want %d and ≥ %d",
			p.Stats.Zero(), p.Stats.MinNonzero, zeros, p.Target))
	}
	return p, nil
}

// fillRandom sets every bit of x to 1 with probability rho.
func fillRandom(x *Instance, r *rand.Rand, rho float64) {
	for _, s := range []Side{A, B} {
		for i := 0; i < x.Len(s); i++ {
			randomRow(x.Row(s, i), x.dim, r, rho)
		}
	}
}

// randomRow fills a packed row of dimension m with Bernoulli(rho) bits.
func randomRow(row []uint64, m int, r *rand.Rand, rho float64) {
	clear(row)
	if rho == 0.5 {
		for k := range row {
			row[k] = r.Uint64()
		}
		if m%64 != 0 {
			row[len(row)-1] &= 1<<(uint(m)%64) - 1
		}
		if m == 0 {
			row[0] = 0
		}
		return
	}
	for c := 0; c < m; c++ {
		if r.Float64() < rho {
			row[c>>6] |= 1 << (uint(c) & 63)
		}
	}
}

// plantDisjoint makes a_p and b_q orthogonal: a_p gets wa random
// coordinates, b_q min(wa, m−wa) (at least minW) of the others.
func plantDisjoint(x *Instance, r *rand.Rand, pq Pair, wa, minW int) {
	m := x.dim
	wa = min(wa, m-minW)
	perm := r.Perm(m)
	a, b := x.Row(A, pq.I), x.Row(B, pq.J)
	clear(a)
	clear(b)
	for _, c := range perm[:wa] {
		a[c>>6] |= 1 << (uint(c) & 63)
	}
	wb := max(min(wa, m-wa), minW)
	for _, c := range perm[wa : wa+wb] {
		b[c>>6] |= 1 << (uint(c) & 63)
	}
}

// repairPair raises ⟨a_i, b_j⟩ to at least k by adding ones, never to the
// planted vectors a_p, b_q (pq; −1 if none).
func repairPair(x *Instance, r *rand.Rand, s, pq Pair, k int) {
	need := k - x.Dot(s.I, s.J)
	if need <= 0 {
		return
	}
	a, b := x.Row(A, s.I), x.Row(B, s.J)
	var cands []int
	pick := func(pred func(ai, bj bool) bool) {
		cands = cands[:0]
		for c := 0; c < x.dim; c++ {
			ai, bj := a[c>>6]>>(uint(c)&63)&1 == 1, b[c>>6]>>(uint(c)&63)&1 == 1
			if pred(ai, bj) {
				cands = append(cands, c)
			}
		}
		r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
		for _, c := range cands[:min(need, len(cands))] {
			a[c>>6] |= 1 << (uint(c) & 63)
			b[c>>6] |= 1 << (uint(c) & 63)
		}
		need -= min(need, len(cands))
	}
	switch {
	case s.I == pq.I: // a_p is fixed: add ones to b_j under a_p's support
		pick(func(ai, bj bool) bool { return ai && !bj })
	case s.J == pq.J: // b_q is fixed
		pick(func(ai, bj bool) bool { return bj && !ai })
	default:
		pick(func(ai, bj bool) bool { return ai != bj })
		if need > 0 {
			pick(func(ai, bj bool) bool { return !ai && !bj })
		}
	}
	if need > 0 {
		panic("ovp: internal error: cannot repair a planted pair")
	}
}
