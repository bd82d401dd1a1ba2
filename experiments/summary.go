package experiments

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hardnesslab/hardness/internal/fileio"
)

// Summary is the generated summary.md of a run: how it was run, its
// parameters, the key findings computed from the data, and tables.
type Summary struct {
	Title       string
	Description string
	Command     string
	Seed        uint64
	Quick       bool
	Environment string
	Elapsed     time.Duration
	// Partial marks a run that stopped early; PartialReason says why.
	Partial       bool
	PartialReason string
	// Params are the parameters of the sweep, in order.
	Params []Param
	// Findings are the key findings, each a sentence with numbers computed
	// from the data.
	Findings []string
	// Notes are caveats: caps on sizes, skipped points, what was assumed.
	Notes   []string
	Tables  []*MarkdownTable
	Figures []FigureRef
	Files   []string
}

// Param is a named parameter value.
type Param struct{ Name, Value string }

// FigureRef is a figure embedded in the summary.
type FigureRef struct{ File, Caption string }

// MarkdownTable is a table rendered in the summary.
type MarkdownTable struct {
	Caption string
	Header  []string
	Rows    [][]string
}

// AddParam records a parameter; the value is formatted with %v.
func (s *Summary) AddParam(name string, value any) {
	s.Params = append(s.Params, Param{name, fmt.Sprint(value)})
}

// AddFinding records a key finding, formatted as by fmt.Sprintf.
func (s *Summary) AddFinding(format string, args ...any) {
	s.Findings = append(s.Findings, fmt.Sprintf(format, args...))
}

// AddNote records a caveat, formatted as by fmt.Sprintf.
func (s *Summary) AddNote(format string, args ...any) {
	s.Notes = append(s.Notes, fmt.Sprintf(format, args...))
}

// AddTable adds a table to the summary and returns it for filling.
func (s *Summary) AddTable(caption string, header ...string) *MarkdownTable {
	t := &MarkdownTable{Caption: caption, Header: header}
	s.Tables = append(s.Tables, t)
	return t
}

// Append adds a row of values; floats are printed with 3 significant
// digits, other values as by [FormatValue]. It panics on a wrong count.
func (t *MarkdownTable) Append(values ...any) {
	if len(values) != len(t.Header) {
		panic(fmt.Sprintf("experiments: markdown table %q: %d values for %d columns", t.Caption, len(values), len(t.Header)))
	}
	row := make([]string, len(values))
	for i, v := range values {
		row[i] = short(v)
	}
	t.Rows = append(t.Rows, row)
}

// short formats v for a human: 3 significant digits for floats.
func short(v any) string {
	switch x := v.(type) {
	case float64:
		return fmt.Sprintf("%.3g", x)
	case time.Duration:
		return fmt.Sprintf("%.3g s", x.Seconds())
	}
	return FormatValue(v)
}

// WriteMarkdown renders the summary.
func (s *Summary) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Experiment `%s`\n\n", s.Title)
	if s.Partial {
		fmt.Fprintf(&b, "> **PARTIAL RESULTS**: the run stopped early: %s. The tables and plots hold what was measured until then.\n\n", oneLine(s.PartialReason))
	}
	if s.Description != "" {
		b.WriteString(strings.TrimSpace(s.Description) + "\n\n")
	}
	b.WriteString("## Run\n\n")
	if s.Command != "" {
		fmt.Fprintf(&b, "    %s\n\n", s.Command)
	}
	mode := "full"
	if s.Quick {
		mode = "quick"
	}
	fmt.Fprintf(&b, "- seed: %d\n- mode: %s\n", s.Seed, mode)
	if s.Elapsed > 0 {
		fmt.Fprintf(&b, "- wall time: %.1f s\n", s.Elapsed.Seconds())
	}
	if s.Environment != "" {
		fmt.Fprintf(&b, "- environment: %s\n", s.Environment)
	}
	if len(s.Params) > 0 {
		b.WriteString("\n## Parameters\n\n")
		for _, p := range s.Params {
			fmt.Fprintf(&b, "- %s: %s\n", p.Name, p.Value)
		}
	}
	if len(s.Findings) > 0 {
		b.WriteString("\n## Key findings\n\n")
		for _, f := range s.Findings {
			fmt.Fprintf(&b, "- %s\n", f)
		}
	}
	for _, f := range s.Figures {
		fmt.Fprintf(&b, "\n![%s](%s)\n", f.Caption, f.File)
	}
	if len(s.Notes) > 0 {
		b.WriteString("\n## Notes\n\n")
		for _, n := range s.Notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	for _, t := range s.Tables {
		t.write(&b)
	}
	if len(s.Files) > 0 {
		b.WriteString("\n## Files\n\n")
		for _, f := range s.Files {
			fmt.Fprintf(&b, "- [%s](%s)\n", f, f)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (t *MarkdownTable) write(b *strings.Builder) {
	fmt.Fprintf(b, "\n## %s\n\n", t.Caption)
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	b.WriteString("|")
	for _, h := range t.Header {
		b.WriteString(" " + cell(h) + " |")
	}
	b.WriteString("\n|")
	for range t.Header {
		b.WriteString(" --- |")
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		b.WriteString("|")
		for _, c := range r {
			b.WriteString(" " + cell(c) + " |")
		}
		b.WriteString("\n")
	}
	if len(t.Rows) == 0 {
		b.WriteString("\n(no rows)\n")
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// WriteFile writes the summary to path atomically.
func (s *Summary) WriteFile(path string) error {
	return fileio.WriteAtomic(path, s.WriteMarkdown)
}
