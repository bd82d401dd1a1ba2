// Package cancelcheck is the contract of issue 14 for long stages: started
// on a large input and cancelled after 200 ms, a stage returns within one
// second, with the context's error. The tests of every package with a long
// stage (reading, listing, building Q/K/V, attention, checks) call
// [Within]; a stage that stops checking its context fails them.
package cancelcheck

import (
	"context"
	"errors"
	"testing"
	"time"
)

// After is how long a stage runs before it is cancelled, and Bound how
// soon after the cancellation it must return. Bound is generous for a
// stage that checks its context every ~100 ms, and leaves room for a
// loaded machine.
const (
	After = 200 * time.Millisecond
	Bound = time.Second
)

// Within runs stage with a context cancelled After from now and fails t
// unless it returns within Bound of the cancellation with an error that
// is (or wraps) context.Canceled. A stage that finishes before the
// cancellation fails too: its input is too small to test anything.
func Within(t testing.TB, name string, stage func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- stage(ctx) }()
	select {
	case err := <-done:
		t.Fatalf("%s finished in %v, before the cancellation at %v (err %v); use a larger input", name, time.Since(start), After, err)
	case <-time.After(After):
	}
	cancel()
	stopped := time.Now()
	select {
	case err := <-done:
		if d := time.Since(stopped); d > Bound {
			t.Errorf("%s returned %v after the cancellation; want ≤ %v", name, d, Bound)
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s returned %v after the cancellation; want context.Canceled", name, err)
		}
	case <-time.After(10 * Bound):
		t.Fatalf("%s still running %v after the cancellation; want ≤ %v", name, 10*Bound, Bound)
	}
}
