package attention

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/attention/expapprox"
	"github.com/hardnesslab/hardness/internal/memlimit"
	"gonum.org/v1/gonum/mat"
)

// uniformDense returns an n×d matrix with entries uniform in [−b, b].
func uniformDense(rng *rand.Rand, n, d int, b float64) *mat.Dense {
	x := mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			x.Set(i, j, b*(2*rng.Float64()-1))
		}
	}
	return x
}

// maxAbsDiff returns max_ij |a_ij − b_ij|.
func maxAbsDiff(a, b *mat.Dense) float64 {
	var d mat.Dense
	d.Sub(a, b)
	return maxEntry(&d)
}

func maxEntry(x *mat.Dense) float64 {
	n, m := x.Dims()
	w := 0.0
	for i := range n {
		for _, v := range x.RawRowView(i)[:m] {
			w = math.Max(w, math.Abs(v))
		}
	}
	return w
}

// naiveSlack covers the float64 rounding of the reference itself.
const naiveSlack = 1e-13

func mustPoly(t *testing.T, o Options) *Poly {
	t.Helper()
	p, err := NewPoly(o)
	if err != nil {
		t.Fatalf("NewPoly(%+v): %v", o, err)
	}
	return p
}

// TestPolyAgainstNaive: measured max error vs the exact reference is at most
// the certified bound, over B ∈ {0.25, 0.5, 1, 2}, d ∈ {1, 2, 4, 8} and
// ε ∈ {1e−3, 1e−6, 1e−9}.
func TestPolyAgainstNaive(t *testing.T) {
	for _, B := range []float64{0.25, 0.5, 1, 2} {
		for _, d := range []int{1, 2, 4, 8} {
			for _, eps := range []float64{1e-3, 1e-6, 1e-9} {
				t.Run(fmt.Sprintf("B=%g/d=%d/eps=%g", B, d, eps), func(t *testing.T) {
					seed := uint64(1000*B) + uint64(d)*7 + uint64(-math.Log10(eps))
					rng := rand.New(rand.NewPCG(seed, seed))
					n := 40
					if d == 8 && B == 2 {
						n = 12 // r = C(8+g, g) reaches 10^5–10^6 here
					}
					q, k, v := uniformDense(rng, n, d, B), uniformDense(rng, n+3, d, B), uniformDense(rng, n+3, 3, 1)
					p := mustPoly(t, Options{Eps: eps})
					in, err := p.Analyze(q, k, v)
					if err != nil {
						t.Fatal(err)
					}
					if in.CertRelErr > eps {
						t.Fatalf("certified relative error %g > eps %g at R = %g", in.CertRelErr, eps, in.R)
					}
					out, err := p.Attend(context.Background(), q, k, v)
					if err != nil {
						t.Fatal(err)
					}
					got := maxAbsDiff(out.T, Naive(q, k, v).T)
					if got > out.ErrBound+naiveSlack {
						t.Errorf("max error %.4g > certified bound %.4g (g=%d, r=%g, R=%.3g)", got, out.ErrBound, in.Degree, in.Rank, in.R)
					}
					e := in.CertRelErr
					if want := 2*e/(1-e)*in.VMax + in.RoundingBound; out.ErrBound < want || in.RoundingBound > 1e-8 {
						t.Errorf("ErrBound %.4g, rounding part %.3g; want ≥ 2ε_P/(1−ε_P)·‖V‖ + rounding = %.4g, rounding small", out.ErrBound, in.RoundingBound, want)
					}
					t.Logf("g=%d r=%g R=%.3g: error %.3g ≤ bound %.3g (rounding part %.2g)", in.Degree, in.Rank, in.R, got, out.ErrBound, in.RoundingBound)
				})
			}
		}
	}
}

// TestPolyDegreeGrowsWithB: on one instance scaled by B, the chosen degree
// never decreases with B or 1/ε, and increases strictly somewhere.
func TestPolyDegreeGrowsWithB(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	q0, k0, v := uniformDense(rng, 30, 4, 1), uniformDense(rng, 30, 4, 1), uniformDense(rng, 30, 2, 1)
	Bs := []float64{0.25, 0.5, 1, 2}
	epss := []float64{1e-3, 1e-6, 1e-9}
	deg := make([][]int, len(Bs))
	for i, B := range Bs {
		var q, k mat.Dense
		q.Scale(B, q0)
		k.Scale(B, k0)
		for _, eps := range epss {
			in, err := mustPoly(t, Options{Eps: eps}).Analyze(&q, &k, v)
			if err != nil {
				t.Fatal(err)
			}
			deg[i] = append(deg[i], in.Degree)
		}
	}
	strictB, strictE := false, false
	for i := range Bs {
		for j := range epss {
			if i > 0 && deg[i][j] < deg[i-1][j] || j > 0 && deg[i][j] < deg[i][j-1] {
				t.Errorf("degrees %v (rows B = %v, columns eps = %v) decrease at B=%g eps=%g", deg, Bs, epss, Bs[i], epss[j])
			}
			strictB = strictB || i > 0 && deg[i][j] > deg[i-1][j]
			strictE = strictE || j > 0 && deg[i][j] > deg[i][j-1]
		}
	}
	if !strictB || !strictE {
		t.Errorf("degrees %v: want strict growth with B (%v) and with 1/eps (%v)", deg, strictB, strictE)
	}
}

// TestPolyFeaturesReproduceP: Σ_f w_f·q^α·k^α equals P(⟨q,k⟩/d) evaluated
// directly by Horner, up to rounding, and the program lists every monomial
// of degree ≤ g exactly once.
func TestPolyFeaturesReproduceP(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, tc := range []struct{ d, g int }{{1, 0}, {1, 7}, {2, 3}, {3, 5}, {5, 4}, {8, 6}} {
		r := int(Rank(tc.d, tc.g))
		m := newPolyMonomials(tc.d, tc.g, r)
		seen := map[string]bool{}
		for f := range r {
			alpha := make([]int, tc.d)
			for h := f; h != 0; h = int(m.parent[h]) {
				alpha[m.coord[h]]++
			}
			key := fmt.Sprint(alpha)
			if seen[key] {
				t.Errorf("d=%d g=%d: monomial %s listed twice", tc.d, tc.g, key)
			}
			seen[key] = true
			deg, fact, tf := 0, 1.0, 1.0
			for _, a := range alpha {
				deg += a
				for i := 2; i <= a; i++ {
					fact *= float64(i)
				}
			}
			for i := 2; i <= deg; i++ {
				tf *= float64(i)
			}
			if f < m.start[deg] || f >= m.start[deg+1] || m.multi[f] != tf/fact {
				t.Errorf("d=%d g=%d: feature %d = %s: degree range or multinomial %v wrong (want %v)", tc.d, tc.g, f, key, m.multi[f], tf/fact)
			}
		}
		for _, R := range []float64{0.3, 2} {
			p := expapprox.New(R, tc.g)
			w := m.weights(p.Coef, 0)
			fq, fk := make([]float64, r), make([]float64, r)
			for range 20 {
				q, k := make([]float64, tc.d), make([]float64, tc.d)
				for i := range q {
					q[i], k[i] = 2*rng.Float64()-1, 2*rng.Float64()-1
				}
				m.eval(fq, q)
				m.eval(fk, k)
				got := 0.0
				for f := range r {
					got += w[f] * fq[f] * fk[f]
				}
				x := 0.0
				for i := range q {
					x += q[i] * k[i]
				}
				x /= float64(tc.d)
				want := p.Eval(x)
				if !(math.Abs(got-want) <= 1e-13*p.AbsSum(math.Abs(x)+1e-300)+1e-300) {
					t.Errorf("d=%d g=%d: ⟨φ(q), ψ(k)⟩ = %.17g; want P(%g) = %.17g", tc.d, tc.g, got, x, want)
				}
			}
		}
	}
}

// TestPolyBudgetHonest: with a rank budget far too small for the instance,
// the certified error is still ≥ the measured one, and a vacuous certificate
// is flagged (ErrBound = +Inf and a warning), never a silent success.
func TestPolyBudgetHonest(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	for _, tc := range []struct {
		name    string
		B       float64
		o       Options
		vacuous bool
	}{
		{"rank 5 at B=3", 3, Options{MaxRank: 5}, true},
		{"degree 1 at B=3", 3, Options{Degree: 1}, true},
		{"degree 2 at B=1", 1, Options{Degree: 2}, false},
		{"rank 15 at B=1", 1, Options{MaxRank: 15}, false},
		{"rank 70 at B=1", 1, Options{MaxRank: 70}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, k, v := uniformDense(rng, 25, 4, tc.B), uniformDense(rng, 25, 4, tc.B), uniformDense(rng, 25, 2, 1)
			p := mustPoly(t, tc.o)
			plan, err := p.Plan(q, k, v)
			if err != nil {
				t.Fatal(err)
			}
			in, _ := p.Analyze(q, k, v)
			if tc.o.MaxRank > 0 && in.Rank > float64(tc.o.MaxRank) {
				t.Errorf("rank %g > budget %d", in.Rank, tc.o.MaxRank)
			}
			if in.Vacuous() != tc.vacuous {
				t.Fatalf("Vacuous() = %v (ε_P = %g, R = %g, g = %d); want %v", in.Vacuous(), in.CertRelErr, in.R, in.Degree, tc.vacuous)
			}
			notes := strings.Join(plan.Notes, "\n")
			if tc.vacuous {
				if !math.IsInf(plan.ErrBound, 1) || !strings.Contains(notes, "vacuous") {
					t.Errorf("vacuous certificate: ErrBound = %g, notes %q; want +Inf and a warning", plan.ErrBound, notes)
				}
			}
			out, err := p.Attend(context.Background(), q, k, v)
			if errors.Is(err, ErrNonPositiveNormaliser) && tc.vacuous {
				return // refusing is honest too
			}
			if err != nil {
				t.Fatal(err)
			}
			got := maxAbsDiff(out.T, Naive(q, k, v).T)
			if got > out.ErrBound+naiveSlack {
				t.Errorf("measured error %.4g > reported bound %.4g", got, out.ErrBound)
			}
			if !tc.vacuous && got < 1e-9 {
				t.Errorf("measured error %.3g: want a visibly inaccurate case", got)
			}
		})
	}
}

func TestNewPolyRejectsBadOptions(t *testing.T) {
	for _, o := range []Options{{}, {Eps: 1}, {Eps: -1}, {Degree: -1}, {MaxRank: -3, Eps: 0.1}, {Degree: expapprox.MaxDegree + 1}} {
		if _, err := NewPoly(o); err == nil {
			t.Errorf("NewPoly(%+v) = nil error; want one", o)
		}
	}
	if _, err := New("poly", Options{Eps: 1e-6}); err != nil {
		t.Errorf(`New("poly") = %v; want registered`, err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	q, k, v := uniformDense(rng, 4, 2, 1), uniformDense(rng, 4, 2, 1), uniformDense(rng, 4, 1, 1)
	if _, err := mustPoly(t, Options{Degree: 5, MaxRank: 3}).Plan(q, k, v); err == nil {
		t.Error("Plan with degree 5 and max rank 3 = nil error; want a rank error")
	}
	big := mat.NewDense(1, 2, []float64{100, 100})
	if _, err := mustPoly(t, Options{Degree: 3}).Plan(big, big, mat.NewDense(1, 1, []float64{1})); err == nil || !strings.Contains(err.Error(), "radius") {
		t.Errorf("Plan with R = 1e4 = %v; want a refusal naming the radius", err)
	}
	q.Set(2, 1, math.NaN())
	if _, err := mustPoly(t, Options{Eps: 1e-3}).Plan(q, k, v); err == nil || !strings.Contains(err.Error(), "Q[2][1]") {
		t.Errorf("Plan with NaN in Q = %v; want an error naming Q[2][1]", err)
	}
}

// TestPolyMemoryRefusal: a rank beyond the memory limit is refused with an
// estimate, before any allocation.
func TestPolyMemoryRefusal(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	q, k, v := uniformDense(rng, 8, 22, 3), uniformDense(rng, 8, 22, 3), uniformDense(rng, 8, 1, 1)
	p := mustPoly(t, Options{Eps: 1e-9, MaxMemory: 1 << 20})
	_, err := p.Plan(q, k, v)
	var me *memlimit.Error
	if !errors.As(err, &me) || me.Need <= me.Limit {
		t.Fatalf("Plan = %v; want a *memlimit.Error with need > limit", err)
	}
	if _, err := p.Attend(context.Background(), q, k, v); !errors.As(err, &me) {
		t.Errorf("Attend = %v; want a *memlimit.Error", err)
	}
}

func TestPolyCancel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	q, k, v := uniformDense(rng, 2000, 4, 1), uniformDense(rng, 2000, 4, 1), uniformDense(rng, 2000, 1, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := mustPoly(t, Options{Eps: 1e-6}).Attend(ctx, q, k, v); !errors.Is(err, context.Canceled) {
		t.Errorf("Attend on a cancelled context = %v; want context.Canceled", err)
	}
}

// TestPolyWarnsWhenRankExceedsN and reports progress up to 1.
func TestPolyWarnsAndProgress(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	q, k, v := uniformDense(rng, 10, 8, 1), uniformDense(rng, 10, 8, 1), uniformDense(rng, 10, 1, 1)
	last := 0.0
	p := mustPoly(t, Options{Eps: 1e-6, Workers: 1, Progress: func(f float64) { last = f }})
	plan, err := p.Plan(q, k, v)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(plan.Notes, "\n"), "exact attention is cheaper") {
		t.Errorf("notes %q: want the r ≥ n warning", plan.Notes)
	}
	if _, err := p.Attend(context.Background(), q, k, v); err != nil {
		t.Fatal(err)
	}
	if last != 1 {
		t.Errorf("last progress = %v; want 1", last)
	}
}

// TestPolyCostWarnings: the plan says "exact attention is cheaper" only
// when its predicted flops are not below exact attention's, and names the
// rank r ≥ n only when it holds. d = 1, d_v = 64 makes the flops exceed
// exact's at a rank below n; d = 40, d_v = 1 keeps them below at r ≥ n.
func TestPolyCostWarnings(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	tests := []struct {
		name             string
		n, d, dv, degree int
		cheaper, rankGeN bool
	}{
		{"flops above exact, rank below n", 64, 2, 64, 7, true, false},
		{"rank above n, flops below exact", 256, 40, 1, 2, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, k, v := uniformDense(rng, tt.n, tt.d, 0.1), uniformDense(rng, tt.n, tt.d, 0.1), uniformDense(rng, tt.n, tt.dv, 1)
			plan, err := mustPoly(t, Options{Degree: tt.degree, Workers: 1}).Plan(q, k, v)
			if err != nil {
				t.Fatal(err)
			}
			in, err := mustPoly(t, Options{Degree: tt.degree, Workers: 1}).Analyze(q, k, v)
			if err != nil {
				t.Fatal(err)
			}
			if (in.Flops >= in.ExactFlops) != tt.cheaper || (in.Rank >= float64(tt.n)) != tt.rankGeN {
				t.Fatalf("flops %g vs exact %g, rank %g vs n = %d: not the case this test is about", in.Flops, in.ExactFlops, in.Rank, tt.n)
			}
			notes := strings.Join(plan.Notes, "\n")
			if got := strings.Contains(notes, "exact attention is cheaper"); got != tt.cheaper {
				t.Errorf("notes say exact is cheaper: %v; want %v:\n%s", got, tt.cheaper, notes)
			}
			if got := strings.Contains(notes, "≥ n ="); got != tt.rankGeN {
				t.Errorf("notes say r ≥ n: %v; want %v:\n%s", got, tt.rankGeN, notes)
			}
		})
	}
}

// TestPolyVacuousAdvice: when the automatic degree search finds nothing
// that certifies [−R, R], the plan says why (the search's reason) instead
// of advising a larger degree, which the search has already tried.
func TestPolyVacuousAdvice(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	q, k, v := uniformDense(rng, 8, 8, 30), uniformDense(rng, 8, 8, 30), uniformDense(rng, 8, 1, 1)
	in, err := mustPoly(t, Options{Eps: 1e-6, Workers: 1}).Analyze(q, k, v)
	if err != nil {
		t.Fatal(err)
	}
	if !in.Vacuous() {
		t.Fatalf("R = %g: certificate %g; want a vacuous one for this test", in.R, in.CertRelErr)
	}
	notes := strings.Join(in.Notes, "\n")
	if strings.Contains(notes, "raise the degree") || !strings.Contains(notes, "eps = 1e-06 is not met") {
		t.Errorf("notes:\n%s\nwant the search's reason, not advice to raise the degree", notes)
	}
}

// TestPolyMemoryHint: the refusal suggests fewer workers only when one
// worker would fit under the limit; with fewer blocks than workers only
// the busy workers count.
func TestPolyMemoryHint(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	n := 64 * polyBlockRows // 64 busy workers (no more than blocks are counted)
	q, k, v := uniformDense(rng, n, 8, 0.1), uniformDense(rng, n, 8, 0.1), uniformDense(rng, n, 1, 1)
	probe, err := mustPoly(t, Options{Degree: 6, Workers: 1}).Analyze(q, k, v)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		limit int64
		fewer bool
	}{{probe.Bytes / 2, false}, {probe.Bytes + 1, true}} {
		_, err := mustPoly(t, Options{Degree: 6, Workers: 64, MaxMemory: tt.limit}).Plan(q, k, v)
		if err == nil {
			t.Fatalf("limit %d: no refusal with 64 workers", tt.limit)
		}
		if got := strings.Contains(err.Error(), "fewer workers"); got != tt.fewer {
			t.Errorf("limit %d (one worker needs %d): %v; want 'fewer workers' %v", tt.limit, probe.Bytes, err, tt.fewer)
		}
	}
	small := uniformDense(rng, 8, 8, 0.1)
	one, err := mustPoly(t, Options{Degree: 6, Workers: 1}).Analyze(small, small, uniformDense(rng, 8, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	many, err := mustPoly(t, Options{Degree: 6, Workers: 65536}).Analyze(small, small, uniformDense(rng, 8, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	if many.Bytes != one.Bytes || many.Workers != 1 {
		t.Errorf("8 rows, 65536 workers: %d bytes, %d workers; want one busy worker's %d bytes", many.Bytes, many.Workers, one.Bytes)
	}
}

// TestPlansCountBusyWorkers: with more workers than blocks of work, every
// algorithm's plan counts the workers that run, not the ones requested
// (a --workers 65536 run of a small instance was refused at 16.8 GiB).
func TestPlansCountBusyWorkers(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	q, k, v := uniformDense(rng, 12, 8, 0.5), uniformDense(rng, 40, 8, 0.5), uniformDense(rng, 40, 1, 1)
	for _, name := range []string{"exact", "naive", "poly", "performer"} {
		one, err := New(name, Options{Workers: 1, Eps: 1e-3, Features: 16, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		many, err := New(name, Options{Workers: 65536, Eps: 1e-3, Features: 16, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		p1, err1 := one.Plan(q, k, v)
		pm, errm := many.Plan(q, k, v)
		if err1 != nil || errm != nil {
			t.Fatalf("%s: %v, %v", name, err1, errm)
		}
		// At most one busy worker per query row (12), whatever the tiles.
		if pm.Bytes > 12*p1.Bytes {
			t.Errorf("%s: 65536 workers plan %d bytes, one worker %d; want the busy workers only", name, pm.Bytes, p1.Bytes)
		}
	}
}
