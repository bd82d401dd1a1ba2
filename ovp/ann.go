package ovp

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/hardnesslab/hardness/internal/memlimit"
)

// Hamming is a Gap approximate-nearest-neighbour instance in Hamming space
// (Rubinstein 2018; docs/design.md §2.3): the sides A and B of the embedded
// Instance, dimension d0 = Dim(), threshold T and gap Eps. It is a YES
// instance if some pair has distance ≤ T and a NO instance if every pair
// has distance ≥ (1+Eps)·T; [Hamming.Far] is that bound rounded up.
type Hamming struct {
	*Instance
	T   int     // threshold t: a close pair has Dist ≤ T
	Eps float64 // gap ε > 0: far pairs have Dist ≥ (1+ε)·T
}

// Far returns ⌈(1+ε)·t⌉ (at least t+1): the distance every pair of a NO
// instance, and every non-planted pair of a generated one, reaches. See
// [FarDistance].
func (h *Hamming) Far() int { return FarDistance(h.T, h.Eps) }

// MaxFar is where [FarDistance] saturates: larger than any dimension an
// instance that fits in memory can have.
const MaxFar = 1 << 62

// FarDistance returns max(t+1, ⌈(1+ε)·t⌉), tolerant of rounding in
// (1+ε)·t, and MaxFar if that is larger (ε = 1e300, say) or not a number,
// so that it never overflows int.
func FarDistance(t int, eps float64) int {
	f := math.Ceil((1+eps)*float64(t) - 1e-9)
	if !(f < MaxFar) {
		return MaxFar
	}
	return max(t+1, int(f))
}

// check returns an error unless t and ε make sense for dimension d0: ε
// finite and positive, t ≤ d0 (no distance exceeds d0) and the far
// distance ⌈(1+ε)t⌉ ≤ d0 (else no pair can be far and the gap promises
// nothing).
func (h *Hamming) check(d0 int) error {
	switch {
	case !(h.Eps > 0) || math.IsInf(h.Eps, 0):
		return fmt.Errorf("gap ε = %g, expected a finite ε > 0", h.Eps)
	case h.T < 0 || h.T > d0:
		return fmt.Errorf("threshold t = %d, expected 0 ≤ t ≤ d = %d (no Hamming distance exceeds d)", h.T, d0)
	case h.Far() > d0:
		far := fmt.Sprint(h.Far())
		if h.Far() == MaxFar {
			far = fmt.Sprintf("%.4g", math.Ceil((1+h.Eps)*float64(h.T)))
		}
		return fmt.Errorf("far distance max(t+1, ⌈(1+ε)t⌉) = %s with t = %d, ε = %g exceeds the dimension d = %d, so no pair can be far; expected (1+ε)·t ≤ d",
			far, h.T, h.Eps, d0)
	}
	return nil
}

// ANNOptions describes a planted Gap-ANN instance ([PlantANN]).
type ANNOptions struct {
	N, M      int     // |A| and |B|, ≥ 1
	Dim       int     // d0 ≥ 1
	T         int     // threshold t ≥ 0
	Eps       float64 // gap ε > 0
	Density   float64 // probability of a 1 in a random vector; 0 means 0.5
	Close     bool    // plant one pair at distance exactly T (a YES instance)
	Seed      uint64  // seed of the PCG source
	MaxMemory int64   // memory limit in bytes; 0 means memlimit.Default
	Workers   int     // goroutines for the checks; 0 means all cores
}

// PlantedANN is a generated Gap-ANN instance with its realised statistics.
type PlantedANN struct {
	*Hamming
	Close     bool   // a close pair was planted
	Pair      Pair   // the planted pair at distance T, if Close
	Resampled int    // vectors redrawn because they came closer than Far()
	Stats     *Stats // Hamming distances over all pairs
	MinFar    int    // least distance over the non-planted pairs (≥ Far())
}

// PlantANN generates a planted Gap-ANN instance: random vectors with
// Bernoulli(ρ) bits (distance ≈ 2ρ(1−ρ)·d0 per pair); if o.Close, a pair
// (a_p, b_q) with b_q = a_p with exactly T coordinates flipped. Every
// other pair closer than Far() has one vector redrawn (never a_p or b_q),
// and the redrawn vectors are checked again, until no short pair is left
// (at most 100 rounds). The result is verified with [MinDistance]; MinFar
// is the realised far distance.
//
// Cost O(N·M·d0/64) for the first check and the verification, plus
// O(redrawn·(N+M)·d0/64); choose (1+ε)·t well below 2ρ(1−ρ)·d0.
func PlantANN(ctx context.Context, o ANNOptions) (*PlantedANN, error) {
	if o.Density == 0 {
		o.Density = 0.5
	}
	h := &Hamming{T: o.T, Eps: o.Eps}
	switch {
	case o.N < 1 || o.M < 1 || o.Dim < 1:
		return nil, fmt.Errorf("ovp: ANN sizes %d×%d of dimension %d, want ≥ 1", o.N, o.M, o.Dim)
	case !(o.Density > 0 && o.Density < 1):
		return nil, fmt.Errorf("ovp: density %g, want 0 < ρ < 1", o.Density)
	case o.T < 0 || !(o.Eps > 0):
		return nil, fmt.Errorf("ovp: threshold %d and gap %g, want t ≥ 0 and ε > 0", o.T, o.Eps)
	case h.Far() > o.Dim:
		return nil, fmt.Errorf("ovp: far distance max(t+1, ⌈(1+ε)t⌉) = %d exceeds the dimension %d", h.Far(), o.Dim)
	}
	need := memlimit.Float(Bytes(float64(o.N), float64(o.M), o.Dim))
	if err := memlimit.Check(fmt.Sprintf("planted ANN instance of %d + %d vectors of dimension %d", o.N, o.M, o.Dim),
		need, o.MaxMemory, "use fewer vectors (--n) or a smaller dimension (--dim)"); err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(o.Seed, o.Seed))
	x := New(o.N, o.M, o.Dim)
	fillRandom(x, r, o.Density)
	h.Instance = x
	p := &PlantedANN{Hamming: h, Close: o.Close, Pair: Pair{-1, -1}}
	if o.Close {
		p.Pair = Pair{r.IntN(o.N), r.IntN(o.M)}
		a, b := x.Row(A, p.Pair.I), x.Row(B, p.Pair.J)
		copy(b, a)
		for _, c := range r.Perm(o.Dim)[:o.T] {
			b[c>>6] ^= 1 << (uint(c) & 63)
		}
	}
	opt := Options{Workers: o.Workers}
	far := h.Far()
	limit := o.N + o.M + 1_000_000
	short, err := shortPairs(ctx, x, opt, far, true, p.Pair, limit)
	if errors.Is(err, errTooMany) {
		return nil, fmt.Errorf("ovp: more than %d pairs are closer than max(t+1, ⌈(1+ε)t⌉) = %d (the mean distance is %.1f); lower t or ε",
			limit, far, 2*o.Density*(1-o.Density)*float64(o.Dim))
	}
	if err != nil {
		return nil, err
	}
	for round := 0; len(short) > 0; round++ {
		if round == 100 {
			return nil, fmt.Errorf("ovp: %d pairs still closer than %d after 100 rounds of redrawing; lower t or ε", len(short), far)
		}
		var redrawA, redrawB []int
		seenA, seenB := map[int]bool{}, map[int]bool{}
		for _, s := range short {
			if seenA[s.I] || seenB[s.J] {
				continue // already redrawn this round
			}
			if s.I != p.Pair.I && (s.J == p.Pair.J || r.IntN(2) == 0) {
				seenA[s.I] = true
				redrawA = append(redrawA, s.I)
			} else {
				seenB[s.J] = true
				redrawB = append(redrawB, s.J)
			}
		}
		for _, i := range redrawA {
			randomRow(x.Row(A, i), o.Dim, r, o.Density)
		}
		for _, j := range redrawB {
			randomRow(x.Row(B, j), o.Dim, r, o.Density)
		}
		p.Resampled += len(redrawA) + len(redrawB)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		short = shortAmong(x, redrawA, redrawB, far, p.Pair)
	}
	if p.Stats, err = MinDistance(ctx, x, opt); err != nil {
		return nil, err
	}
	p.MinFar = p.Stats.Min
	if o.Close {
		p.MinFar = -1
		for v, c := range p.Stats.Hist {
			if v == o.T {
				c--
			}
			if c > 0 {
				p.MinFar = v
				break
			}
		}
	}
	if p.MinFar >= 0 && p.MinFar < far || o.Close && x.Dist(p.Pair.I, p.Pair.J) != o.T {
		panic(fmt.Sprintf("ovp: internal error: planted ANN instance has far distance %d < %d", p.MinFar, far))
	}
	return p, nil
}

// shortAmong returns the pairs closer than far that involve a row of
// rowsA or of rowsB, except the planted pair skip.
func shortAmong(x *Instance, rowsA, rowsB []int, far int, skip Pair) []Pair {
	var out []Pair
	inA := map[int]bool{}
	for _, i := range rowsA {
		inA[i] = true
		for j := 0; j < x.M(); j++ {
			if (Pair{i, j}) != skip && x.Dist(i, j) < far {
				out = append(out, Pair{i, j})
			}
		}
	}
	for _, j := range rowsB {
		for i := 0; i < x.N(); i++ {
			if !inA[i] && (Pair{i, j}) != skip && x.Dist(i, j) < far {
				out = append(out, Pair{i, j})
			}
		}
	}
	return out
}
