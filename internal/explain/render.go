package explain

import (
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"
)

// Width is the number of columns every line of text output fits in.
const Width = 80

// Format selects how a [Doc] is written.
type Format int

// The output formats.
const (
	Text     Format = iota // plain text for an 80-column terminal, colour optional
	Markdown               // a Markdown handout (GitHub-flavoured tables)
)

// ParseFormat parses "text" or "markdown" (also "md").
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "text", "terminal":
		return Text, nil
	case "markdown", "md":
		return Markdown, nil
	}
	return 0, fmt.Errorf("unknown format %q (want text or markdown)", s)
}

// UseColor reports whether text written to w should be coloured: only when
// w is a terminal and the NO_COLOR environment variable is unset or empty
// (https://no-color.org).
func UseColor(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Mark highlights a table cell or a line.
type Mark int

// The marks. In plain text a Good or Bad cell gets a trailing '*'; colour,
// when on, is green for Good and red for Bad. Markdown sets marked cells in
// bold.
const (
	None Mark = iota
	Good      // e.g. an orthogonal pair, a row above the threshold
	Bad       // e.g. a certified error above the tolerance
)

// Cell is one table entry.
type Cell struct {
	Text string
	Mark Mark
}

// Table is a grid with a header row. The first Left columns (at least
// one) are left-aligned (labels, formulas); the others are right-aligned
// (numbers).
type Table struct {
	Header []string
	Rows   [][]Cell
	Left   int
}

func (t *Table) left(c int) bool { return c < max(1, t.Left) }

// Block is one element of a [Doc]: *Heading, *Para, *Pre, *Table or *FigureRef.
type Block interface{ block() }

// Heading is a step title.
type Heading struct {
	Level int // 1 for the document title, 2 for steps
	Text  string
}

// Marked is a placeholder for paragraphs that refer to marked cells: it
// reads "starred (*)" in text output and "in bold" in Markdown.
const Marked = "\x00marked\x00"

// Para is a paragraph of prose, wrapped to [Width]. Its text may contain
// [Marked].
type Para struct {
	Text string
	Mark Mark
}

// Pre is preformatted text, e.g. arithmetic written out; its lines are
// printed as they are (indented in text, fenced in Markdown).
type Pre struct{ Lines []string }

// FigureRef places a figure of the lesson (package figures draws it, by
// Name) after the preceding block. Text and Markdown output leave it out;
// HTML output shows it.
type FigureRef struct{ Name, Caption string }

func (*FigureRef) block() {}
func (*Heading) block()   {}
func (*Para) block()      {}
func (*Pre) block()       {}
func (*Table) block()     {}

// Doc is a sequence of blocks, built by its methods and written by Render.
type Doc struct{ Blocks []Block }

// Heading appends a heading.
func (d *Doc) Heading(level int, format string, args ...any) {
	d.Blocks = append(d.Blocks, &Heading{Level: level, Text: fmt.Sprintf(format, args...)})
}

// Para appends a paragraph.
func (d *Doc) Para(format string, args ...any) {
	d.Blocks = append(d.Blocks, &Para{Text: fmt.Sprintf(format, args...)})
}

// Verdict appends a marked paragraph (a result the reader should notice).
func (d *Doc) Verdict(m Mark, format string, args ...any) {
	d.Blocks = append(d.Blocks, &Para{Text: fmt.Sprintf(format, args...), Mark: m})
}

// Pre appends preformatted lines.
func (d *Doc) Pre(lines ...string) { d.Blocks = append(d.Blocks, &Pre{Lines: lines}) }

// Table appends a table.
func (d *Doc) Table(t *Table) { d.Blocks = append(d.Blocks, t) }

// Figure appends a reference to the lesson's figure name.
func (d *Doc) Figure(name, caption string) {
	d.Blocks = append(d.Blocks, &FigureRef{Name: name, Caption: caption})
}

// Render writes d to w in format f; color adds ANSI colours to text output
// (ignored for Markdown).
func (d *Doc) Render(w io.Writer, f Format, color bool) error {
	r := &renderer{color: color && f == Text}
	first := true
	for _, b := range d.Blocks {
		if _, ok := b.(*FigureRef); ok {
			continue
		}
		if !first {
			r.b.WriteByte('\n')
		}
		first = false
		if f == Markdown {
			r.markdown(b)
		} else {
			r.text(b)
		}
	}
	_, err := io.WriteString(w, r.b.String())
	return err
}

type renderer struct {
	b     strings.Builder
	color bool
}

const (
	ansiBold  = "\x1b[1m"
	ansiGreen = "\x1b[32m"
	ansiRed   = "\x1b[31m"
	ansiCyan  = "\x1b[36m"
	ansiReset = "\x1b[0m"
)

func (r *renderer) paint(code, s string) string {
	if !r.color || s == "" {
		return s
	}
	return code + s + ansiReset
}

func markCode(m Mark) string {
	if m == Bad {
		return ansiRed
	}
	return ansiGreen
}

func (r *renderer) text(b Block) {
	switch b := b.(type) {
	case *Heading:
		if b.Level <= 1 {
			r.line(r.paint(ansiBold, b.Text))
			r.line(strings.Repeat("=", min(Width, runeLen(b.Text))))
			return
		}
		r.line(r.paint(ansiBold+ansiCyan, b.Text))
		r.line(strings.Repeat("-", min(Width, runeLen(b.Text))))
	case *Para:
		for _, l := range wrap(strings.ReplaceAll(b.Text, Marked, "starred (*)"), Width) {
			if b.Mark != None {
				l = r.paint(ansiBold+markCode(b.Mark), l)
			}
			r.line(l)
		}
	case *Pre:
		for _, l := range b.Lines {
			r.line("    " + l)
		}
	case *Table:
		r.textTable(b)
	}
}

func (r *renderer) line(s string) {
	r.b.WriteString(strings.TrimRight(s, " "))
	r.b.WriteByte('\n')
}

// textTable aligns the columns with two spaces between them. A marked cell
// gets a '*' after it, in a one-character gutter every column reserves, so
// the numbers stay aligned.
func (r *renderer) textTable(t *Table) {
	widths := columnWidths(t)
	marked := make([]bool, len(widths))
	for _, row := range t.Rows {
		for c, cell := range row {
			marked[c] = marked[c] || cell.Mark != None
		}
	}
	var sb strings.Builder
	for c, h := range t.Header {
		sb.WriteString(pad(h, widths[c], t.left(c)))
		sb.WriteString(gutter(c, marked, ' '))
	}
	r.line(r.paint(ansiBold, strings.TrimRight(sb.String(), " ")))
	for _, row := range t.Rows {
		sb.Reset()
		for c, cell := range row {
			s := pad(cell.Text, widths[c], t.left(c))
			if cell.Mark != None {
				s = r.paint(markCode(cell.Mark), s)
			}
			sb.WriteString(s)
			m := byte(' ')
			if cell.Mark != None {
				m = '*'
			}
			sb.WriteString(gutter(c, marked, m))
		}
		r.line(sb.String())
	}
}

func gutter(c int, marked []bool, m byte) string {
	g := ""
	if marked[c] {
		g = string(m)
	}
	if c < len(marked)-1 {
		g += "  "
	}
	return g
}

func columnWidths(t *Table) []int {
	w := make([]int, len(t.Header))
	for c, h := range t.Header {
		w[c] = runeLen(h)
	}
	for _, row := range t.Rows {
		if len(row) != len(w) {
			panic(fmt.Sprintf("explain: table row has %d cells, header %d", len(row), len(w)))
		}
		for c, cell := range row {
			w[c] = max(w[c], runeLen(cell.Text))
		}
	}
	return w
}

func pad(s string, w int, left bool) string {
	p := strings.Repeat(" ", max(0, w-runeLen(s)))
	if left {
		return s + p
	}
	return p + s
}

func (r *renderer) markdown(b Block) {
	switch b := b.(type) {
	case *Heading:
		r.line(strings.Repeat("#", max(1, b.Level)) + " " + b.Text)
	case *Para:
		for _, l := range wrap(strings.ReplaceAll(b.Text, Marked, "in bold"), Width) {
			if b.Mark != None {
				l = "> " + l
			}
			r.line(l)
		}
	case *Pre:
		r.line("```text")
		for _, l := range b.Lines {
			r.line(l)
		}
		r.line("```")
	case *Table:
		r.markdownTable(b)
	}
}

func (r *renderer) markdownTable(t *Table) {
	r.line("| " + strings.Join(escapeAll(t.Header), " | ") + " |")
	sep := make([]string, len(t.Header))
	for c := range sep {
		sep[c] = "---:"
		if t.left(c) {
			sep[c] = ":---"
		}
	}
	r.line("| " + strings.Join(sep, " | ") + " |")
	for _, row := range t.Rows {
		cells := make([]string, len(row))
		for c, cell := range row {
			cells[c] = escape(cell.Text)
			if cell.Mark != None && cell.Text != "" {
				cells[c] = "**" + cells[c] + "**"
			}
		}
		r.line("| " + strings.Join(cells, " | ") + " |")
	}
}

func escapeAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = escape(s)
	}
	return out
}

// escape protects the characters Markdown tables treat specially.
func escape(s string) string {
	return strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`).Replace(s)
}

// wrap splits text into lines of at most width runes at spaces. A word
// longer than width gets a line of its own.
func wrap(text string, width int) []string {
	var lines []string
	var cur strings.Builder
	n := 0
	for _, w := range strings.Fields(text) {
		wl := runeLen(w)
		if n > 0 && n+1+wl > width {
			lines = append(lines, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 {
			cur.WriteByte(' ')
			n++
		}
		cur.WriteString(w)
		n += wl
	}
	if n > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// Num formats x with the given number of decimals, never as "-0.00".
func Num(x float64, decimals int) string {
	s := fmt.Sprintf("%.*f", decimals, x)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

// Sci formats x in short scientific notation ("3.1e-05"), or as Num with
// the given decimals when 1e-3 ≤ |x| < 1e4 or x is 0.
func Sci(x float64, decimals int) string {
	a := math.Abs(x)
	if x == 0 || (a >= 1e-3 && a < 1e4) {
		return Num(x, decimals)
	}
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return fmt.Sprint(x)
	}
	return fmt.Sprintf("%.*e", max(0, decimals-1), x)
}

// Matrix returns a table of the r×c values at(i, j) with the given
// decimals, row and column labels, and marks from mark (nil for none).
// The corner names the matrix. Entries that are exactly zero print as "0",
// so the structure of sparse matrices stands out.
func Matrix(corner string, rowLabels, colLabels []string, at func(i, j int) float64, decimals int, mark func(i, j int) Mark) *Table {
	t := &Table{Header: append([]string{corner}, colLabels...)}
	for i, rl := range rowLabels {
		row := []Cell{{Text: rl}}
		for j := range colLabels {
			c := Cell{Text: "0"}
			if x := at(i, j); x != 0 {
				c.Text = Num(x, decimals)
			}
			if mark != nil {
				c.Mark = mark(i, j)
			}
			row = append(row, c)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// Sig formats x with n significant digits ("0.02", "8.7e-04", "2.5e+14");
// infinities print as "+Inf" and "-Inf".
func Sig(x float64, n int) string {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return fmt.Sprint(x)
	}
	return strconv.FormatFloat(x, 'g', n, 64)
}

// Count formats a non-negative whole number held in a float64: in full
// below 10^7 ("43758"), in scientific notation above ("2.16e+08").
func Count(x float64) string {
	if x < 1e7 {
		return strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'e', 2, 64)
}
