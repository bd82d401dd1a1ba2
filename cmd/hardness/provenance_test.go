package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/suite"
)

// checkProvenance checks the manifest-like fields and that each recorded
// SHA-256 is that of the file next to it.
func checkProvenance(t *testing.T, dir string, p suite.Provenance, cmdWants []string, arrays ...string) {
	t.Helper()
	if p.Version == "" || p.Convention != suite.PaperConvention {
		t.Errorf("provenance %+v: want a version and the paper's convention", p)
	}
	for _, w := range cmdWants {
		if !strings.Contains(p.Command, w) {
			t.Errorf("command %q does not contain %q", p.Command, w)
		}
	}
	for _, a := range arrays {
		h, err := suite.HashFile(filepath.Join(dir, a))
		if err != nil || p.SHA256[a] != h {
			t.Errorf("%s: recorded sha256 %q, file's %q (%v)", a, p.SHA256[a], h, err)
		}
	}
}

func TestGenQKVWritesMeta(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "in")
	if code, _, errOut := runCLI(t, nil, "gen", "qkv", "--n", "8", "--d", "3", "--B", "1.5", "--seed", "42", "-o", dir); code != exitOK {
		t.Fatalf("gen qkv = %d: %s", code, errOut)
	}
	b, err := os.ReadFile(filepath.Join(dir, "meta.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m qkvMeta
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Seed != 42 || m.N != 8 || m.D != 3 || m.B != 1.5 || m.Dist != "uniform" {
		t.Errorf("meta.json = %+v", m)
	}
	checkProvenance(t, dir, m.Provenance, []string{"hardness gen qkv", "--seed 42", "--B 1.5"}, "Q.npy", "K.npy", "V.npy")
}

func TestRunSaveProvenance(t *testing.T) {
	p := writeRunCNF(t, "f.cnf", smallSat)
	dir := filepath.Join(t.TempDir(), "out")
	if code, _, errOut := runCLI(t, nil, "run", p, "--save", dir, "--seed", "7"); code != exitOK {
		t.Fatalf("run --save = %d: %s", code, errOut)
	}
	var s struct {
		suite.Provenance
		Answer   string `json:"answer"`
		Expected string `json:"expected"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "report.json"))
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if s.Seed != 7 || s.Answer != "SAT" || s.Expected != "SAT" {
		t.Errorf("report.json: seed %d, answer %q, expected %q; want 7, SAT, SAT", s.Seed, s.Answer, s.Expected)
	}
	h, _ := suite.HashFile(p)
	if s.Inputs[p] != h {
		t.Errorf("input hashes %v; want %s: %s", s.Inputs, p, h)
	}
	checkProvenance(t, dir, s.Provenance, []string{"hardness run", "--save " + dir, p}, "Q.npy", "K.npy", "V.npy", "T.npy")

	// The OV route says YES/NO.
	ov := filepath.Join(t.TempDir(), "p.ov")
	if code, _, errOut := runCLI(t, nil, "gen", "ov", "--planted", "--n", "40", "--dim", "60", "--gap", "0.2", "--no", "-o", ov); code != exitOK {
		t.Fatalf("gen ov = %d: %s", code, errOut)
	}
	dir = filepath.Join(t.TempDir(), "ov")
	if code, _, errOut := runCLI(t, nil, "run", "--ov", ov, "--gap", "0.2", "--save", dir); code != exitOK {
		t.Fatalf("run --ov --save = %d: %s", code, errOut)
	}
	b, _ = os.ReadFile(filepath.Join(dir, "report.json"))
	if err := json.Unmarshal(b, &s); err != nil || s.Answer != "NO" || s.Expected != "NO" {
		t.Errorf("report.json of an OV NO instance: answer %q expected %q (%v); want NO, NO", s.Answer, s.Expected, err)
	}
}
