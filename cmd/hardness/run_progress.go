package main

import (
	"io"
	"sync"

	"github.com/hardnesslab/hardness/internal/progress"
	"github.com/hardnesslab/hardness/reduction"
)

// stageBars shows a progress bar for the long stages of `hardness run`
// (the attention and the gap measurement) when stderr is a terminal. Its
// methods are safe for concurrent use and do nothing off a terminal.
type stageBars struct {
	w        io.Writer
	mu       sync.Mutex
	bar      *progress.Bar
	checkBar bool // the check stage is a quadratic scan (Gap-ANN), not gini
}

// barSteps is the resolution of a bar driven by a fraction.
const barSteps = 1000

// stage is reduction.Options.OnStage: it closes the previous bar and opens
// one for a long stage.
func (b *stageBars) stage(name string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bar.Finish()
	b.bar = nil
	switch name {
	case reduction.StageAttention:
		b.bar = progress.New(b.w, barSteps, "attention")
	case reduction.StageGap:
		b.bar = progress.New(b.w, barSteps, "gap (all pairs)")
	case reduction.StageCheck:
		if b.checkBar {
			b.bar = progress.New(b.w, barSteps, "check (all pairs)")
		}
	}
}

// fraction is attention.Options.Progress.
func (b *stageBars) fraction(done float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bar.Set(int64(done * barSteps))
}

// pairs is reduction.Options.GapProgress, also the progress of the
// Gap-ANN check.
func (b *stageBars) pairs(done, total int64) {
	if total > 0 {
		b.fraction(float64(done) / float64(total))
	}
}

// finish closes the last bar; a nil receiver does nothing.
func (b *stageBars) finish() {
	if b == nil {
		return
	}
	b.stage("")
}
