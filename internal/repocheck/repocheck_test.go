package repocheck

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// root returns the repository root: the nearest directory above the test's
// working directory that holds go.mod.
func root(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// files returns the repository's files, relative to top: the ones git
// tracks when git is available, else every file outside .git.
func files(t *testing.T, top string) []string {
	t.Helper()
	cmd := exec.Command("git", "ls-files", "-z")
	cmd.Dir = top
	if out, err := cmd.Output(); err == nil {
		var fs []string
		for _, f := range bytes.Split(out, []byte{0}) {
			if len(f) > 0 {
				fs = append(fs, string(f))
			}
		}
		return fs
	}
	var out []string
	err := filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(top, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// textFiles yields each text file (no NUL byte in it) with its content.
func textFiles(t *testing.T, top string, keep func(name string) bool) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range files(t, top) {
		if !keep(f) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(top, f))
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted in the work tree, not yet committed
		}
		if err != nil {
			t.Fatal(err)
		}
		if bytes.IndexByte(b, 0) < 0 {
			out[f] = string(b)
		}
	}
	return out
}

// designSections returns the section numbers of docs/design.md: "2" for
// "## 2. …" and "2.3" for "### 2.3 …".
func designSections(t *testing.T, top string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(top, "docs", "design.md"))
	if err != nil {
		t.Fatalf("the design document is missing: %v", err)
	}
	secs := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^#{2,4} (\d+(?:\.\d+)*)\.? `).FindAllStringSubmatch(string(b), -1) {
		secs[m[1]] = true
	}
	return secs
}

var (
	// designCite is a citation of the design document, possibly broken
	// across a comment line.
	designCite = regexp.MustCompile(`docs/design\.md\s*(?://\s*)?§(\d+(?:\.\d+)*)`)
	// section is any § citation.
	section = regexp.MustCompile(`§\s*\d`)
	// externalWorks are the documents outside the repository that may be
	// cited by section: published books and papers, named in the citation.
	externalWorks = []string{"Higham", "Abramowitz", "Knuth", "Lemma", "arXiv"}
)

func TestDesignCitations(t *testing.T) {
	top := root(t)
	secs := designSections(t, top)
	if len(secs) < 5 {
		t.Fatalf("docs/design.md has %d numbered sections; want the numbered layout (## 1. …, ### 2.1 …)", len(secs))
	}
	src := textFiles(t, top, func(f string) bool {
		return strings.HasSuffix(f, ".go") || strings.HasSuffix(f, ".md")
	})
	for f, s := range src {
		for _, m := range designCite.FindAllStringSubmatchIndex(s, -1) {
			if n := s[m[2]:m[3]]; !secs[n] {
				t.Errorf("%s:%d: cites docs/design.md §%s, which has no such section", f, lineOf(s, m[0]), n)
			}
		}
		for _, m := range section.FindAllStringIndex(s, -1) {
			before := s[max(0, m[0]-80):m[0]]
			if strings.Contains(before, "design.md") || containsAny(before, externalWorks) {
				continue
			}
			if f == "docs/design.md" {
				continue // its own cross-references
			}
			t.Errorf("%s:%d: a § citation that names no document (write docs/design.md §N, or name the book): %q",
				f, lineOf(s, m[0]), strings.TrimSpace(s[max(0, m[0]-40):min(len(s), m[1]+8)]))
		}
		if i := strings.Index(s, "DESIGN"+" §"); i >= 0 { // split so this file does not match
			t.Errorf("%s:%d: cites DESIGN, a file outside the repository; cite docs/design.md", f, lineOf(s, i))
		}
	}
}

// machinePath matches an absolute path into a home or workspace directory:
// a path that exists only on the machine a file was made on.
var machinePath = regexp.MustCompile(`(^|[\s"'` + "`" + `(=:,\[])(/(home|root|Users|work|mnt)/[^\s"'` + "`" + `)]*|[A-Za-z]:\\Users\\\S*)`)

func TestNoMachinePaths(t *testing.T) {
	top := root(t)
	for f, s := range textFiles(t, top, func(string) bool { return true }) {
		for _, m := range machinePath.FindAllStringSubmatchIndex(s, -1) {
			t.Errorf("%s:%d: absolute path of a machine %q: commands and results must be repository-relative",
				f, lineOf(s, m[4]), s[m[4]:m[5]])
		}
	}
}

func TestMachinePathPattern(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"--dir /" + "work/shared/satlib/uf20-91", true},
		{"see /" + "home/alice/x.cnf", true},
		{"\"/" + "root/go/bin\"", true},
		{`C:\` + `Users\bob\f.cnf`, true},
		{"--dir testdata/satlib/uf20-91", false},
		{"/usr/bin/python3 and /dev/zero", false},
		{"-o /tmp/transition", false},
		{"https://example.org/home/page", false},
	} {
		if got := machinePath.MatchString(tc.in); got != tc.want {
			t.Errorf("machinePath.MatchString(%q) = %v; want %v", tc.in, got, tc.want)
		}
	}
}

func lineOf(s string, off int) int { return strings.Count(s[:off], "\n") + 1 }

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// nanBlind matches a tolerance test written as math.Abs(…) followed by
// "> tol" (one level of nested calls in the argument): in Go, as in IEEE
// 754, every comparison with NaN is false, so such a test passes when the
// value under test is NaN. Tests write the failure condition as "!(math.Abs(…) <= tol)".
var nanBlind = regexp.MustCompile(`math\.Abs\([^()]*(\([^()]*\)[^()]*)*\) >[^=]`)

// TestNoNaNBlindTolerances fails on a test file that checks a difference
// against a tolerance in a way a NaN would pass.
func TestNoNaNBlindTolerances(t *testing.T) {
	top := root(t)
	for f, s := range textFiles(t, top, func(name string) bool { return strings.HasSuffix(name, "_test.go") }) {
		for _, m := range nanBlind.FindAllStringIndex(s, -1) {
			t.Errorf("%s:%d: %q passes when the value is NaN; write the failure as !(math.Abs(…) <= tol)",
				f, lineOf(s, m[0]), s[m[0]:m[1]])
		}
	}
}

func TestNaNBlindPattern(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"if math.Abs(got-want) " + "> 1e-12 {", true},
		{"if math.Abs(f(x)-want) " + "> tol {", true},
		{"if !(math.Abs(got-want) <= 1e-12) {", false},
		{"if math.Abs(got-want) >= tol {", false},
		{"if d := math.Abs(x); d < 1 {", false},
	} {
		if got := nanBlind.MatchString(tc.in); got != tc.want {
			t.Errorf("nanBlind.MatchString(%q) = %v; want %v", tc.in, got, tc.want)
		}
	}
}
