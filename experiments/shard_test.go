package experiments

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/internal/memlimit"
)

// toySweep is a sweep with what makes sharding hard: curves whose points
// depend on the earlier points of the same curve (a stopping rule), a
// memory-limit refusal that stops a curve, and non-finite values.
func toySweep() *Experiment {
	return &Experiment{Name: "toy", Long: "toy sweep", shardable: true,
		run: func(ctx context.Context, r *Run) error {
			t := r.Table("toy", "curve", "j", "value")
			stopped := map[int]bool{}
			last := map[int]float64{}
			for j := range 6 {
				for c := range 5 {
					if stopped[c] {
						continue
					}
					v, mine, err := point(r, c, shardKey("toy", c, j), func() (jfloat, error) {
						if c == 3 && j == 2 {
							return 0, &memlimit.Error{What: "toy point", Need: 10, Limit: 5}
						}
						x := float64(subSeed(r.Seed, uint64(c), uint64(j))%1000) / 7
						if c == 4 && j == 1 {
							x = math.Inf(1)
						}
						return jfloat(last[c] + x), nil
					})
					if !mine {
						continue
					}
					var me *memlimit.Error
					if errors.As(err, &me) {
						stopped[c] = true
						r.Summary.AddNote("curve %d stopped: %v", c, err)
						continue
					}
					if err != nil {
						return err
					}
					last[c] = float64(v)
					if last[c] > 300 { // depends on the curve's earlier points
						stopped[c] = true
					}
					t.Append(c, j, float64(v))
				}
			}
			r.state = last
			return nil
		},
		report: func(r *Run) error {
			last, _ := r.state.(map[int]float64)
			r.Summary.AddFinding("last values %v", last)
			return nil
		},
	}
}

func TestShardsMergeToTheSingleRun(t *testing.T) {
	e := toySweep()
	lookup := func(string) (*Experiment, error) { return e, nil }
	whole := t.TempDir()
	res, err := e.Run(context.Background(), Config{Seed: 7, OutDir: whole})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(filepath.Join(whole, "toy.csv"))
	for _, k := range []int{1, 2, 3, 7} {
		dir := t.TempDir()
		for i := range k {
			if _, err := e.RunShard(context.Background(), Config{Seed: 7, OutDir: dir}, i, k); err != nil {
				t.Fatalf("K=%d shard %d: %v", k, i, err)
			}
		}
		_, mres, err := merge(context.Background(), Config{OutDir: dir}, lookup)
		if err != nil {
			t.Fatalf("K=%d merge: %v", k, err)
		}
		got, _ := os.ReadFile(filepath.Join(dir, "toy.csv"))
		if string(got) != string(want) {
			t.Errorf("K=%d: merged CSV\n%s\nwant the single run's\n%s", k, got, want)
		}
		if !slices.Equal(mres.Findings, res.Findings) {
			t.Errorf("K=%d: merged findings %q; want %q", k, mres.Findings, res.Findings)
		}
		sum, _ := os.ReadFile(filepath.Join(dir, "summary.md"))
		if !strings.Contains(string(sum), "curve 3 stopped") || !strings.Contains(string(sum), fmt.Sprintf("Computed in %d shards", k)) {
			t.Errorf("K=%d: summary lacks the stop note or the shard note:\n%s", k, sum)
		}
	}
}

func TestMergeRefusesIncompleteOrMixedShards(t *testing.T) {
	e := toySweep()
	lookup := func(string) (*Experiment, error) { return e, nil }
	dir := t.TempDir()
	for _, i := range []int{0, 2} {
		if _, err := e.RunShard(context.Background(), Config{Seed: 7, OutDir: dir}, i, 4); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := merge(context.Background(), Config{OutDir: dir}, lookup)
	var me *MissingShardsError
	if !errors.As(err, &me) || !slices.Equal(me.Missing, []int{1, 3}) {
		t.Errorf("merge with shards 1 and 3 missing = %v; want them named", err)
	}
	if _, err := e.RunShard(context.Background(), Config{Seed: 8, OutDir: dir}, 1, 4); err != nil {
		t.Fatal(err)
	}
	if _, _, err := merge(context.Background(), Config{OutDir: dir}, lookup); err == nil || !strings.Contains(err.Error(), "seed 8, not 7") {
		t.Errorf("merge of shards with different seeds = %v; want the difference named", err)
	}
	if _, _, err := merge(context.Background(), Config{OutDir: t.TempDir()}, lookup); err == nil || !strings.Contains(err.Error(), "no shard files") {
		t.Errorf("merge of an empty directory = %v; want no shard files", err)
	}
	if _, err := e.RunShard(context.Background(), Config{OutDir: dir}, 4, 4); err == nil {
		t.Error("RunShard(shard 4 of 4) succeeded; want an error")
	}
}

func TestShardFileAbsentAfterInterruption(t *testing.T) {
	e := toySweep()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	inner := e.run
	e.run = func(ctx context.Context, r *Run) error {
		if err := inner(ctx, r); err != nil {
			return err
		}
		return ctx.Err()
	}
	if _, err := e.RunShard(ctx, Config{OutDir: dir}, 0, 2); !errors.Is(err, context.Canceled) {
		t.Errorf("interrupted RunShard = %v; want context.Canceled", err)
	}
	if _, err := os.Stat(ShardPath(dir, 0, 2)); !os.IsNotExist(err) {
		t.Errorf("an interrupted shard left %s", ShardPath(dir, 0, 2))
	}
}

// TestShardsMatchWholeRun runs every experiment's quick sweep whole and in
// 3 shards merged (one worker, so that sampled errors are reproducible to
// the last bit) and compares every CSV column but the timings (SameCSV).
func TestShardsMatchWholeRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every quick sweep twice")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for _, e := range All() {
		if !e.Shardable() {
			t.Logf("experiment %s cannot be sharded (yet): skipped", e.Name)
			continue
		}
		t.Run(e.Name, func(t *testing.T) {
			whole, sharded := t.TempDir(), t.TempDir()
			if _, err := e.Run(context.Background(), Config{Quick: true, Seed: 1, OutDir: whole}); err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				if _, err := e.RunShard(context.Background(), Config{Quick: true, Seed: 1, OutDir: sharded}, i, 3); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, err := Merge(context.Background(), Config{OutDir: sharded}); err != nil {
				t.Fatal(err)
			}
			csvs, _ := filepath.Glob(filepath.Join(whole, "*.csv"))
			if len(csvs) == 0 {
				t.Fatal("the whole run wrote no CSV")
			}
			for _, f := range csvs {
				if err := SameCSV(f, filepath.Join(sharded, filepath.Base(f))); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// TestPointMirrorsHaveEveryField: the JSON mirrors of the recorded point
// types (shard_codec.go) have as many fields as the types, so a field
// added to a row is not silently dropped by a merge.
func TestPointMirrorsHaveEveryField(t *testing.T) {
	pairs := []struct{ typ, mirror any }{
		{scalingPoint{}, scalingPointJSON{}}, {measuredPoint{}, measuredPointJSON{}},
		{pipelineRow{}, pipelineRowJSON{}}, {hardnessRow{}, hardnessRowJSON{}},
	}
	for _, p := range pairs {
		a, b := reflect.TypeOf(p.typ), reflect.TypeOf(p.mirror)
		if a.NumField() != b.NumField() {
			t.Errorf("%s has %d fields, its mirror %s %d", a, a.NumField(), b, b.NumField())
		}
	}
}

func TestJFloatRoundTrip(t *testing.T) {
	for _, x := range []float64{0, -0.0, 1e-310, math.Pi, -1e300, math.Inf(1), math.Inf(-1), math.NaN(), 0.1 + 0.2} {
		b, err := json.Marshal(jfloat(x))
		if err != nil {
			t.Fatalf("Marshal(%v): %v", x, err)
		}
		var y jfloat
		if err := json.Unmarshal(b, &y); err != nil {
			t.Fatalf("Unmarshal(%s): %v", b, err)
		}
		if math.Float64bits(float64(y)) != math.Float64bits(x) && !(math.IsNaN(x) && math.IsNaN(float64(y))) {
			t.Errorf("jfloat %v → %s → %v", x, b, float64(y))
		}
	}
}
