package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The tests of this package share one -update flag, which rewrites golden
// files (and the outputs shown in docs/tutorial.md) instead of comparing.
// It is defined here only if no other test file has defined it already.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files and docs/tutorial.md instead of comparing")
	}
}

// updating reports whether the test binary runs with -update.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

const tutorialPath = "../../docs/tutorial.md"

// tutorialCores is the number of cores the tutorial's commands run with.
const tutorialCores = 2

// tutorialStep is one "$ command" line of a console block in the tutorial
// and the output shown under it.
type tutorialStep struct {
	line  int      // 1-based line of the command in tutorial.md
	cmd   string   // the command as written, without "$ "
	first int      // index in the file's lines of the first output line
	shown []string // the output lines shown (up to the next command or the fence)
}

// parseTutorial returns the commands of every ```console block of the
// tutorial, in order.
func parseTutorial(lines []string) ([]*tutorialStep, error) {
	var steps []*tutorialStep
	var cur *tutorialStep
	inConsole := false
	for i, l := range lines {
		switch {
		case !inConsole && strings.TrimSpace(l) == "```console":
			inConsole = true
		case inConsole && strings.TrimSpace(l) == "```":
			inConsole, cur = false, nil
		case inConsole && strings.HasPrefix(l, "$ "):
			cur = &tutorialStep{line: i + 1, cmd: strings.TrimSpace(l[2:]), first: i + 1}
			steps = append(steps, cur)
		case inConsole && cur == nil:
			return nil, fmt.Errorf("%s:%d: console block must begin with a $ command, found %q", tutorialPath, i+1, l)
		case inConsole:
			cur.shown = append(cur.shown, l)
		}
	}
	if inConsole {
		return nil, fmt.Errorf("%s: unterminated ```console block", tutorialPath)
	}
	return steps, nil
}

// splitCommand splits a command line at spaces, honouring single and double
// quotes (no escapes, pipes or redirections: the tutorial does not use them).
func splitCommand(s string) ([]string, error) {
	var args []string
	var cur strings.Builder
	inArg := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inArg = r, true
		case r == ' ' || r == '\t':
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		default:
			cur.WriteRune(r)
			inArg = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote in %q", s)
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args, nil
}

// volatile matches what legitimately changes between runs and machines:
// durations ("1.5ms", "2m3.1s", "850µs", "0.076 s"), measured memory
// ("peak memory 12.3 MiB"; predicted sizes are deterministic at the
// tutorial's core count and are checked), rates, the worker count and
// tiling, which follow the
// number of cores, the exact engine's kernel set, which follows the CPU,
// and how many pairs a parallel search tested before it
// stopped at the first orthogonal pair.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\b(\d+h)?(\d+m)?\d+(\.\d+)?(ns|µs|us|ms|s)\b`), "<time>"},
	{regexp.MustCompile(`\b\d+(\.\d+)? (ns|µs|ms|s|min)$`), "<time>"},
	{regexp.MustCompile(`\b\d+(\.\d+)? s\b`), "<time>"},
	{regexp.MustCompile(`(peak memory )\d+(\.\d+)? ?(B|KiB|MiB|GiB|TiB|kB|MB|GB)\b`), "${1}<bytes>"},
	{regexp.MustCompile(`\b\d+(\.\d+)?(e[+-]?\d+)? ?(pairs|flops|[kMGT]?flop|MB|GB)/s\b`), "<rate>"},
	{regexp.MustCompile(`(orthogonal pair a_\d+, b_\d+ \()\d+( pairs tested)`), "${1}<k>${2}"},
	{regexp.MustCompile(`\b\d+ workers?\b`), "<n> workers"},
	{regexp.MustCompile(`\btiles \d+ queries × \d+ keys\b`), "tiles <q> queries × <k> keys"},
	// The exact engine's kernel set follows the CPU (AVX-512, AVX2 or Go).
	{regexp.MustCompile(`\bkernels: [a-z0-9-]+$`), "kernels: <cpu>"},
	// Rounding-level differences depend on the kernel (SIMD or pure Go).
	{regexp.MustCompile(`(agrees with the naive definition to )[0-9.]+e-1[4-7]`), "${1}<rounding>"},
}

// normalize replaces the volatile parts of output lines by placeholders.
func normalize(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		for _, v := range volatile {
			l = v.re.ReplaceAllString(l, v.with)
		}
		out[i] = strings.TrimRight(l, " ")
	}
	return out
}

// elision is the line by which the tutorial leaves out part of a long
// output. The shown lines are segments separated by elisions: the first
// segment must begin the output (unless the block starts with an elision),
// the last must end it (unless the block ends with one), and the segments
// must appear in order.
const elision = "[...]"

// segments splits shown lines at elisions.
func segments(shown []string) [][]string {
	var segs [][]string
	cur := []string{}
	for _, l := range shown {
		if l == elision {
			segs = append(segs, cur)
			cur = []string{}
			continue
		}
		cur = append(cur, l)
	}
	return append(segs, cur)
}

// findSeg returns the first index ≥ from where seg occurs in got, or −1.
func findSeg(got, seg []string, from int) int {
	for i := from; i+len(seg) <= len(got); i++ {
		if slices.Equal(got[i:i+len(seg)], seg) {
			return i
		}
	}
	return -1
}

// matchShown reports whether the shown lines agree with the real output.
func matchShown(shown, got []string) bool {
	shown, got = normalize(shown), normalize(got)
	segs := segments(shown)
	if len(segs) == 1 {
		return slices.Equal(shown, got)
	}
	first, last := segs[0], segs[len(segs)-1]
	if len(first) > len(got) || !slices.Equal(first, got[:len(first)]) {
		return false
	}
	pos := len(first)
	for _, seg := range segs[1 : len(segs)-1] {
		i := findSeg(got, seg, pos)
		if i < 0 {
			return false
		}
		pos = i + len(seg)
	}
	return len(got)-len(last) >= pos && slices.Equal(last, got[len(got)-len(last):])
}

// reshow returns got as the tutorial should show it: in full, or with the
// same segments as before, each as long as before: the first from the
// start, the last from the end, the middle ones from the line where they
// began (or unchanged if that line is gone).
func reshow(shown, got []string) []string {
	segs := segments(shown)
	if len(segs) == 1 {
		return got
	}
	ng := normalize(got)
	first, last := segs[0], segs[len(segs)-1]
	if len(first)+len(last) >= len(got) {
		return got
	}
	out := slices.Clone(got[:len(first)])
	pos := len(first)
	for _, seg := range segs[1 : len(segs)-1] {
		out = append(out, elision)
		i := -1
		if len(seg) > 0 {
			i = slices.Index(ng[pos:], normalize(seg[:1])[0])
		}
		if i < 0 || pos+i+len(seg) > len(got) {
			out = append(out, seg...)
			continue
		}
		out = append(out, got[pos+i:pos+i+len(seg)]...)
		pos += i + len(seg)
	}
	out = append(out, elision)
	return append(out, got[len(got)-len(last):]...)
}

// splitOutput returns the lines of out without the final newline's empty line.
func splitOutput(out string) []string {
	out = strings.TrimSuffix(out, "\n")
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

// tutorialShell runs the tutorial's commands: hardness in-process, plus the
// few shell builtins the text uses (cat, ls, echo $?).
type tutorialShell struct {
	lastCode int
}

func (sh *tutorialShell) exec(args []string) (string, error) {
	switch args[0] {
	case "hardness":
		var out, errb bytes.Buffer
		sh.lastCode = run(args[1:], strings.NewReader(""), &out, &errb)
		return out.String() + errb.String(), nil
	case "echo":
		if len(args) == 2 && args[1] == "$?" {
			return strconv.Itoa(sh.lastCode) + "\n", nil
		}
	case "cat":
		var b strings.Builder
		for _, name := range args[1:] {
			data, err := os.ReadFile(name)
			if err != nil {
				return "", err
			}
			b.Write(data)
		}
		sh.lastCode = 0
		return b.String(), nil
	case "ls":
		var b strings.Builder
		for _, dir := range args[1:] {
			es, err := os.ReadDir(dir)
			if err != nil {
				return "", err
			}
			for _, e := range es {
				b.WriteString(e.Name() + "\n")
			}
		}
		sh.lastCode = 0
		return b.String(), nil
	}
	return "", fmt.Errorf("the tutorial harness cannot run %q (only hardness, cat, ls and echo $?)", strings.Join(args, " "))
}

// TestTutorial runs every command of docs/tutorial.md, in order, in a
// scratch directory, and checks each output against the output the
// tutorial shows and against its golden file in testdata/tutorial. With
// -update it rewrites both.
func TestTutorial(t *testing.T) {
	doc, err := filepath.Abs(tutorialPath)
	if err != nil {
		t.Fatal(err)
	}
	goldenDir, err := filepath.Abs(filepath.Join("testdata", "tutorial"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	steps, err := parseTutorial(lines)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) == 0 {
		t.Fatalf("%s has no ```console blocks", tutorialPath)
	}
	t.Setenv("NO_COLOR", "1")
	t.Chdir(t.TempDir())
	// Two cores, as the tutorial shows: the predicted cost of poly counts
	// one accumulator per worker, so it depends on the number of cores.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(tutorialCores))
	sh := &tutorialShell{}
	var replace [][]string       // new shown lines per step, for -update
	written := map[string]bool{} // golden files of this run, for -update
	for i, st := range steps {
		args, err := splitCommand(st.cmd)
		if err != nil || len(args) == 0 {
			t.Fatalf("%s:%d: bad command %q: %v", tutorialPath, st.line, st.cmd, err)
		}
		out, err := sh.exec(args)
		if err != nil {
			t.Fatalf("%s:%d: %s: %v", tutorialPath, st.line, st.cmd, err)
		}
		got := splitOutput(out)
		golden := filepath.Join(goldenDir, fmt.Sprintf("%02d-%s.golden", i+1, slug(args)))
		norm := strings.Join(normalize(got), "\n") + "\n"
		replace = append(replace, reshow(st.shown, got))
		if updating() {
			if err := os.MkdirAll(goldenDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(norm), 0o644); err != nil {
				t.Fatal(err)
			}
			written[golden] = true
			continue
		}
		if !matchShown(st.shown, got) {
			t.Errorf("%s:%d: $ %s\noutput:\n%s\ntutorial shows:\n%s\n(run go test ./cmd/hardness -run TestTutorial -update to refresh)",
				tutorialPath, st.line, st.cmd, strings.Join(got, "\n"), strings.Join(st.shown, "\n"))
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Errorf("%s:%d: %v (run with -update to create it)", tutorialPath, st.line, err)
		} else if string(want) != norm {
			t.Errorf("%s:%d: $ %s: output differs from %s:\n%s\nwant:\n%s", tutorialPath, st.line, st.cmd, golden, norm, want)
		}
	}
	if updating() {
		if err := os.WriteFile(doc, []byte(rewriteTutorial(lines, steps, replace)), 0o644); err != nil {
			t.Fatal(err)
		}
		old, _ := filepath.Glob(filepath.Join(goldenDir, "*.golden"))
		for _, f := range old {
			if !written[f] {
				os.Remove(f) // a command that left the tutorial
			}
		}
	}
}

// rewriteTutorial replaces each step's shown output by the new lines.
func rewriteTutorial(lines []string, steps []*tutorialStep, replace [][]string) string {
	var out []string
	next := 0
	for i, st := range steps {
		out = append(out, lines[next:st.first]...)
		out = append(out, replace[i]...)
		next = st.first + len(st.shown)
	}
	out = append(out, lines[next:]...)
	return strings.Join(out, "\n")
}

// slug names a golden file after the command: "hardness gen cnf" → "gen-cnf".
func slug(args []string) string {
	var parts []string
	for _, a := range args {
		if a == "hardness" {
			continue
		}
		if strings.HasPrefix(a, "-") || strings.ContainsAny(a, "./$") || len(parts) == 2 {
			break
		}
		parts = append(parts, a)
	}
	if len(parts) == 0 {
		parts = []string{args[0]}
	}
	return strings.Join(parts, "-")
}

func TestParseTutorial(t *testing.T) {
	doc := strings.Split("text\n```console\n$ hardness gen cnf --vars 3\np cnf 3 1\n1 2 0\n$ echo $?\n0\n```\n```go\n$ not a command\n```\n", "\n")
	steps, err := parseTutorial(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 2 || steps[0].cmd != "hardness gen cnf --vars 3" || len(steps[0].shown) != 2 ||
		steps[1].cmd != "echo $?" || steps[1].shown[0] != "0" || steps[0].line != 3 {
		t.Errorf("parseTutorial = %+v %+v; want two steps", steps[0], steps[1])
	}
	if _, err := parseTutorial([]string{"```console", "output before a command", "```"}); err == nil {
		t.Errorf("parseTutorial(output before command) succeeded; want an error")
	}
	got := rewriteTutorial(doc, steps, [][]string{{"new"}, {"1"}})
	want := "text\n```console\n$ hardness gen cnf --vars 3\nnew\n$ echo $?\n1\n```\n```go\n$ not a command\n```\n"
	if got != want {
		t.Errorf("rewriteTutorial = %q; want %q", got, want)
	}
}

func TestSplitCommand(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"hardness gen cnf  --vars 3", []string{"hardness", "gen", "cnf", "--vars", "3"}},
		{`hardness run 'a b.cnf' "" x`, []string{"hardness", "run", "a b.cnf", "", "x"}},
	}
	for _, tt := range tests {
		got, err := splitCommand(tt.in)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("splitCommand(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := splitCommand(`a "b`); err == nil {
		t.Errorf("splitCommand(unterminated quote) succeeded; want an error")
	}
}

func TestMatchShown(t *testing.T) {
	got := []string{"a", "took 1.25ms", "c", "d"}
	tests := []struct {
		shown []string
		want  bool
	}{
		{[]string{"a", "took 3s", "c", "d"}, true},
		{[]string{"a", "took 3s", "c"}, false},
		{[]string{"a", "[...]", "d"}, true},
		{[]string{"a", "[...]", "c"}, false},
		{[]string{"[...]"}, true},
		{[]string{"a", "b", "c", "[...]", "c", "d"}, false},
		{[]string{"[...]", "c", "[...]"}, true},
		{[]string{"[...]", "took 2s", "[...]", "d"}, true},
		{[]string{"[...]", "c", "[...]", "took 1s"}, false},
		{[]string{"a", "[...]", "a", "[...]"}, false},
	}
	for _, tt := range tests {
		if g := matchShown(tt.shown, got); g != tt.want {
			t.Errorf("matchShown(%q, %q) = %v; want %v", tt.shown, got, g, tt.want)
		}
	}
	reshows := []struct{ shown, want []string }{
		{[]string{"x", "[...]", "y"}, []string{"a", "[...]", "d"}},
		{[]string{"[...]", "c", "[...]"}, []string{"[...]", "c", "[...]"}},
		{[]string{"[...]", "took 5ms", "[...]"}, []string{"[...]", "took 1.25ms", "[...]"}},
		{[]string{"a", "b", "c", "d", "[...]"}, got},
	}
	for _, tt := range reshows {
		if g := reshow(tt.shown, got); !slices.Equal(g, tt.want) {
			t.Errorf("reshow(%q) = %q; want %q", tt.shown, g, tt.want)
		}
	}
}
