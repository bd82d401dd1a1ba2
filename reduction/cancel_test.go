package reduction

import (
	"context"
	"testing"
	"time"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/internal/cancelcheck"
	"github.com/hardnesslab/hardness/sat"
)

// TestRunCancelsInEveryStage is the cancellation contract of the pipeline
// (issue 14: 'run v40.cnf --timeout 5s' returned after 78 s): on a formula
// whose instance has 2^19 + 2^19 vectors, the context is cancelled
// cancelcheck.After into each long stage, and Run must return within
// cancelcheck.Bound with context.Canceled.
func TestRunCancelsInEveryStage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an instance of 2^19 + 2^19 vectors")
	}
	f, err := sat.Random(sat.GenOptions{Vars: 38, Clauses: sat.ClausesForRatio(38, 4.26), K: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		stage      string
		measureGap bool
	}{{StageGap, true}, {StageQKV, false}, {StageAttention, false}} {
		t.Run(tt.stage, func(t *testing.T) {
			cancelcheck.Latency(t, "Run cancelled in stage "+tt.stage, func() (time.Duration, error) {
				algo, err := attention.New("exact", attention.Options{})
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				stopAt := make(chan time.Time, 1)
				opt := Options{Algo: algo, MeasureGap: tt.measureGap, OnStage: func(name string) {
					if name == tt.stage {
						time.AfterFunc(cancelcheck.After, func() { stopAt <- time.Now(); cancel() })
					}
				}}
				_, err = Run(ctx, f, opt)
				returned := time.Now()
				select {
				case cancelled := <-stopAt:
					return returned.Sub(cancelled), err
				default:
					t.Fatalf("Run finished (err %v) before the cancellation %v into stage %s; use a larger formula", err, cancelcheck.After, tt.stage)
				}
				return 0, nil
			})
		})
	}
}
