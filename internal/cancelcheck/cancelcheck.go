// Package cancelcheck is the contract of issue 14 for long stages: started
// on a large input and cancelled after 200 ms, a stage returns within one
// second, with the context's error. The tests of every package with a long
// stage (reading, listing, building Q/K/V, attention, checks) call
// [Within] or [Latency]; a stage that stops checking its context fails
// them.
package cancelcheck

import (
	"context"
	"errors"
	"testing"
	"time"
)

// After is how long a stage runs before it is cancelled, and Bound how
// soon after the cancellation it must return: generous for a stage that
// checks its context every ~100 ms.
const (
	After = 200 * time.Millisecond
	Bound = time.Second
)

// Attempts is how many times a stage is tried before a slow return counts
// as a failure. A stage that does not check its context is slow every
// time; a loaded machine (other test packages run alongside) only now and
// then, so the best of three separates the two.
const Attempts = 3

// Latency calls try up to Attempts times until it reports a return within
// Bound of the cancellation, and fails t if none did or if the error of
// the best try is not context.Canceled. try runs the stage once, cancels
// it as the caller's test requires, and returns the time from the
// cancellation to the stage's return and the stage's error.
//
// A try that returns no error within Bound finished its work at about the
// time of the cancellation (a load swing made it faster than the size
// probe of the caller expected): it proves nothing either way and is tried
// again; if every try does so, t fails as for too small an input.
func Latency(t testing.TB, name string, try func() (time.Duration, error)) {
	t.Helper()
	const none = time.Duration(1 << 62)
	best, bestErr := none, error(nil)
	for range Attempts {
		d, err := try()
		if err == nil && d <= Bound {
			t.Logf("%s finished its work %v after the cancellation, without error; trying again", name, d)
			continue
		}
		if d < best {
			best, bestErr = d, err
		}
		if d <= Bound {
			break
		}
		t.Logf("%s returned %v after the cancellation; trying again", name, d)
	}
	if best == none {
		t.Errorf("%s finished before its cancellation in all %d tries; want an input it is still working on", name, Attempts)
		return
	}
	if best > Bound {
		t.Errorf("%s returned %v after the cancellation at best of %d tries; want ≤ %v", name, best, Attempts, Bound)
	}
	if !errors.Is(bestErr, context.Canceled) {
		t.Errorf("%s returned %v after the cancellation; want context.Canceled", name, bestErr)
	}
}

// Within runs stage with a context cancelled After from the start and
// checks it with [Latency]. A stage that finishes before the cancellation
// fails t: its input is too small to test anything.
func Within(t testing.TB, name string, stage func(ctx context.Context) error) {
	t.Helper()
	Latency(t, name, func() (time.Duration, error) {
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
			return time.Since(stopped), err
		case <-time.After(10 * Bound):
			t.Fatalf("%s still running %v after the cancellation; want ≤ %v", name, 10*Bound, Bound)
		}
		return 0, nil
	})
}
