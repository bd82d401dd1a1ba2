package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/ovp"
)

// writeANN writes a planted Gap-ANN instance (N = M = 64, d0 = 64, t = 8,
// ε = 1) with or without a close pair.
func writeANN(t *testing.T, yes bool) string {
	t.Helper()
	p, err := ovp.PlantANN(context.Background(), ovp.ANNOptions{N: 64, M: 64, Dim: 64, T: 8, Eps: 1, Close: yes, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "a.ov")
	if err := ovp.WriteHammingFile(path, p.Hamming); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunANN(t *testing.T) {
	for _, yes := range []bool{true, false} {
		path := writeANN(t, yes)
		code, out, errOut := runCLI(t, nil, "run", "--ann", path)
		want := "NO"
		if yes {
			want = "YES: witness pair"
		}
		if code != exitOK || !strings.Contains(out, "verdict     "+want) || !strings.Contains(out, "agreement   yes") {
			t.Errorf("hardness run --ann (yes %v) = %d, %q\n%s; want 0, %q and agreement", yes, code, errOut, out, want)
		}
	}
}

// TestRunOV runs the Gap-OV route on planted instances with a constant gap,
// promised (--gap) and measured (--measure-gap), YES and NO.
func TestRunOV(t *testing.T) {
	for _, yes := range []bool{true, false} {
		p, err := ovp.PlantGap(context.Background(), ovp.GapOptions{N: 128, M: 128, Dim: 64, Density: 0.5, Gap: 0.2, Yes: yes, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "p.ov")
		if err := ovp.WriteFile(path, p.Instance); err != nil {
			t.Fatal(err)
		}
		want := "NO"
		if yes {
			want = "YES: witness pair"
		}
		for _, gapFlag := range []string{"--gap=0.2", "--measure-gap"} {
			code, out, errOut := runCLI(t, nil, "run", "--ov", path, gapFlag)
			if code != exitOK || !strings.Contains(out, "verdict     "+want) || !strings.Contains(out, "agreement   yes") ||
				!strings.Contains(out, "B = Θ(√log n)") {
				t.Errorf("hardness run --ov %s (yes %v) = %d, %q\n%s; want 0, %q, agreement, B = Θ(√log n)", gapFlag, yes, code, errOut, out, want)
			}
		}
	}
}

func TestRunANNBadInput(t *testing.T) {
	ann := writeANN(t, true)
	plain := filepath.Join(t.TempDir(), "x.ov")
	if err := ovp.WriteFile(plain, ovp.New(2, 2, 3)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no file", []string{"--ann"}, "needs a FILE"},
		{"OV file", []string{"--ann", plain}, "not a Gap-ANN"},
		{"gap flag", []string{"--ann", ann, "--gap", "0.5"}, "--gap does not apply to --ann"},
		{"ANN file as OV", []string{"--ov", ann}, "not an OV one"},
		{"both kinds", []string{"--ov", "--ann", ann}, "none of the others can be"},
		{"split with OV", []string{"--ov", plain, "--split", "1"}, "--split does not apply"},
		{"missing", []string{"--ann", filepath.Join(t.TempDir(), "none.ov")}, "none.ov"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, nil, append([]string{"run"}, tt.args...)...)
			if code != exitBadInput || !strings.Contains(errOut, tt.want) {
				t.Errorf("hardness run %v = %d, %q; want %d and %q", tt.args, code, errOut, exitBadInput, tt.want)
			}
		})
	}
}
