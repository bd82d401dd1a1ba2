package ovp

import (
	"context"
	"testing"

	"github.com/hardnesslab/hardness/internal/cancelcheck"
	"github.com/hardnesslab/hardness/sat"
)

// TestLongStagesCancel is the cancellation contract of the package's long
// stages (issue 14: 'gen ov --cnf v46.cnf' ignored Ctrl-C and wrote
// 3.3 GB): each, on a large input, returns within cancelcheck.Bound of a
// cancellation with context.Canceled.
func TestLongStagesCancel(t *testing.T) {
	if testing.Short() {
		t.Skip("builds instances of up to 2^23 + 2^23 vectors")
	}
	f, err := sat.Random(sat.GenOptions{Vars: 46, Clauses: sat.ClausesForRatio(46, 4.26), K: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	cancelcheck.Within(t, "FromCNFContext(v = 46)", func(ctx context.Context) error {
		_, err := FromCNFContext(ctx, f, CNFOptions{})
		return err
	})
	x := randomInstance(1<<16, 1<<16, 64, 0.9, 1) // no orthogonal pair: a full scan
	cancelcheck.Within(t, "FindOrthogonal", func(ctx context.Context) error {
		_, err := FindOrthogonal(ctx, x, Options{})
		return err
	})
	cancelcheck.Within(t, "MinInnerProduct", func(ctx context.Context) error {
		_, err := MinInnerProduct(ctx, x, Options{})
		return err
	})
	cancelcheck.Within(t, "MinDistance", func(ctx context.Context) error {
		_, err := MinDistance(ctx, x, Options{})
		return err
	})
	cancelcheck.Within(t, "PlantGap", func(ctx context.Context) error {
		_, err := PlantGap(ctx, GapOptions{N: 1 << 16, M: 1 << 16, Dim: 256, Gap: 0.1, Yes: true, Seed: 1})
		return err
	})
	cancelcheck.Within(t, "PlantANN", func(ctx context.Context) error {
		_, err := PlantANN(ctx, ANNOptions{N: 1 << 16, M: 1 << 16, Dim: 256, T: 20, Eps: 1, Close: true, Seed: 1})
		return err
	})
}
