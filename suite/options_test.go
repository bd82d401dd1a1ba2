package suite

import (
	"strings"
	"testing"
)

func TestParseListErrors(t *testing.T) {
	// A doubling range to MaxInt64 overflowed and looped until out of memory.
	if got, err := ParseList("4..9223372036854775807", false); err != nil || len(got) != 61 || got[60] != 1<<62 {
		t.Errorf("ParseList(4..MaxInt64) = %d values, %v; want the 61 powers 4 … 2^62", len(got), err)
	}
	for _, tt := range []struct {
		in   string
		auto bool
		want string
	}{
		{"auto", false, "not a number"},
		{"", true, "empty list"},
		{"4..2", false, "LO..HI"},
		{"1:2:0", true, "STEP > 0"},
		{"1:5000:1", true, "at most 1000"},
		{"x", true, "not a number"},
		// Duplicates made two cells with one id (a manifest with a repeated
		// id, or "rename …: file exists" when both were made at once).
		{"256,256", false, "256 given twice"},
		{"auto,auto", true, "auto given twice"},
		{"1:2:0.5,1.5", true, "1.5 given twice"},
		{"0", true, `"0": want a value > 0, or auto`},
	} {
		_, err := ParseList(tt.in, tt.auto)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseList(%q) = %v; want an error with %q", tt.in, err, tt.want)
		}
	}
}

func TestJobsBalanceAndIndependence(t *testing.T) {
	o := Options{Routes: []string{"ov"}, Sizes: []int{32}, Gaps: []float64{0.1}, Count: 10, YesFraction: 0.3, Seed: 4}
	if err := o.normalize(); err != nil {
		t.Fatal(err)
	}
	js := o.jobs()
	yes := 0
	for _, j := range js {
		if j.yes {
			yes++
		}
	}
	if len(js) != 10 || yes != 3 {
		t.Errorf("%d jobs with %d YES; want 10 and 3", len(js), yes)
	}
	// Adding a cell changes no existing instance's seed or verdict.
	o2 := o
	o2.Gaps = []float64{0.05, 0.1}
	seen := map[string]job{}
	for _, j := range o2.jobs() {
		seen[j.id] = j
	}
	for _, j := range js {
		if k, ok := seen[j.id]; !ok || k.seed != j.seed || k.yes != j.yes {
			t.Errorf("%s changed when a cell was added", j.id)
		}
	}
}
