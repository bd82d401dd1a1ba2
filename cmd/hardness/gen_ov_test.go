package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/sat"
)

func TestGenOVPlanted(t *testing.T) {
	dir := t.TempDir()
	for _, ext := range []string{".ov", ".npz"} {
		out := filepath.Join(dir, "p"+ext)
		code, _, errOut := runCLI(t, nil, "gen", "ov", "--planted", "--n", "60", "--nb", "50", "--dim", "70",
			"--gap", "0.2", "--yes", "--seed", "4", "-o", out)
		if code != exitOK {
			t.Fatalf("gen ov --planted = %d, %s", code, errOut)
		}
		if !strings.Contains(errOut, "realised gap") || !strings.Contains(errOut, "planted orthogonal pair") {
			t.Errorf("stderr %q; want the realised gap and the planted pair", errOut)
		}
		x, h, err := ovp.ReadFile(out, 0)
		if err != nil || h != nil || x.N() != 60 || x.M() != 50 || x.Dim() != 70 {
			t.Fatalf("ReadFile(%s) = %v, %v, %v", out, x, h, err)
		}
		code, stdout, _ := runCLI(t, nil, "ov", out, "--stats")
		if code != exitOK || !strings.Contains(stdout, "orthogonal pairs: 1\n") {
			t.Errorf("ov %s --stats = %d, %q; want one orthogonal pair", out, code, stdout)
		}
	}
}

func TestGenOVANN(t *testing.T) {
	dir := t.TempDir()
	for _, yes := range []string{"--yes", "--no"} {
		out := filepath.Join(dir, "a"+yes+".ov")
		code, _, errOut := runCLI(t, nil, "gen", "ov", "--ann", "--n", "40", "--dim", "100", "--t", "12", "--eps", "1", yes, "-o", out)
		if code != exitOK {
			t.Fatalf("gen ov --ann = %d, %s", code, errOut)
		}
		code, stdout, _ := runCLI(t, nil, "ov", out, "--stats")
		want := map[string]string{"--yes": "distance 12: YES", "--no": ": NO (≥ max(t+1, ⌈(1+ε)t⌉) = 24)"}[yes]
		if code != exitOK || !strings.Contains(stdout, want) || !strings.Contains(stdout, "histogram") {
			t.Errorf("ov %s = %d, %q; want %q", out, code, stdout, want)
		}
	}
}

func TestGenOVFromCNFToStdout(t *testing.T) {
	f := &sat.Formula{Vars: 3, Clauses: []sat.Clause{{1, 2}, {-1, 3}, {-3}}}
	path := filepath.Join(t.TempDir(), "f.cnf")
	writeCNF(t, path, f)
	code, stdout, errOut := runCLI(t, nil, "gen", "ov", "--cnf", path)
	// Split h = 1: A = {x1=0, x1=1}, B = assignments of (x2, x3), bit t of j = x(2+t).
	// Coordinate c is 1 iff the partial assignment satisfies no literal of clause c.
	want := "ov 2 4 3\n" + "101\n" + "011\n" +
		"110\n" + "010\n" + "101\n" + "001\n"
	if code != exitOK || !strings.HasSuffix(stdout, want) || !strings.HasPrefix(stdout, "c split-and-list") {
		t.Errorf("gen ov --cnf = %d, %q (stderr %q); want comments then %q", code, stdout, errOut, want)
	}
}

func TestGenOVErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.cnf")
	writeCNF(t, big, &sat.Formula{Vars: 60, Clauses: []sat.Clause{{1, 2}}})
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"gen", "ov"}, "at least one of the flags"},
		{[]string{"gen", "ov", "--planted", "--ann", "--n", "3"}, "none of the others"},
		{[]string{"gen", "ov", "--cnf", filepath.Join(dir, "missing.cnf")}, "missing.cnf"},
		{[]string{"gen", "ov", "--cnf", big}, "above the memory limit"},
		{[]string{"gen", "ov", "--planted", "--n", "10", "--dim", "10", "--gap", "0"}, "gap 0"},
		{[]string{"gen", "ov", "--planted", "--n", "10", "--dim", "10", "--gap", "0.1", "--max-memory", "x"}, "--max-memory"},
		{[]string{"gen", "ov", "--ann", "--n", "10", "--dim", "10", "--t", "8", "--eps", "1"}, "exceeds the dimension"},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, nil, tt.args...)
		if code != exitBadInput || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v = %d, %q; want %d and %q", tt.args, code, errOut, exitBadInput, tt.want)
		}
	}
}

func writeCNF(t *testing.T, path string, f *sat.Formula) {
	t.Helper()
	var b strings.Builder
	if err := sat.WriteDIMACS(&b, f); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
