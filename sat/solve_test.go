package sat

import (
	"bufio"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// bruteForce decides f (f.Vars ≤ 30) by trying all 2^v assignments in
// order; it returns the first satisfying one, or nil. Each clause becomes a
// pair of bit masks so an assignment x (bit i-1 = variable i) satisfies it
// iff x&pos | ^x&neg ≠ 0. For tests only: the obviously correct oracle.
func bruteForce(f *Formula) Assignment {
	if f.Vars > 30 {
		panic("bruteForce: too many variables")
	}
	type masks struct{ pos, neg uint32 }
	cs := make([]masks, len(f.Clauses))
	for i, c := range f.Clauses {
		for _, l := range c {
			bit := uint32(1) << (l.Var() - 1)
			if l.Neg() {
				cs[i].neg |= bit
			} else {
				cs[i].pos |= bit
			}
		}
	}
next:
	for x := uint32(0); x < 1<<f.Vars; x++ {
		for _, c := range cs {
			if x&c.pos|^x&c.neg == 0 {
				continue next
			}
		}
		a := NewAssignment(f.Vars)
		for v := 1; v <= f.Vars; v++ {
			a[v] = x>>(v-1)&1 == 1
		}
		return a
	}
	return nil
}

// TestBruteForceSelfCheck checks the oracle on formulas whose answer is
// known by construction.
func TestBruteForceSelfCheck(t *testing.T) {
	for seed := range uint64(50) {
		f, planted, err := Planted(GenOptions{Vars: 10, Clauses: 60, K: 3, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		if a := bruteForce(f); a == nil || Verify(f, a) != nil {
			t.Errorf("bruteForce(planted seed %d) = %v; want a model (planted %v)", seed, a, planted)
		}
	}
	// All 2^3 sign patterns on 3 variables: UNSAT, and every proper subset is SAT.
	var all []Clause
	for s := range 8 {
		c := cl(1, 2, 3)
		for j := range 3 {
			if s>>j&1 == 1 {
				c[j] = -c[j]
			}
		}
		all = append(all, c)
	}
	if a := bruteForce(&Formula{3, all}); a != nil {
		t.Errorf("bruteForce(all 8 sign patterns) = %v; want nil", a)
	}
	for drop := range all {
		sub := append(append([]Clause{}, all[:drop]...), all[drop+1:]...)
		if a := bruteForce(&Formula{3, sub}); a == nil || Verify(&Formula{3, sub}, a) != nil {
			t.Errorf("bruteForce(all but pattern %d) = %v; want a model", drop, a)
		}
	}
}

// thresholds are densities m/v near which random k-SAT with v ≤ 16 is
// satisfiable about half the time, so the test formulas straddle SAT and
// UNSAT: the asymptotic thresholds for k ≥ 3, and 2 for k = 2 (whose
// asymptotic threshold 1 is approached slowly from above).
var thresholds = map[int]float64{2: 2.0, 3: 4.27, 4: 9.93, 5: 21.1}

// TestSolveAgainstBruteForce compares gini with brute force on 520 random
// formulas (v ≤ 16, k = 2..5, densities around the threshold) plus a few
// with empty clauses, and verifies every model.
func TestSolveAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	count := map[Status]int{}
	perK := map[[2]int]int{} // (k, status) → formulas
	ctx := context.Background()
	for i := range 520 {
		k := 2 + i%4
		v := k + r.IntN(17-k)
		ratio := thresholds[k] * (0.6 + 1.2*r.Float64())
		o := GenOptions{Vars: v, Clauses: ClausesForRatio(v, ratio), K: k, Seed: uint64(i)}
		f, err := Random(o)
		if err != nil {
			t.Fatal(err)
		}
		if i%50 == 49 {
			f.Clauses = append(f.Clauses, Clause{}) // an empty clause: UNSAT
		}
		want := bruteForce(f)
		res, err := Solve(ctx, f)
		if err != nil {
			t.Fatalf("Solve(%+v) error %v", o, err)
		}
		count[res.Status]++
		perK[[2]int{k, int(res.Status)}]++
		switch {
		case want == nil && res.Status != Unsat:
			t.Errorf("Solve(%+v) = %v; want UNSAT (brute force)", o, res.Status)
		case want != nil && res.Status != Sat:
			t.Errorf("Solve(%+v) = %v; want SAT (brute force found %v)", o, res.Status, want.Lits())
		case res.Status == Sat && Verify(f, res.Model) != nil:
			t.Errorf("Solve(%+v) model fails: %v", o, Verify(f, res.Model))
		}
		if res.Vars != f.Vars || res.Clauses != len(f.Clauses) || res.Lits != f.NumLits() {
			t.Errorf("Solve(%+v) stats = %d vars %d clauses %d lits; want %d %d %d",
				o, res.Vars, res.Clauses, res.Lits, f.Vars, len(f.Clauses), f.NumLits())
		}
	}
	for k := 2; k <= 5; k++ {
		s, u := perK[[2]int{k, int(Sat)}], perK[[2]int{k, int(Unsat)}]
		if s < 20 || u < 20 {
			t.Errorf("k = %d: %d SAT, %d UNSAT; want at least 20 of each for a meaningful comparison", k, s, u)
		}
		t.Logf("k = %d: %d SAT, %d UNSAT", k, s, u)
	}
}

func TestSolveEdgeCases(t *testing.T) {
	for _, tt := range []struct {
		name string
		f    *Formula
		want Status
	}{
		{"no variables no clauses", &Formula{}, Sat},
		{"unused variables", &Formula{Vars: 5}, Sat},
		{"empty clause only", &Formula{0, []Clause{{}}}, Unsat},
		{"empty clause among others", &Formula{2, []Clause{cl(1, 2), {}, cl(-1)}}, Unsat},
		{"unit", &Formula{1, []Clause{cl(-1)}}, Sat},
		{"contradictory units", &Formula{1, []Clause{cl(1), cl(-1)}}, Unsat},
		{"tautology", &Formula{1, []Clause{cl(1, -1)}}, Sat},
		{"duplicate literals", &Formula{2, []Clause{cl(2, 2), cl(-2, -2, 1)}}, Sat},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Solve(context.Background(), tt.f)
			if err != nil || res.Status != tt.want {
				t.Fatalf("Solve(%s) = %v, %v; want %v", dump(tt.f), res, err, tt.want)
			}
			if tt.want == Sat && (res.Model.Vars() != tt.f.Vars || Verify(tt.f, res.Model) != nil) {
				t.Errorf("Solve(%s) model %v does not satisfy it", dump(tt.f), res.Model)
			}
			if tt.want != Sat && res.Model != nil {
				t.Errorf("Solve(%s) model = %v; want nil", dump(tt.f), res.Model)
			}
		})
	}
}

// TestSATLIB reads the SATLIB files in testdata (quirks intact, some
// compressed) and checks gini's verdict against testdata/satlib/EXPECTED.tsv.
func TestSATLIB(t *testing.T) {
	fh, err := os.Open("testdata/satlib/EXPECTED.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	n := 0
	for sc.Scan() {
		fs := strings.Split(sc.Text(), "\t")
		if strings.HasPrefix(fs[0], "#") || fs[0] == "file" {
			continue
		}
		if len(fs) < 4 {
			t.Fatalf("EXPECTED.tsv line %q: want file, vars, clauses, result", sc.Text())
		}
		n++
		t.Run(fs[0], func(t *testing.T) {
			f, err := ReadFile(filepath.Join("testdata/satlib", fs[0]))
			if err != nil {
				t.Fatal(err)
			}
			if strconv.Itoa(f.Vars) != fs[1] || strconv.Itoa(len(f.Clauses)) != fs[2] {
				t.Errorf("ReadFile(%s) = %d vars, %d clauses; want %s, %s", fs[0], f.Vars, len(f.Clauses), fs[1], fs[2])
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := Solve(ctx, f)
			if err != nil || res.Status.String() != fs[3] {
				t.Errorf("Solve(%s) = %v, %v; want %s", fs[0], res.Status, err, fs[3])
			}
		})
	}
	if n < 10 {
		t.Errorf("EXPECTED.tsv lists %d files; want at least 10", n)
	}
}

// pigeonhole returns PHP(n+1, n): n+1 pigeons in n holes, UNSAT and
// exponentially hard for resolution (Haken 1985), so CDCL solvers need
// far longer than these tests run for n ≥ 11.
func pigeonhole(n int) *Formula {
	x := func(p, h int) Lit { return Lit(p*n + h + 1) }
	f := &Formula{Vars: (n + 1) * n}
	for p := 0; p <= n; p++ {
		c := Clause{}
		for h := range n {
			c = append(c, x(p, h))
		}
		f.Clauses = append(f.Clauses, c)
	}
	for h := range n {
		for p := 0; p <= n; p++ {
			for q := p + 1; q <= n; q++ {
				f.Clauses = append(f.Clauses, Clause{-x(p, h), -x(q, h)})
			}
		}
	}
	return f
}

func TestSolveCancelled(t *testing.T) {
	f := pigeonhole(12)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Solve(ctx, f)
	if res == nil || res.Status != Unknown || !errors.Is(err, context.Canceled) {
		t.Errorf("Solve(PHP, cancelled ctx) = %v, %v; want UNKNOWN and context.Canceled", res, err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	res, err = Solve(ctx, f)
	if res == nil || res.Status != Unknown || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Solve(PHP, expired ctx) = %v, %v; want UNKNOWN and context.DeadlineExceeded", res, err)
	}
}

// TestSolveStopsSearch cancels a search that is under way. PHP(13, 12) takes
// gini far longer than the 100 ms before cancellation, so the verdict is
// Unknown whatever the machine's speed; the 60 s guard only catches a hang.
func TestSolveStopsSearch(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	type out struct {
		res *Result
		err error
	}
	done := make(chan out, 1)
	go func() {
		res, err := Solve(ctx, pigeonhole(12))
		done <- out{res, err}
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case o := <-done:
		if o.res == nil || o.res.Status != Unknown || !errors.Is(o.err, context.Canceled) {
			t.Errorf("Solve(PHP(13,12)) cancelled after 100ms = %v, %v; want UNKNOWN, context.Canceled", o.res, o.err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("Solve did not return within 60 s of cancellation")
	}
	// A fresh solve afterwards is unaffected.
	res, err := Solve(context.Background(), &Formula{2, []Clause{cl(1), cl(-1, 2)}})
	if err != nil || res.Status != Sat {
		t.Errorf("Solve after a cancelled solve = %v, %v; want SAT", res, err)
	}
}

func TestStatusString(t *testing.T) {
	for s, want := range map[Status]string{Sat: "SAT", Unsat: "UNSAT", Unknown: "UNKNOWN", 5: "UNKNOWN"} {
		if got := s.String(); got != want {
			t.Errorf("Status(%d).String() = %q; want %q", int(s), got, want)
		}
	}
}
