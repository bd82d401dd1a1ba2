package reduction

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/sat"
)

// exactAlgo is the registered streaming exact attention, "exact".
func exactAlgo(t testing.TB) attention.Algorithm {
	t.Helper()
	a, err := attention.New("exact", attention.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// randomFormulas returns count random k-CNF formulas with v from 2 to vmax
// (odd and even), k from 2 to 4 (at most v) and clause densities around
// each k's threshold, so that both verdicts are common.
func randomFormulas(t *testing.T, count, vmax int, seed uint64) []*sat.Formula {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed))
	thresholds := map[int]float64{2: 2, 3: 4.26, 4: 9.93} // 2: above the asymptotic 1, for small v
	var fs []*sat.Formula
	for len(fs) < count {
		// Mostly small formulas: v ≤ 12 three times in four.
		v := 2 + r.IntN(11)
		if r.IntN(4) == 0 {
			v = 2 + r.IntN(vmax-1)
		}
		k := min(2+r.IntN(3), v)
		ratio := thresholds[k] * (0.5 + r.Float64())
		f, err := sat.Random(sat.GenOptions{Vars: v, Clauses: max(1, sat.ClausesForRatio(v, ratio)), K: k, Seed: r.Uint64()})
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	return fs
}

// TestRunRandomFormulas is the pipeline against gini on 300 random formulas
// (v = 2..20, k = 2..4): the verdict equals gini's, every SAT witness
// verifies, both verdicts occur, and the report says so.
func TestRunRandomFormulas(t *testing.T) {
	fs := randomFormulas(t, 300, 20, 1)
	var nSat, nUnsat, nOdd, nEven, vMax int
	byK := map[int][2]int{} // clause width → SAT, UNSAT counts
	for n, f := range fs {
		k := len(f.Clauses[0])
		r, err := Run(context.Background(), f, Options{Algo: exactAlgo(t)})
		if err != nil {
			t.Fatalf("formula %d (v=%d, m=%d): %v", n, f.Vars, len(f.Clauses), err)
		}
		g, err := sat.Solve(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		if r.Verdict != Verdict(g.Status) || !r.Agree {
			t.Errorf("formula %d (v=%d, m=%d): verdict %v, agree %v (%s); gini %v", n, f.Vars, len(f.Clauses), r.Verdict, r.Agree, r.Reason, g.Status)
		}
		c := byK[k]
		if r.Verdict == Sat {
			c[0]++
		} else {
			c[1]++
		}
		byK[k] = c
		if r.Verdict == Sat {
			nSat++
			a := sat.NewAssignment(f.Vars)
			for _, l := range r.Witness.Assignment {
				a[l.Var()] = !l.Neg()
			}
			if err := sat.Verify(f, a); err != nil || !r.Witness.Verified {
				t.Errorf("formula %d: witness %v fails: %v", n, r.Witness.Assignment, err)
			}
		} else {
			nUnsat++
		}
		if f.Vars%2 == 0 {
			nEven++
		} else {
			nOdd++
		}
		vMax = max(vMax, f.Vars)
	}
	t.Logf("%d SAT, %d UNSAT, %d odd v, %d even v, max v %d; by k (SAT, UNSAT): %v", nSat, nUnsat, nOdd, nEven, vMax, byK)
	for k := 2; k <= 4; k++ {
		if byK[k][0] < 10 || byK[k][1] < 10 {
			t.Errorf("k = %d: %d SAT, %d UNSAT; want ≥ 10 of each", k, byK[k][0], byK[k][1])
		}
	}
	if nSat < 50 || nUnsat < 50 || nOdd < 50 || nEven < 50 || vMax < 18 {
		t.Errorf("unbalanced sample: %d SAT, %d UNSAT, %d odd, %d even, max v %d; want ≥ 50 each and max v ≥ 18", nSat, nUnsat, nOdd, nEven, vMax)
	}
}

// TestRunSplits checks every split h = 0..v of small formulas.
func TestRunSplits(t *testing.T) {
	for n, f := range randomFormulas(t, 20, 9, 2) {
		g, _ := sat.Solve(context.Background(), f)
		for h := 1; h <= f.Vars; h++ {
			r, err := Run(context.Background(), f, Options{Algo: exactAlgo(t), Split: h})
			if err != nil {
				t.Fatal(err)
			}
			if r.OV.N != 1<<h || r.Verdict != Verdict(g.Status) || !r.Agree {
				t.Errorf("formula %d, split %d: N = %d, verdict %v, agree %v; want N = %d, %v", n, h, r.OV.N, r.Verdict, r.Agree, 1<<h, g.Status)
			}
		}
	}
}

// TestRunEdgeFormulas covers the empty formula, an empty clause and a
// formula without clauses.
func TestRunEdgeFormulas(t *testing.T) {
	tests := []struct {
		name string
		f    *sat.Formula
		want Verdict
	}{
		{"no clauses", &sat.Formula{Vars: 3}, Sat},
		{"no variables", &sat.Formula{}, Sat},
		{"empty clause", &sat.Formula{Vars: 2, Clauses: []sat.Clause{{1}, {}}}, Unsat},
		{"x and not x", &sat.Formula{Vars: 1, Clauses: []sat.Clause{{1}, {-1}}}, Unsat},
		{"unit", &sat.Formula{Vars: 1, Clauses: []sat.Clause{{-1}}}, Sat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Run(context.Background(), tt.f, Options{Algo: exactAlgo(t)})
			if err != nil {
				t.Fatal(err)
			}
			if r.Verdict != tt.want || !r.Agree {
				t.Errorf("Run = %v, agree %v (%s); want %v, agree", r.Verdict, r.Agree, r.Reason, tt.want)
			}
		})
	}
}

// unsatNearlySat is UNSAT, but the assignment x1 = x2 = true falsifies only
// one of its 8 clauses: its true gap is 1/8.
func unsatNearlySat() *sat.Formula {
	return &sat.Formula{Vars: 2, Clauses: []sat.Clause{{1, 2}, {1, -2}, {-1, 2}, {-1, -2}, {1, 2}, {1, 2}, {1, 2}, {1, 2}}}
}

// TestRunGapOptions checks the measured gap and a false promise: a promise
// above the true gap may turn UNSAT into a decoding failure, never into SAT.
func TestRunGapOptions(t *testing.T) {
	f := unsatNearlySat()
	r, err := Run(context.Background(), f, Options{Algo: exactAlgo(t), MeasureGap: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Gap.Source != "measured" || r.Gap.MinDot != 1 || !near(r.Gap.Delta, 1.0/8) || r.Verdict != Unsat || !r.Agree {
		t.Errorf("measured: gap %+v, verdict %v, agree %v; want min dot 1, δ = 1/8, UNSAT, agree", r.Gap, r.Verdict, r.Agree)
	}
	r, err = Run(context.Background(), f, Options{Algo: exactAlgo(t), Gap: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Gap.Source != "promised" || r.Verdict == Sat || r.Agree {
		t.Errorf("false promise δ = 1: verdict %v, agree %v; want not SAT and no agreement", r.Verdict, r.Agree)
	}
	if r.Verdict != DecodingFailure || !strings.Contains(r.Reason, "no orthogonal partner") {
		t.Errorf("false promise δ = 1: verdict %v, reason %q; want a decoding failure", r.Verdict, r.Reason)
	}
	if _, err := Run(context.Background(), f, Options{Algo: exactAlgo(t), Gap: 2}); err == nil {
		t.Errorf("Run with gap 2 = nil error; want an error")
	}
}

// TestRunWrongAlgorithm checks that a badly wrong approximate algorithm is
// flagged untrusted before it runs and never reported as agreeing: a T of
// zeros says UNSAT on a SAT formula; a T of ones says YES on an UNSAT one,
// which decoding turns into a failure.
func TestRunWrongAlgorithm(t *testing.T) {
	satF, _, _ := sat.Planted(sat.GenOptions{Vars: 8, Clauses: 20, K: 3, Seed: 3})
	zeros := fakeAlgo{errBound: 0.5, f: func(int, float64) float64 { return 0 }}
	ones := fakeAlgo{errBound: inf, f: func(int, float64) float64 { return 1 }}
	tests := []struct {
		name string
		f    *sat.Formula
		algo attention.Algorithm
		want Verdict
	}{
		{"zeros on SAT", satF, zeros, Unsat},
		{"ones on UNSAT", unsatNearlySat(), ones, DecodingFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Run(context.Background(), tt.f, Options{Algo: tt.algo})
			if err != nil {
				t.Fatal(err)
			}
			if r.Algo.Trusted || r.Verdict != tt.want || r.Agree || !strings.Contains(r.Reason, "untrusted") {
				t.Errorf("Run = trusted %v, verdict %v, agree %v, reason %q; want untrusted, %v, no agreement", r.Algo.Trusted, r.Verdict, r.Agree, r.Reason, tt.want)
			}
		})
	}
}

// TestRunMemoryRefusal checks that work over the limit is refused with an
// estimate, before allocation.
func TestRunMemoryRefusal(t *testing.T) {
	// v = 36 streams its keys and its queries (blocks of 2^14 rows of 150
	// floats, 19 MiB), but not in 10 MiB.
	f, _ := sat.Random(sat.GenOptions{Vars: 36, Clauses: 150, K: 3, Seed: 1})
	_, err := Run(context.Background(), f, Options{Algo: exactAlgo(t), MaxMemory: 10 << 20})
	var me *memlimit.Error
	if !errors.As(err, &me) || me.Need <= 10<<20 {
		t.Fatalf("Run(v=36, limit 10 MiB) = %v; want a *memlimit.Error above 10 MiB", err)
	}
	// Without streaming (poly holds the whole key side) v = 30 does not fit
	// in 100 MiB either: K alone is 2^16 × 128 floats.
	f, _ = sat.Random(sat.GenOptions{Vars: 30, Clauses: 128, K: 3, Seed: 1})
	poly, err := attention.NewPoly(attention.Options{Degree: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), f, Options{Algo: poly, MaxMemory: 40 << 20})
	if !errors.As(err, &me) || !strings.Contains(me.What, "key side") {
		t.Fatalf("Run(v=30, poly, limit 40 MiB) = %v; want the key side refused", err)
	}
	// The algorithm's own working memory counts too: naive needs 8·N·2M.
	f, _ = sat.Random(sat.GenOptions{Vars: 16, Clauses: 60, K: 3, Seed: 1})
	_, err = Run(context.Background(), f, Options{Algo: naiveAlgo{}, MaxMemory: 1 << 20})
	if !errors.As(err, &me) || !strings.Contains(me.What, "attention") {
		t.Fatalf("Run(v=16, limit 1 MiB) = %v; want the attention stage refused", err)
	}
}

// TestRunCanceled checks that a cancelled run returns its partial report.
func TestRunCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f, _ := sat.Random(sat.GenOptions{Vars: 10, Clauses: 40, K: 3, Seed: 1})
	r, err := Run(ctx, f, Options{Algo: exactAlgo(t)})
	if !errors.Is(err, context.Canceled) || r == nil || r.Verdict != Unknown || r.Agree {
		t.Fatalf("Run(cancelled) = %v, %v; want the partial report and context.Canceled", r, err)
	}
}

// TestReportJSON checks that a report survives a JSON round trip, with an
// infinite error bound encoded as a string.
func TestReportJSON(t *testing.T) {
	f, _, _ := sat.Planted(sat.GenOptions{Vars: 6, Clauses: 20, K: 3, Seed: 4})
	r, err := Run(context.Background(), f, Options{Algo: fakeAlgo{errBound: inf, f: func(_ int, t float64) float64 { return t }}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("unmarshal %s: %v", b, err)
	}
	if back.Verdict != Sat || !back.Agree || back.Params.Threshold != r.Params.Threshold ||
		float64(back.Algo.ErrBound) != inf || len(back.Stages) != len(r.Stages) {
		t.Errorf("round trip = %+v; want %+v", back, r)
	}
	if !strings.Contains(string(b), `"verdict":"SAT"`) || !strings.Contains(string(b), `"err_bound":"+Inf"`) {
		t.Errorf("JSON %s lacks the verdict or the infinite bound as strings", b)
	}
	var sb strings.Builder
	if err := r.WriteText(&sb); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"UNTRUSTED", "SAT: witness pair", "agreement   yes", "B/√ln n"} {
		if !strings.Contains(sb.String(), want) {
			t.Errorf("WriteText lacks %q:\n%s", want, sb.String())
		}
	}
}
