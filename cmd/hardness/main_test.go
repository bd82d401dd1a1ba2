package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// runCLI runs the command line in-process and returns its exit status,
// standard output and standard error.
func runCLI(t *testing.T, stdin io.Reader, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errb bytes.Buffer
	code = run(args, stdin, &out, &errb)
	return code, out.String(), errb.String()
}

func TestRootHelpAndVersion(t *testing.T) {
	code, out, _ := runCLI(t, nil, "--help")
	if code != 0 || !strings.Contains(out, "Alman and Song") {
		t.Errorf("hardness --help = %d, %q; want 0 and the description", code, out)
	}
	code, out, _ = runCLI(t, nil, "--version")
	if code != 0 || !strings.Contains(out, "hardness version") {
		t.Errorf("hardness --version = %d, %q; want 0 and a version", code, out)
	}
}

func TestUnknownFlagIsBadInput(t *testing.T) {
	code, _, errOut := runCLI(t, nil, "--no-such-flag")
	if code != exitBadInput || !strings.Contains(errOut, "unknown flag") {
		t.Errorf("hardness --no-such-flag = %d, %q; want %d and an error", code, errOut, exitBadInput)
	}
}
