package explain

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestWrap(t *testing.T) {
	tests := []struct {
		text  string
		width int
		want  []string
	}{
		{"", 10, nil},
		{"one two three", 7, []string{"one two", "three"}},
		{"one two three", 13, []string{"one two three"}},
		{"a verylongword b", 5, []string{"a", "verylongword", "b"}},
		{"⟨a, b⟩ = 0", 6, []string{"⟨a, b⟩", "= 0"}},
	}
	for _, tt := range tests {
		got := wrap(tt.text, tt.width)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrap(%q, %d) = %q; want %q", tt.text, tt.width, got, tt.want)
		}
	}
}

func TestNumAndSci(t *testing.T) {
	tests := []struct {
		f    func(float64, int) string
		name string
		x    float64
		dec  int
		want string
	}{
		{Num, "Num", -0.0001, 2, "0.00"},
		{Num, "Num", -1.005, 1, "-1.0"},
		{Num, "Num", 3.14159, 3, "3.142"},
		{Sci, "Sci", 0, 3, "0.000"},
		{Sci, "Sci", 0.5, 3, "0.500"},
		{Sci, "Sci", 3.1e-5, 2, "3.1e-05"},
		{Sci, "Sci", 2.5e9, 3, "2.50e+09"},
	}
	for _, tt := range tests {
		if got := tt.f(tt.x, tt.dec); got != tt.want {
			t.Errorf("%s(%v, %d) = %q; want %q", tt.name, tt.x, tt.dec, got, tt.want)
		}
	}
}

func sampleDoc() *Doc {
	d := &Doc{}
	d.Heading(1, "Title")
	d.Heading(2, "Step 1. A matrix")
	d.Para("Pairs with inner product 0 are " + Marked + "; this sentence is long enough that it has to be wrapped onto a second line.")
	d.Table(Matrix("a·b", []string{"a0", "a1"}, []string{"b0", "b1", "b2"},
		func(i, j int) float64 { return float64(i + j) }, 0,
		func(i, j int) Mark {
			if i+j == 0 {
				return Good
			}
			return None
		}))
	d.Pre("β² = ln(4·9)/0.125 = 28.67", "B = 5.354")
	d.Verdict(Bad, "a | b * c")
	return d
}

func TestRenderText(t *testing.T) {
	var buf bytes.Buffer
	if err := sampleDoc().Render(&buf, Text, false); err != nil {
		t.Fatal(err)
	}
	want := `Title
=====

Step 1. A matrix
----------------

Pairs with inner product 0 are starred (*); this sentence is long enough that it
has to be wrapped onto a second line.

a·b  b0   b1  b2
a0    0*   1   2
a1    1    2   3

    β² = ln(4·9)/0.125 = 28.67
    B = 5.354

a | b * c
`
	if got := buf.String(); got != want {
		t.Errorf("Render(Text) =\n%s\nwant\n%s", got, want)
	}
}

func TestRenderMarkdown(t *testing.T) {
	var buf bytes.Buffer
	if err := sampleDoc().Render(&buf, Markdown, true); err != nil {
		t.Fatal(err)
	}
	want := "# Title\n\n## Step 1. A matrix\n\n" +
		"Pairs with inner product 0 are in bold; this sentence is long enough that it has\nto be wrapped onto a second line.\n\n" +
		"| a·b | b0 | b1 | b2 |\n| :--- | ---: | ---: | ---: |\n| a0 | **0** | 1 | 2 |\n| a1 | 1 | 2 | 3 |\n\n" +
		"```text\nβ² = ln(4·9)/0.125 = 28.67\nB = 5.354\n```\n\n" +
		"> a | b * c\n"
	if got := buf.String(); got != want {
		t.Errorf("Render(Markdown) =\n%s\nwant\n%s", got, want)
	}
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestRenderColor checks that colour only adds escape sequences: with them
// removed the output is the plain one.
func TestRenderColor(t *testing.T) {
	var plain, col bytes.Buffer
	d := sampleDoc()
	if err := d.Render(&plain, Text, false); err != nil {
		t.Fatal(err)
	}
	if err := d.Render(&col, Text, true); err != nil {
		t.Fatal(err)
	}
	if !ansi.MatchString(col.String()) {
		t.Errorf("Render(Text, color) has no escape sequences")
	}
	if ansi.MatchString(plain.String()) {
		t.Errorf("Render(Text, no color) has escape sequences")
	}
	if got := ansi.ReplaceAllString(col.String(), ""); got != plain.String() {
		t.Errorf("coloured output without escapes =\n%s\nwant\n%s", got, plain.String())
	}
}

func TestUseColor(t *testing.T) {
	var buf bytes.Buffer
	if UseColor(&buf) {
		t.Errorf("UseColor(buffer) = true; want false")
	}
	t.Setenv("NO_COLOR", "1")
	if UseColor(os.Stdout) {
		t.Errorf("UseColor(stdout) with NO_COLOR=1 = true; want false")
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"text": Text, "markdown": Markdown, "md": Markdown, "MARKDOWN": Markdown} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseFormat("html"); err == nil {
		t.Errorf("ParseFormat(html) succeeded; want an error")
	}
}
