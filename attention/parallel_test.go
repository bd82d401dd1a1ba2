package attention

import (
	"context"
	"sync/atomic"
	"testing"
)

// TestForBlocksCoversOnce: every index is visited exactly once, workers
// stay in range, for awkward sizes.
func TestForBlocksCoversOnce(t *testing.T) {
	for _, tc := range []struct{ n, size, workers int }{{0, 4, 2}, {1, 4, 3}, {10, 3, 2}, {64, 64, 8}, {65, 8, 1}} {
		seen := make([]atomic.Int32, tc.n)
		var bad atomic.Bool
		err := forBlocks(context.Background(), tc.n, tc.size, tc.workers, func(wk, lo, hi int) {
			if wk < 0 || wk >= tc.workers || hi-lo > tc.size || lo >= hi {
				bad.Store(true)
			}
			for i := lo; i < hi; i++ {
				seen[i].Add(1)
			}
		})
		if err != nil || bad.Load() {
			t.Errorf("%+v: err %v, bad block %v", tc, err, bad.Load())
		}
		for i := range seen {
			if c := seen[i].Load(); c != 1 {
				t.Errorf("%+v: index %d visited %d times", tc, i, c)
			}
		}
	}
}

// TestReduceBlocksOrder: partials are folded in block order whatever the
// number of workers, so a non-associative fold (string concatenation)
// gives one answer.
func TestReduceBlocksOrder(t *testing.T) {
	want := ""
	for _, w := range []int{1, 2, 3, 7} {
		parts := make([]string, w)
		got := ""
		err := reduceBlocks(context.Background(), 23, 4, w, func(wk, lo, hi int) {
			parts[wk] = string(rune('a'+lo/4)) + string(rune('0'+hi-lo))
		}, func(wk int) { got += parts[wk] })
		if err != nil {
			t.Fatal(err)
		}
		if want == "" {
			want = got
		}
		if got != want || got != "a4b4c4d4e4f3" {
			t.Errorf("workers %d: folded %q; want a4b4c4d4e4f3", w, got)
		}
	}
}

// TestBlocksCancel: a cancelled context starts no block.
func TestBlocksCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	if err := forBlocks(ctx, 10, 1, 2, func(int, int, int) { ran = true }); err == nil || ran {
		t.Errorf("forBlocks after cancel: err %v, ran %v", err, ran)
	}
	if err := reduceBlocks(ctx, 10, 1, 2, func(int, int, int) { ran = true }, func(int) {}); err == nil || ran {
		t.Errorf("reduceBlocks after cancel: err %v, ran %v", err, ran)
	}
}
