package explain

import (
	"fmt"
	"strconv"
	"strings"
)

// Steps returns the number of steps of d: its level-2 headings.
func (d *Doc) Steps() int {
	n := 0
	for _, b := range d.Blocks {
		if h, ok := b.(*Heading); ok && h.Level == 2 {
			n++
		}
	}
	return n
}

// Select returns the steps lo..hi of d (1-based, inclusive), each from its
// heading up to the next step's, without the document title. It returns an
// error naming the valid range when lo..hi is not within 1..d.Steps().
func (d *Doc) Select(lo, hi int) (*Doc, error) {
	n := d.Steps()
	if lo < 1 || hi > n || lo > hi {
		return nil, fmt.Errorf("the lesson has steps 1 to %d", n)
	}
	out := &Doc{}
	step := 0
	for _, b := range d.Blocks {
		if h, ok := b.(*Heading); ok && h.Level == 2 {
			step++
		}
		if step >= lo && step <= hi {
			out.Blocks = append(out.Blocks, b)
		}
	}
	return out, nil
}

// ParseSteps parses a step range as written on the command line: "N" or
// "N-M" (e.g. "3-5"). It does not check the range against a lesson; see
// [Doc.Select].
func ParseSteps(s string) (lo, hi int, err error) {
	a, b, isRange := strings.Cut(strings.TrimSpace(s), "-")
	if lo, err = strconv.Atoi(strings.TrimSpace(a)); err != nil {
		return 0, 0, fmt.Errorf("step range %q: want N or N-M, e.g. 3 or 3-5", s)
	}
	hi = lo
	if isRange {
		if hi, err = strconv.Atoi(strings.TrimSpace(b)); err != nil {
			return 0, 0, fmt.Errorf("step range %q: want N or N-M, e.g. 3 or 3-5", s)
		}
	}
	if lo < 1 || hi < lo {
		return 0, 0, fmt.Errorf("step range %q: want 1 ≤ N ≤ M", s)
	}
	return lo, hi, nil
}
