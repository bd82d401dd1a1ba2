package experiments

import (
	"fmt"
	"math"
)

// A shard file is read back by a merge and its points are plotted and
// tabulated as they are, so each recorded point is checked for what no
// run records: a null value (dereferenced: the merge panicked), a size
// below 1, a negative, NaN or infinite time (a scaling table showed
// "seconds -5"), a negative error or bound. Errors and bounds may be NaN
// or +Inf (a failed or unbounded method).

// checker is a recorded point that can check its values.
type checker interface{ check() error }

// checkPoint checks a point read back from a shard file.
func checkPoint(v any) error {
	switch p := v.(type) {
	case checker:
		return p.check()
	case []measuredPoint:
		for i := range p {
			if err := p[i].check(); err != nil {
				return fmt.Errorf("measurement %d: %w", i, err)
			}
		}
	}
	return nil
}

// badTime reports a recorded duration that is not a finite number ≥ 0.
func badTime(x float64) bool { return !(x >= 0) || math.IsInf(x, 1) }

// badErr reports a recorded error or bound below 0 (NaN and +Inf pass).
func badErr(x float64) bool { return x < 0 }

func (p *scalingPoint) check() error {
	switch {
	case p == nil:
		return fmt.Errorf("no value")
	case p.n < 1 || p.reps < 0:
		return fmt.Errorf("n %d, reps %d: want n ≥ 1 and reps ≥ 0", p.n, p.reps)
	case badTime(p.seconds) || badErr(p.maxErr) || badErr(p.bound):
		return fmt.Errorf("seconds %v, max_err %v, bound %v: want a finite time ≥ 0 and errors ≥ 0", p.seconds, p.maxErr, p.bound)
	}
	return nil
}

func (p *measuredPoint) check() error {
	switch {
	case p.n < 1:
		return fmt.Errorf("n %d: want n ≥ 1", p.n)
	case badTime(p.seconds) || badErr(p.maxErr) || badErr(p.bound):
		return fmt.Errorf("seconds %v, max_err %v, bound %v: want a finite time ≥ 0 and errors ≥ 0", p.seconds, p.maxErr, p.bound)
	}
	return nil
}

func (r *pipelineRow) check() error {
	if r == nil {
		return fmt.Errorf("no value")
	}
	if badTime(r.total) {
		return fmt.Errorf("total %v: want a finite time ≥ 0", r.total)
	}
	for name, s := range r.stages {
		if badTime(s) {
			return fmt.Errorf("stage %s %v: want a finite time ≥ 0", name, s)
		}
	}
	return nil
}

func (h *hardnessRow) check() error {
	switch {
	case h == nil:
		return fmt.Errorf("no value")
	case badTime(h.exactSec) || badTime(h.polySec):
		return fmt.Errorf("exact_sec %v, poly_sec %v: want finite times ≥ 0", h.exactSec, h.polySec)
	case badErr(h.polyErr) || badErr(h.polyBound):
		return fmt.Errorf("poly_err %v, poly_bound %v: want errors ≥ 0", h.polyErr, h.polyBound)
	}
	return nil
}
