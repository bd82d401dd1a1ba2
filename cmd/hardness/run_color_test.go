package main

import (
	"strings"
	"testing"
)

// TestRunColorAndFailureOnce runs the fast path with too small a budget
// (UNTRUSTED, WARNING and a DECODING FAILURE): with --color always the
// alerts are coloured, without they are not, and the failure is reported
// once (in the report), not repeated on standard error.
func TestRunColorAndFailureOnce(t *testing.T) {
	args := []string{"run", "--algo", "poly", "--max-rank", "50"} // degree 0: rank C(94+1, 1) = 95 does not fit
	code, plain, errOut := runCLI(t, nil, args...)
	if code != exitMismatch {
		t.Fatalf("exit %d; want %d (the verdict disagrees)", code, exitMismatch)
	}
	if strings.Contains(errOut, "decoding failure") || !strings.Contains(errOut, "agreement line") {
		t.Errorf("stderr %q; want a pointer to the report's agreement line, not the reason again", errOut)
	}
	if ansiEscape.MatchString(plain) {
		t.Errorf("report to a buffer has colour escapes")
	}
	for _, w := range []string{"UNTRUSTED", "WARNING", "agreement   NO"} {
		if !strings.Contains(plain, w) {
			t.Errorf("report lacks %q:\n%s", w, plain)
		}
	}
	_, colored, _ := runCLI(t, nil, append(args, "--color", "always")...)
	for _, w := range []string{"\x1b[1;31mUNTRUSTED\x1b[0m", "\x1b[1;33mWARNING\x1b[0m"} {
		if !strings.Contains(colored, w) {
			t.Errorf("--color always: no coloured %q", w)
		}
	}
	// The times differ between runs; the layout must not.
	if got := ansiEscape.ReplaceAllString(colored, ""); strings.Count(got, "\n") != strings.Count(plain, "\n") {
		t.Errorf("colour changed the layout:\n%s", got)
	}
	if code, _, errOut := runCLI(t, nil, "run", "--color", "pink"); code != exitBadInput || !strings.Contains(errOut, "--color") {
		t.Errorf("run --color pink = %d, %q; want exit 2 naming --color", code, errOut)
	}
	// JSON output keeps the reason on standard error: there is no text report.
	if code, _, errOut := runCLI(t, nil, append(args, "--json")...); code != exitMismatch || errOut == "" {
		t.Errorf("--json: exit %d, stderr %q; want 1 and the reason", code, errOut)
	}
}
