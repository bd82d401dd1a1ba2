package reduction

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/sat"
	"gonum.org/v1/gonum/mat"
)

// TestShardRows: the shards tile [0, n) in order, balanced to one row;
// bad counts are errors.
func TestShardRows(t *testing.T) {
	for _, n := range []int{1, 2, 7, 64, 100} {
		for _, k := range []int{1, 2, 3, 7, 64} {
			if k > n {
				if _, err := ShardRows(n, k, 0); err == nil {
					t.Errorf("ShardRows(%d, %d, 0): no error for more shards than rows", n, k)
				}
				continue
			}
			next := 0
			for i := range k {
				r, err := ShardRows(n, k, i)
				if err != nil {
					t.Fatal(err)
				}
				if r.Lo != next || r.Len() < n/k || r.Len() > (n+k-1)/k {
					t.Errorf("ShardRows(%d, %d, %d) = %v; want to start at %d with %d or %d rows", n, k, i, r, next, n/k, (n+k-1)/k)
				}
				next = r.Hi
			}
			if next != n {
				t.Errorf("ShardRows(%d, %d, ·) end at %d; want %d", n, k, next, n)
			}
		}
	}
	for _, bad := range [][2]int{{0, 0}, {-1, 0}, {3, 3}, {3, -1}} {
		if _, err := ShardRows(10, bad[0], bad[1]); err == nil {
			t.Errorf("ShardRows(10, %d, %d): no error", bad[0], bad[1])
		}
	}
}

// TestDecisionMerge: on random T columns (ties, NaN rows, rows at and
// around τ), the decisions of random partitions merged in random order and
// grouping equal Decide on the whole column, field for field.
func TestDecisionMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	p := Params{Threshold: 0.5}
	values := []float64{0, 0.1, 0.5, 0.5000000000000001, 0.7, 0.7, 1, math.NaN()}
	for trial := range 500 {
		n := 1 + rng.IntN(40)
		col := make([]float64, n)
		for i := range col {
			col[i] = values[rng.IntN(len(values))]
			if trial%3 == 0 && col[i] != col[i] {
				col[i] = 0.3 // a third of the trials have no NaN
			}
		}
		tm := mat.NewDense(n, 1, col)
		want := Decide(tm, p)
		// Cut into random blocks, decide each, merge in a random order.
		var parts []Decision
		for lo := 0; lo < n; {
			hi := lo + 1 + rng.IntN(n-lo)
			parts = append(parts, DecideRows(mat.NewDense(hi-lo, 1, col[lo:hi]), p, lo))
			lo = hi
		}
		rng.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
		for len(parts) > 1 { // merge a random adjacent pair: any grouping
			i := rng.IntN(len(parts) - 1)
			parts[i] = parts[i].Merge(parts[i+1])
			parts = append(parts[:i+1], parts[i+2:]...)
		}
		if got := parts[0]; !sameDecision(got, want) {
			t.Fatalf("trial %d, T = %v: merged %+v; want %+v", trial, col, got, want)
		}
	}
}

// sameDecision compares every field, floats by their bits.
func sameDecision(a, b Decision) bool {
	return a.Verdict == b.Verdict && a.Row == b.Row && a.Above == b.Above && a.NaNRows == b.NaNRows &&
		math.Float64bits(float64(a.Max)) == math.Float64bits(float64(b.Max)) &&
		math.Float64bits(float64(a.MaxBelow)) == math.Float64bits(float64(b.MaxBelow))
}

// shardAlgos are the algorithms the sharding property is checked for.
func shardAlgos(t *testing.T) map[string]attention.Algorithm {
	t.Helper()
	out := map[string]attention.Algorithm{}
	for name, o := range map[string]attention.Options{
		"exact":     {},
		"poly":      {Degree: 2},
		"performer": {Features: 16, Seed: 3},
	} {
		a, err := attention.New(name, o)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = a
	}
	return out
}

// solveSharded runs p in k shards, merges their decisions in a shuffled
// order and finishes the merged report, as `hardness merge` does.
func solveSharded(t *testing.T, p Problem, opt Options, k int, rng *rand.Rand) (*Report, error) {
	t.Helper()
	var reports []*Report
	for i := range k {
		rows, err := ShardRows(opt.Rows.Hi, k, i) // opt.Rows.Hi carries N here
		if err != nil {
			return nil, err
		}
		o := opt
		o.Rows = rows
		r, err := Solve(context.Background(), p, o)
		if err != nil {
			return nil, fmt.Errorf("shard %d of %d: %w", i, k, err)
		}
		if r.Witness != nil || r.Check != nil {
			t.Fatalf("shard %d of %d decoded or checked", i, k)
		}
		reports = append(reports, r)
	}
	rng.Shuffle(len(reports), func(i, j int) { reports[i], reports[j] = reports[j], reports[i] })
	dec := *reports[0].Decision
	for _, r := range reports[1:] {
		dec = dec.Merge(*r.Decision)
	}
	r := *reports[0]
	r.Decision = &dec
	return Finish(context.Background(), p, opt, &r)
}

// checkShardsEqual runs p unsharded and in K ∈ {1, 2, 3, 7, 64} shards
// with every algorithm and compares verdict, witness and decision bit for
// bit; K above the row count must be refused. An unsharded run that
// fails (poly's normaliser, say) must fail sharded too; failed counts them.
func checkShardsEqual(t *testing.T, name string, p Problem, n int, algos map[string]attention.Algorithm, opt Options, rng *rand.Rand, failed map[string]int) {
	t.Helper()
	for an, a := range algos {
		o := opt
		o.Algo = a
		if an == "poly" && o.Gap == 0 {
			// The promise δ = 1 keeps the logit radius small enough for a
			// degree-2 polynomial (δ = 1/m gives radii beyond any degree);
			// it may make the verdict a decoding failure, which the shards
			// must reproduce too.
			o.Gap = 1
		}
		whole, werr := Solve(context.Background(), p, o)
		for _, k := range []int{1, 2, 3, 7, 64} {
			so := o
			so.Rows = Rows{0, n}
			got, err := solveSharded(t, p, so, k, rng)
			switch {
			case k > n:
				if err == nil {
					t.Errorf("%s, %s: %d shards of %d rows accepted", name, an, k, n)
				}
				continue
			case werr != nil:
				if err == nil {
					t.Errorf("%s, %s, K = %d: shards succeeded where the unsharded run failed: %v", name, an, k, werr)
				}
				continue
			case err != nil:
				t.Fatalf("%s, %s, K = %d: %v", name, an, k, err)
			}
			if !sameDecision(*got.Decision, *whole.Decision) || got.Verdict != whole.Verdict ||
				fmt.Sprint(got.Witness) != fmt.Sprint(whole.Witness) || got.Agree != whole.Agree {
				t.Errorf("%s, %s, K = %d: merged verdict %v, decision %+v, witness %v, agree %v; unsharded %v, %+v, %v, %v",
					name, an, k, got.Verdict, *got.Decision, got.Witness, got.Agree, whole.Verdict, *whole.Decision, whole.Witness, whole.Agree)
			}
		}
		if werr != nil {
			failed[an]++
		}
	}
}

// TestShardsEqualUnshardedCNF: 200 random 3-SAT formulas (v = 6 … 13 at
// ratios around the threshold, SAT and UNSAT, uneven splits), every
// algorithm, K ∈ {1, 2, 3, 7, 64}: the merged run equals the unsharded one
// bit for bit.
func TestShardsEqualUnshardedCNF(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	algos := shardAlgos(t)
	count := 200
	if testing.Short() {
		count = 30
	}
	verdicts, failed := map[Verdict]int{}, map[string]int{}
	for i := range count {
		v := 6 + rng.IntN(8)
		m := int(float64(v) * (3.5 + 2*rng.Float64()))
		f, err := sat.Random(sat.GenOptions{Vars: v, Clauses: m, K: 3, Seed: uint64(i)})
		if err != nil {
			t.Fatal(err)
		}
		h := v/2 + rng.IntN(2) // uneven splits too
		p, err := CNFProblem(f, h)
		if err != nil {
			t.Fatal(err)
		}
		checkShardsEqual(t, fmt.Sprintf("formula %d (v = %d, m = %d, h = %d)", i, v, m, h), p, 1<<h, algos, Options{Split: h}, rng, failed)
		r, _ := Solve(context.Background(), p, Options{Algo: algos["exact"], Split: h})
		verdicts[r.Verdict]++
	}
	if verdicts[Sat] < count/5 || verdicts[Unsat] < count/5 {
		t.Errorf("verdicts %v: want both SAT and UNSAT formulas in numbers", verdicts)
	}
	for an, n := range failed {
		if n > count/10 {
			t.Errorf("%s failed on %d of %d formulas: the property was hardly tested", an, n, count)
		}
	}
}

// TestShardsEqualUnshardedPlanted: planted Gap-OV (--ov) and Gap-ANN
// (--ann) instances, YES and NO.
func TestShardsEqualUnshardedPlanted(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	algos, failed := shardAlgos(t), map[string]int{}
	for _, yes := range []bool{true, false} {
		pl, err := ovp.PlantGap(context.Background(), ovp.GapOptions{N: 100, M: 64, Dim: 36, Density: 0.6, Gap: 0.2, Yes: yes, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		checkShardsEqual(t, fmt.Sprintf("Gap-OV yes=%v", yes), OVProblem(pl.Instance), 100, algos, Options{Gap: 0.2}, rng, failed)
		an, err := ovp.PlantANN(context.Background(), ovp.ANNOptions{N: 90, M: 64, Dim: 48, T: 6, Eps: 1, Close: yes, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		p, err := ANNProblem(an.Instance, an.T, an.Eps)
		if err != nil {
			t.Fatal(err)
		}
		checkShardsEqual(t, fmt.Sprintf("Gap-ANN yes=%v", yes), p, 90, algos, Options{}, rng, failed)
	}
	// Poly's degree 2 cannot certify these radii (the theorem's regime:
	// that is the point) and may fail; the shards must then fail too.
	if failed["exact"]+failed["performer"] > 0 {
		t.Errorf("unsharded runs failed: %v", failed)
	}
}

// TestStreamingKeysAcrossTiles: an instance with more keys than one tile
// gives the same decision and witness sharded or not, and agrees with
// gini; query blocks of any size change no bit of T; key tiles of other
// sizes change T by rounding only.
func TestStreamingKeysAcrossTiles(t *testing.T) {
	f, _, err := sat.Planted(sat.GenOptions{Vars: 18, Clauses: 70, K: 3, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	p, err := CNFProblem(f, 4) // N = 16 queries, 2M = 2^15 keys: two real tiles
	if err != nil {
		t.Fatal(err)
	}
	whole, err := Solve(context.Background(), p, Options{Algo: exactAlgo(t), Split: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !whole.Agree || whole.Verdict != Sat {
		t.Fatalf("planted formula: verdict %v, agree %v (%s)", whole.Verdict, whole.Agree, whole.Reason)
	}
	got, err := solveSharded(t, p, Options{Algo: exactAlgo(t), Split: 4, Rows: Rows{0, 16}}, 3, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if !sameDecision(*got.Decision, *whole.Decision) || fmt.Sprint(got.Witness) != fmt.Sprint(whole.Witness) {
		t.Errorf("3 shards: %+v, %v; unsharded %+v, %v", *got.Decision, got.Witness, *whole.Decision, whole.Witness)
	}

	// Small tiles and blocks against one tile and one block.
	g, _, err := sat.Planted(sat.GenOptions{Vars: 14, Clauses: 50, K: 3, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	p, err = CNFProblem(g, 7) // N = 128, 2M = 256
	if err != nil {
		t.Fatal(err)
	}
	run := func(tile, block int, rows Rows) *Report {
		defer func(k, q int) { keyTile, queryBlock = k, q }(keyTile, queryBlock)
		keyTile, queryBlock = tile, block
		r, err := Solve(context.Background(), p, Options{Algo: exactAlgo(t), KeepT: true, Rows: rows})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	one := run(1<<14, 1<<14, Rows{0, 128})
	// Query blocks change no bit.
	for _, block := range []int{16, 7, 1} {
		for _, rows := range []Rows{{0, 128}, {13, 77}} {
			r := run(1<<14, block, rows)
			if !mat.Equal(r.T, one.T.Slice(rows.Lo, rows.Hi, 0, 1)) {
				t.Errorf("blocks of %d rows, rows %v: T differs from one block", block, rows)
			}
			if rows.Lo == 0 && !sameDecision(*r.Decision, *one.Decision) {
				t.Errorf("blocks of %d rows: decision %+v; want %+v", block, *r.Decision, *one.Decision)
			}
		}
	}
	// Key tiles change T by rounding only (log-sum-exp merges); keyTile is
	// a constant so that every run uses the same ones.
	for _, tile := range []int{64, 100, 1} {
		r := run(tile, 16, Rows{0, 128})
		for i := range 128 {
			if g, w := r.T.At(i, 0), one.T.At(i, 0); !(math.Abs(g-w) <= 1e-13*math.Abs(w)) {
				t.Errorf("tiles of %d keys: T[%d] = %.17g; one tile %.17g", tile, i, g, w)
			}
		}
		if r.Decision.Row != one.Decision.Row || r.Decision.Above != one.Decision.Above {
			t.Errorf("tiles of %d keys: decision %+v; want %+v", tile, *r.Decision, *one.Decision)
		}
	}
}
