package main

import (
	"strings"
	"testing"
)

// stepHeadings returns the step headings ("3. Inner products …") in out.
func stepHeadings(out string) []string {
	var hs []string
	for _, l := range strings.Split(out, "\n") {
		if len(l) > 2 && l[0] >= '1' && l[0] <= '9' && (l[1] == '.' || l[2] == '.') && !strings.Contains(l, "  ") {
			hs = append(hs, l)
		}
	}
	return hs
}

func TestExplainSteps(t *testing.T) {
	_, full, _ := runCLI(t, nil, "explain", "--pager", "never")
	all := stepHeadings(full)
	if len(all) < 9 {
		t.Fatalf("full lesson has step headings %q; want at least 9", all)
	}
	tests := []struct {
		args   []string
		lo, hi int // 1-based steps expected
	}{
		{[]string{"--step", "3"}, 3, 3},
		{[]string{"--steps", "3-5"}, 3, 5},
		{[]string{"--steps", "9"}, 9, 9},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, nil, append([]string{"explain"}, tt.args...)...)
			if code != exitOK {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			got, want := stepHeadings(out), all[tt.lo-1:tt.hi]
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("headings %q; want %q", got, want)
			}
			if strings.Contains(out, "From SAT to attention") {
				t.Errorf("a selected step repeats the document title")
			}
			if !strings.Contains(full, out) {
				t.Errorf("the selected steps are not a part of the full lesson")
			}
		})
	}
}

func TestExplainStepsBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"--step", "12"}, {"--step", "-1"}, {"--steps", "5-3"}, {"--steps", "x"},
		{"--step", "2", "--steps", "3"}, {"--pager", "sometimes"},
	} {
		code, _, errOut := runCLI(t, nil, append([]string{"explain"}, args...)...)
		if code != exitBadInput || !strings.Contains(errOut, "step") && !strings.Contains(errOut, "pager") {
			t.Errorf("explain %s = %d, %q; want exit 2 naming the flag", strings.Join(args, " "), code, errOut)
		}
	}
}

func TestExplainPager(t *testing.T) {
	// Enter twice, then q: steps 1 to 3 and no more.
	code, out, errOut := runCLI(t, strings.NewReader("\n\nq\n"), "explain", "--pager", "always")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	hs := stepHeadings(out)
	if len(hs) != 3 || !strings.HasPrefix(hs[0], "1.") || !strings.HasPrefix(hs[2], "3.") {
		t.Errorf("paged headings %q; want steps 1 to 3", hs)
	}
	if n := strings.Count(out, "Enter for step"); n != 3 {
		t.Errorf("%d prompts; want 3", n)
	}
	// End of input shows nothing more either; a file is never paged.
	_, out, _ = runCLI(t, strings.NewReader(""), "explain", "--pager", "always")
	if hs := stepHeadings(out); len(hs) != 1 {
		t.Errorf("paging with no input showed %q; want step 1 only", hs)
	}
}
