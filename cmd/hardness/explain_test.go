package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkGolden compares got with testdata/explain/name, or rewrites the
// file under -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "explain", name)
	if updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/hardness -run TestExplain -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update if the change is intended):\n%s", path, diffLines(string(want), got))
	}
}

// diffLines returns the first differing line of want and got, with its number.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n  got  " + gl + "\n  want " + wl
		}
	}
	return "(no line differs)"
}

var ansiEscape = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestExplainGolden(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	tests := []struct {
		golden string
		args   []string
	}{
		{"default.txt", []string{"explain"}},
		{"unsat.txt", []string{"explain", "--unsat"}},
		{"default.md", []string{"explain", "--format", "markdown"}},
		{"unsat.md", []string{"explain", "--unsat", "--format", "md"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			code, out, errOut := runCLI(t, nil, tt.args...)
			if code != exitOK || errOut != "" {
				t.Fatalf("hardness %s = %d, stderr %q; want 0 and nothing", strings.Join(tt.args, " "), code, errOut)
			}
			if ansiEscape.MatchString(out) {
				t.Errorf("output to a buffer has colour escapes")
			}
			if strings.HasSuffix(tt.golden, ".txt") {
				for i, l := range strings.Split(out, "\n") {
					if n := utf8.RuneCountInString(l); n > 80 {
						t.Errorf("line %d has %d columns: %q", i+1, n, l)
					}
				}
			}
			checkGolden(t, tt.golden, out)
		})
	}
}

// TestExplainColor checks that --color always only adds escapes.
func TestExplainColor(t *testing.T) {
	_, plain, _ := runCLI(t, nil, "explain")
	code, col, _ := runCLI(t, nil, "explain", "--color", "always")
	if code != exitOK || !ansiEscape.MatchString(col) {
		t.Fatalf("explain --color always = %d, no escapes: %v", code, !ansiEscape.MatchString(col))
	}
	if got := ansiEscape.ReplaceAllString(col, ""); got != plain {
		t.Errorf("coloured output without escapes differs from plain output:\n%s", diffLines(plain, got))
	}
	_, md, _ := runCLI(t, nil, "explain", "--color", "always", "--format", "markdown")
	if ansiEscape.MatchString(md) {
		t.Errorf("markdown output has colour escapes")
	}
}

func TestExplainFileAndOutput(t *testing.T) {
	dir := t.TempDir()
	cnf := filepath.Join(dir, "small.cnf")
	if err := os.WriteFile(cnf, []byte("c two clauses\np cnf 3 2\n1 -2 0\n2 3 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "handout.md")
	code, stdout, errOut := runCLI(t, nil, "explain", cnf, "--format", "markdown", "-o", out)
	if code != exitOK || stdout != "" || errOut != "" {
		t.Fatalf("explain FILE -o = %d, %q, %q; want 0 and no output", code, stdout, errOut)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "# ") || !strings.Contains(string(data), cnf) || !strings.Contains(string(data), "agrees") {
		t.Errorf("handout does not look like a lesson on %s:\n%s", cnf, data)
	}
}

func TestExplainBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := write("big.cnf", "p cnf 7 1\n1 2 3 4 5 6 7 0\n")
	bad := write("bad.cnf", "p cnf 2 1\n1 x 0\n")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"too large", []string{"explain", big}, "hardness run"},
		{"malformed", []string{"explain", bad}, "bad.cnf:2"},
		{"missing", []string{"explain", filepath.Join(dir, "none.cnf")}, "none.cnf"},
		{"format", []string{"explain", "--format", "html"}, "--format"},
		{"color", []string{"explain", "--color", "sometimes"}, "--color"},
		{"unsat and file", []string{"explain", "--unsat", big}, "--unsat"},
		{"two files", []string{"explain", big, bad}, "at most 1 arg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, nil, tt.args...)
			if code != exitBadInput || out != "" || !strings.Contains(errOut, tt.want) {
				t.Errorf("hardness %s = %d, %q, %q; want %d and an error mentioning %q",
					strings.Join(tt.args, " "), code, out, errOut, exitBadInput, tt.want)
			}
		})
	}
}
