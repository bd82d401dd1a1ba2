package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExperimentList(t *testing.T) {
	code, out, _ := runCLI(t, nil, "experiment", "list")
	if code != exitOK {
		t.Fatalf("hardness experiment list = %d; want 0", code)
	}
	for _, name := range []string{"transition", "scaling", "hardness", "pipeline"} {
		if !strings.Contains(out, name) {
			t.Errorf("hardness experiment list lacks %s:\n%s", name, out)
		}
	}
	code, out, _ = runCLI(t, nil, "experiment", "--help")
	if code != exitOK || !strings.Contains(out, "transition") {
		t.Errorf("hardness experiment --help = %d, %q; want 0 and the list of experiments", code, out)
	}
}

func TestExperimentBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown experiment", []string{"experiment", "nosuch", "-o", t.TempDir()}, "unknown experiment"},
		{"no output", []string{"experiment", "transition", "--quick"}, "-o DIR"},
		{"no name", []string{"experiment"}, "accepts 1 arg"},
		{"bad memory", []string{"experiment", "scaling", "--max-memory", "lots", "-o", t.TempDir()}, "--max-memory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, nil, tc.args...)
			if code != exitBadInput || !strings.Contains(errOut, tc.want) {
				t.Errorf("hardness %s = %d, %q; want %d and %q", strings.Join(tc.args, " "), code, errOut, exitBadInput, tc.want)
			}
		})
	}
}

func TestExperimentQuickRecordsCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "scaling")
	code, stdout, errOut := runCLI(t, nil, "experiment", "scaling", "--quick", "--seed", "5", "-o", out)
	if code != exitOK {
		t.Fatalf("hardness experiment scaling --quick = %d; stderr %q", code, errOut)
	}
	want := "hardness experiment scaling --quick --seed 5 -o " + out
	b, err := os.ReadFile(filepath.Join(out, "COMMAND.txt"))
	if err != nil || strings.TrimSpace(string(b)) != want {
		t.Errorf("COMMAND.txt = %q, %v; want %q", b, err, want)
	}
	sum, err := os.ReadFile(filepath.Join(out, "summary.md"))
	if err != nil || !strings.Contains(string(sum), "- seed: 5") {
		t.Errorf("summary.md lacks the seed: %v\n%s", err, sum)
	}
	if !strings.Contains(stdout, "wrote "+filepath.Join(out, "summary.md")) {
		t.Errorf("stdout does not list summary.md:\n%s", stdout)
	}
}
