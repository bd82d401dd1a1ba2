package attention

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// relClose reports whether |g − w| ≤ tol·max(|w|, tiny).
func relClose(g, w, tol float64) bool {
	return math.Abs(g-w) <= tol*math.Max(math.Abs(w), 1e-300)
}

// TestMergeKeysMatchesOnePass cuts the keys into blocks at random points,
// runs exact attention on each block and merges the states in several
// orders of association; the merge must be within 1e−13 relative of the
// one-pass output (T, LogNorm) and of Naive, with logits up to ±1e4.
func TestMergeKeysMatchesOnePass(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		b      float64 // entries uniform in [−b, b]; logits up to b²
		blocks int
	}{{"small", 1, 2}, {"moderate", 10, 5}, {"logits 1e4", 100, 7}, {"one key per block", 100, 40}} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, uint64(tc.blocks)))
			nq, nk, d, dv := 9, 40, 1, 3
			if tc.b < 100 {
				d = 4
			}
			q, k := randDense(rng, nq, d, tc.b), randDense(rng, nk, d, tc.b)
			v := randDense(rng, nk, dv, 1)
			alg := NewStream(Options{Workers: 2, KeyBlocks: 1})
			whole, err := alg.Attend(ctx, q, k, v)
			if err != nil {
				t.Fatal(err)
			}
			if m := maxAbsFloat(whole.MaxLogit); tc.b == 100 && m < 5e3 {
				t.Fatalf("max |logit| %g: the test does not reach ±1e4", m)
			}
			cuts := randomCuts(rng, nk, tc.blocks)
			part := func(i int) *Output {
				out, err := alg.Attend(ctx, q, k.Slice(cuts[i], cuts[i+1], 0, d).(*mat.Dense), v.Slice(cuts[i], cuts[i+1], 0, dv).(*mat.Dense))
				if err != nil {
					t.Fatal(err)
				}
				return out
			}
			// Left fold, and right fold (merge the tail first).
			left := part(0)
			for i := 1; i+1 < len(cuts); i++ {
				mustMerge(t, left, part(i))
			}
			right := part(len(cuts) - 2)
			for i := len(cuts) - 3; i >= 0; i-- {
				p := part(i)
				mustMerge(t, p, right)
				right = p
			}
			naive := Naive(q, k, v)
			for name, got := range map[string]*Output{"left fold": left, "right fold": right} {
				for i := range nq {
					for c := range dv {
						if g, w := got.T.At(i, c), whole.T.At(i, c); !relClose(g, w, 1e-13) {
							t.Errorf("%s: T[%d][%d] = %.17g; one pass %.17g", name, i, c, g, w)
						}
						if g, w := got.T.At(i, c), naive.T.At(i, c); !relClose(g, w, 1e-12) {
							t.Errorf("%s: T[%d][%d] = %.17g; naive %.17g", name, i, c, g, w)
						}
					}
					if !relClose(got.LogNorm[i], whole.LogNorm[i], 1e-13) || got.MaxLogit[i] != whole.MaxLogit[i] {
						t.Errorf("%s: row %d LogNorm %.17g MaxLogit %g; one pass %.17g, %g", name, i,
							got.LogNorm[i], got.MaxLogit[i], whole.LogNorm[i], whole.MaxLogit[i])
					}
				}
			}
		})
	}
}

func mustMerge(t *testing.T, a, b *Output) {
	t.Helper()
	if err := a.MergeKeys(b); err != nil {
		t.Fatal(err)
	}
}

// randomCuts returns 0 = c_0 < c_1 < … < c_blocks = n at random.
func randomCuts(rng *rand.Rand, n, blocks int) []int {
	used := map[int]bool{}
	cuts := []int{0}
	for len(cuts) < blocks {
		c := 1 + rng.IntN(n-1)
		if !used[c] {
			used[c] = true
			cuts = append(cuts, c)
		}
	}
	cuts = append(cuts, n)
	for i := 1; i < len(cuts); i++ { // insertion sort
		for j := i; j > 0 && cuts[j] < cuts[j-1]; j-- {
			cuts[j], cuts[j-1] = cuts[j-1], cuts[j]
		}
	}
	return cuts
}

func maxAbsFloat(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// TestMergeKeysRefusesMismatch: different shapes or a non-exact output.
func TestMergeKeysRefusesMismatch(t *testing.T) {
	a := &Output{T: mat.NewDense(2, 1, nil), MaxLogit: make([]float64, 2), Sum: make([]float64, 2)}
	if err := a.MergeKeys(&Output{T: mat.NewDense(3, 1, nil)}); err == nil {
		t.Error("merging 2 rows with 3: no error")
	}
	if err := a.MergeKeys(&Output{T: mat.NewDense(2, 1, nil)}); err == nil {
		t.Error("merging an output without Sum: no error")
	}
}

// TestStreamKeySplitInProcess: with fewer than keySplitRows queries, Attend
// splits the keys; it must agree with the unsplit pass to 1e−13 and give
// the same bits for any number of workers.
func TestStreamKeySplitInProcess(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	nq, nk, d, dv := 3, 5*keySplitMin+17, 6, 2
	q, k, v := randDense(rng, nq, d, 3), randDense(rng, nk, d, 3), randDense(rng, nk, dv, 1)
	if kb := NewStream(Options{}).keyBlocks(nq, nk); kb != 5 {
		t.Fatalf("keyBlocks(%d, %d) = %d; want 5", nq, nk, kb)
	}
	one, err := NewStream(Options{KeyBlocks: 1}).Attend(context.Background(), q, k, v)
	if err != nil {
		t.Fatal(err)
	}
	var first *Output
	for _, w := range []int{1, 2, 3} {
		got, err := NewStream(Options{Workers: w}).Attend(context.Background(), q, k, v)
		if err != nil {
			t.Fatal(err)
		}
		for i := range nq {
			for c := range dv {
				if g, o := got.T.At(i, c), one.T.At(i, c); !relClose(g, o, 1e-13) {
					t.Errorf("workers %d: T[%d][%d] = %.17g; unsplit %.17g", w, i, c, g, o)
				}
			}
		}
		if first == nil {
			first = got
		} else if !mat.Equal(first.T, got.T) {
			t.Errorf("workers %d: T differs from workers 1 (the split must not depend on workers)", w)
		}
	}
}

// TestRowsIndependentOfBlockAndWorkers: for every algorithm, a row of T
// depends only on its query and the keys, never on which other queries
// are in the call or on the number of workers, bit for bit (poly given
// the whole instance's row norms). This is what lets a run be cut into row
// shards that reproduce the unsplit output exactly.
func TestRowsIndependentOfBlockAndWorkers(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	nq, nk, d, dv := 300, 700, 5, 2
	q, k, v := randDense(rng, nq, d, 1), randDense(rng, nk, d, 1), randDense(rng, nk, dv, 1)
	mq, err := MaxRowNorm(q)
	if err != nil {
		t.Fatal(err)
	}
	mk, err := MaxRowNorm(k)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"exact", "poly", "performer", "naive"} {
		t.Run(name, func(t *testing.T) {
			algo := func(w int) Algorithm {
				a, err := New(name, Options{Eps: 1e-6, Features: 64, Seed: 9, Workers: w, KeyBlocks: 1, MaxQNorm: mq, MaxKNorm: mk})
				if err != nil {
					t.Fatal(err)
				}
				return a
			}
			whole, err := algo(2).Attend(context.Background(), q, k, v)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range []int{1, 3} {
				for _, blk := range [][2]int{{0, 1}, {17, 18}, {5, 133}, {133, 300}} {
					got, err := algo(w).Attend(context.Background(), q.Slice(blk[0], blk[1], 0, d).(*mat.Dense), k, v)
					if err != nil {
						t.Fatal(err)
					}
					if !mat.Equal(got.T, whole.T.Slice(blk[0], blk[1], 0, dv)) {
						t.Errorf("workers %d, rows [%d, %d): T differs from the whole run's rows", w, blk[0], blk[1])
					}
				}
			}
		})
	}
}

// TestPlanShapeErrors: every registered algorithm returns an error, never
// panics, on mismatched shapes.
func TestPlanShapeErrors(t *testing.T) {
	q, k := mat.NewDense(3, 2, nil), mat.NewDense(4, 3, nil)
	v := mat.NewDense(4, 1, nil)
	for _, name := range Names() {
		a, err := New(name, Options{Eps: 1e-3, Features: 8})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Plan(q, k, v); err == nil {
			t.Errorf("%s: Plan on Q 3×2, K 4×3: no error", name)
		}
		if _, err := a.Attend(context.Background(), q, k, v); err == nil {
			t.Errorf("%s: Attend on Q 3×2, K 4×3: no error", name)
		}
	}
}

// TestPolyNormOptions: given norms below the inputs' are refused; larger
// ones set the radius.
func TestPolyNormOptions(t *testing.T) {
	q := mat.NewDense(1, 1, []float64{2})
	k := mat.NewDense(1, 1, []float64{3})
	v := mat.NewDense(1, 1, []float64{1})
	p := mustPoly(t, Options{Eps: 1e-3, MaxQNorm: 1})
	if _, err := p.Plan(q, k, v); err == nil {
		t.Error("Q norm 1 below the inputs' 2: no error")
	}
	p = mustPoly(t, Options{Eps: 1e-3, MaxQNorm: 2, MaxKNorm: 3.5})
	in, err := p.Analyze(q, k, v)
	if err != nil || !(in.R >= 7 && in.R < 7.001) {
		t.Errorf("norms 2 and 3.5: R = %v, err %v; want 7", in, err)
	}
}
