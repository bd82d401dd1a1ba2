package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/sat"
)

// parseCompetition checks SAT-competition output and returns the "s" line
// and the model from the "v" lines (nil when there are none).
func parseCompetition(t *testing.T, out string) (status string, model []sat.Lit) {
	t.Helper()
	ended := false
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if len(line) > vLineWidth {
			t.Errorf("line %q is longer than %d bytes", line, vLineWidth)
		}
		switch {
		case line == "c" || strings.HasPrefix(line, "c "):
		case strings.HasPrefix(line, "s "):
			if status != "" {
				t.Errorf("second s line %q", line)
			}
			status = line
		case strings.HasPrefix(line, "v "):
			if ended || status == "" {
				t.Errorf("v line %q after the terminating 0 or before the s line", line)
			}
			for _, tok := range strings.Fields(line)[1:] {
				n, err := strconv.Atoi(tok)
				if err != nil {
					t.Fatalf("v line token %q: %v", tok, err)
				}
				if n == 0 {
					ended = true
				} else {
					model = append(model, sat.Lit(n))
				}
			}
		default:
			t.Errorf("line %q is not a c, s or v line", line)
		}
	}
	if model != nil && !ended {
		t.Errorf("v lines do not end in 0")
	}
	return status, model
}

// checkModel checks that the v-line literals are a full assignment of f
// that satisfies it.
func checkModel(t *testing.T, f *sat.Formula, model []sat.Lit) {
	t.Helper()
	a := sat.NewAssignment(f.Vars)
	if len(model) != f.Vars {
		t.Fatalf("model has %d literals; want %d", len(model), f.Vars)
	}
	for i, l := range model {
		if l.Var() != i+1 {
			t.Fatalf("model literal %d is %d; want ±%d", i+1, l, i+1)
		}
		a[l.Var()] = !l.Neg()
	}
	if err := sat.Verify(f, a); err != nil {
		t.Errorf("model fails: %v", err)
	}
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSolveBuiltInExample(t *testing.T) {
	code, out, errOut := runCLI(t, nil, "solve")
	if code != exitSat || errOut != "" {
		t.Fatalf("hardness solve = %d, stderr %q; want %d", code, errOut, exitSat)
	}
	status, model := parseCompetition(t, out)
	if status != "s SATISFIABLE" || !strings.Contains(out, "c 50 variables, 213 clauses") {
		t.Errorf("hardness solve output:\n%s\nwant s SATISFIABLE and the example's size", out)
	}
	f, err := sat.ReadDIMACS(bytes.NewReader(exampleCNF), "example")
	if err != nil {
		t.Fatal(err)
	}
	checkModel(t, f, model)
	// The example is planted: its comment records an assignment that satisfies it.
	if !strings.Contains(string(exampleCNF), "c planted assignment: ") {
		t.Error("built-in example has no planted assignment comment")
	}
}

func TestSolveFiles(t *testing.T) {
	const satlib = "../../sat/testdata/satlib/"
	gz := func(s string) string {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.String()
	}
	for _, tt := range []struct {
		name, path, content string // content written to a temp file when path is ""
		code                int
		status              string
	}{
		{"satlib uf20 with % trailer", satlib + "uf20-01.cnf", "", exitSat, "s SATISFIABLE"},
		{"satlib uuf50", satlib + "uuf50-01.cnf", "", exitUnsat, "s UNSATISFIABLE"},
		{"satlib pret", satlib + "pret60_25.cnf", "", exitUnsat, "s UNSATISFIABLE"},
		{"satlib xz", satlib + "uuf50-03.cnf.xz", "", exitUnsat, "s UNSATISFIABLE"},
		{"gzip", "", gz("p cnf 2 2\n1 2 0\n-1 0\n"), exitSat, "s SATISFIABLE"},
		{"empty clause", "", "p cnf 2 2\n1 2 0\n0\n", exitUnsat, "s UNSATISFIABLE"},
		{"no clauses", "", "p cnf 0 0\n", exitSat, "s SATISFIABLE"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if path == "" {
				path = writeTemp(t, "f.cnf", tt.content)
			}
			code, out, errOut := runCLI(t, nil, "solve", path)
			status, model := parseCompetition(t, out)
			if code != tt.code || status != tt.status || errOut != "" {
				t.Fatalf("hardness solve %s = %d, %q, stderr %q; want %d, %q", path, code, status, errOut, tt.code, tt.status)
			}
			f, err := sat.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if tt.code == exitSat {
				checkModel(t, f, model)
			} else if model != nil {
				t.Errorf("UNSAT output has v lines")
			}
		})
	}
}

func TestSolveStdinAndJSON(t *testing.T) {
	in := "c stdin\np cnf 3 3\n1 2 0\n-1 0\n-2 3 0\n"
	code, out, _ := runCLI(t, strings.NewReader(in), "solve", "-")
	if status, model := parseCompetition(t, out); code != exitSat || status != "s SATISFIABLE" || len(model) != 3 {
		t.Errorf("hardness solve - = %d, %q, %v; want %d, SAT with 3 literals", code, status, model, exitSat)
	}
	code, out, _ = runCLI(t, strings.NewReader(in), "solve", "--json", "-")
	var r solveReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("hardness solve --json output %q: %v", out, err)
	}
	want := solveReport{File: "<stdin>", Status: "SAT", Vars: 3, Clauses: 3, Lits: 5, Model: []int{-1, 2, 3}}
	r.Seconds = 0
	if code != exitSat || r.File != want.File || r.Status != want.Status || r.Vars != 3 || r.Clauses != 3 ||
		r.Lits != 5 || len(r.Model) != 3 || r.Model[0] != -1 || r.Model[1] != 2 || r.Model[2] != 3 {
		t.Errorf("hardness solve --json = %d, %+v; want %d, %+v", code, r, exitSat, want)
	}
	code, out, _ = runCLI(t, strings.NewReader("p cnf 1 2\n1 0\n-1 0\n"), "solve", "--json", "-")
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != exitUnsat || r.Status != "UNSAT" {
		t.Errorf("hardness solve --json (UNSAT) = %d, %q; want %d and status UNSAT", code, out, exitUnsat)
	}
}

// TestSolveTimeout uses a pigeonhole formula PHP(13, 12), which gini cannot
// refute in anything like the 1 ms allowed, so the verdict is UNKNOWN
// whatever the machine's speed.
func TestSolveTimeout(t *testing.T) {
	var b strings.Builder
	const n = 12
	x := func(p, h int) int { return p*n + h + 1 }
	var clauses []string
	for p := 0; p <= n; p++ {
		var c []string
		for h := range n {
			c = append(c, strconv.Itoa(x(p, h)))
		}
		clauses = append(clauses, strings.Join(c, " "))
	}
	for h := range n {
		for p := 0; p <= n; p++ {
			for q := p + 1; q <= n; q++ {
				clauses = append(clauses, strconv.Itoa(-x(p, h))+" "+strconv.Itoa(-x(q, h)))
			}
		}
	}
	b.WriteString("p cnf " + strconv.Itoa((n+1)*n) + " " + strconv.Itoa(len(clauses)) + "\n")
	for _, c := range clauses {
		b.WriteString(c + " 0\n")
	}
	path := writeTemp(t, "php.cnf", b.String())
	code, out, _ := runCLI(t, nil, "solve", "--timeout", "1ms", path)
	if status, _ := parseCompetition(t, out); code != exitOK || status != "s UNKNOWN" || !strings.Contains(out, "c timeout after 1ms") {
		t.Errorf("hardness solve --timeout 1ms PHP = %d, %q; want %d, s UNKNOWN with the reason", code, out, exitOK)
	}
	code, out, _ = runCLI(t, nil, "solve", "--json", "--timeout", "1ms", path)
	if code != exitOK || !strings.Contains(out, `"status":"UNKNOWN"`) || !strings.Contains(out, `"reason":"timeout after 1ms"`) {
		t.Errorf("hardness solve --json --timeout 1ms PHP = %d, %q; want UNKNOWN", code, out)
	}
}

func TestSolveBadInput(t *testing.T) {
	for _, tt := range []struct {
		name, content string
		args          []string
		want          string // substring of stderr; FILE stands for the temp file
	}{
		{"literal above vars", "p cnf 3 1\n1 -4 0\n", nil, "FILE:2:3: literal -4 names variable 4"},
		{"non-integer", "c x\np cnf 3 1\n1 two 0\n", nil, `FILE:3:3: expected a literal (a non-zero integer) or 0 to end the clause, found "two"`},
		{"unterminated", "p cnf 3 1\n1 2\n", nil, "FILE:2:4: expected 0 to terminate the clause"},
		{"missing header", "1 2 0\n", nil, "FILE:1:1: expected header"},
		{"too many clauses", "p cnf 3 1\n1 0\n2 0\n", nil, "FILE:3:1: more clauses than the 1 declared"},
		{"memory limit", "p cnf 2000000000 0\n", []string{"--max-memory", "1GiB"}, "above the memory limit of 1.0 GiB"},
		{"bad memory flag", "p cnf 1 0\n", []string{"--max-memory", "lots"}, "--max-memory"},
		{"two files", "p cnf 1 0\n", []string{"other.cnf"}, "accepts at most 1 arg"},
		{"bad timeout", "p cnf 1 0\n", []string{"--timeout", "soon"}, "invalid argument"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeTemp(t, "bad.cnf", tt.content)
			code, out, errOut := runCLI(t, nil, append(append([]string{"solve"}, tt.args...), path)...)
			want := strings.ReplaceAll(tt.want, "FILE", path)
			if code != exitBadInput || !strings.Contains(errOut, want) || out != "" {
				t.Errorf("hardness solve %s = %d, stdout %q, stderr %q; want %d and %q", tt.name, code, out, errOut, exitBadInput, want)
			}
		})
	}
	code, _, errOut := runCLI(t, nil, "solve", filepath.Join(t.TempDir(), "missing.cnf"))
	if code != exitBadInput || !strings.Contains(errOut, "missing.cnf") {
		t.Errorf("hardness solve missing.cnf = %d, %q; want %d naming the file", code, errOut, exitBadInput)
	}
}

func TestSolveHelp(t *testing.T) {
	code, out, _ := runCLI(t, nil, "solve", "--help")
	for _, want := range []string{"built-in example", "planted random 3-SAT", "hardness solve uf20-01.cnf", "--timeout", "--json", "10 satisfiable"} {
		if !strings.Contains(out, want) {
			t.Errorf("hardness solve --help lacks %q", want)
		}
	}
	if code != exitOK {
		t.Errorf("hardness solve --help = %d; want 0", code)
	}
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		code, out, errOut := runCLI(t, nil, "completion", shell)
		if code != exitOK || !strings.Contains(out, "hardness") || errOut != "" {
			t.Errorf("hardness completion %s = %d, %d bytes, stderr %q; want 0 and a script", shell, code, len(out), errOut)
		}
	}
	// Completion of subcommand names works through cobra's hidden __complete.
	code, out, _ := runCLI(t, nil, "__complete", "so")
	if code != exitOK || !strings.Contains(out, "solve") {
		t.Errorf("hardness __complete so = %d, %q; want solve", code, out)
	}
}
