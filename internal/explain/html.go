package explain

import (
	"fmt"
	"html"
	"io"
	"strings"
)

// HTMLFigure is a figure as the HTML page embeds it: an image URL (a data:
// URL, so the page needs no network) and its alternative text.
type HTMLFigure struct{ Src, Alt string }

// RenderHTML writes d as one self-contained HTML page: no script, no
// external style sheet, font or image; figures (by [FigureRef] name) are
// taken from figs, and a reference to a figure missing from figs is left
// out. The layout prints on A4 or Letter, one step per page where it fits.
func (d *Doc) RenderHTML(w io.Writer, title string, figs map[string]HTMLFigure) error {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"+
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n",
		html.EscapeString(title), htmlStyle)
	open := false
	for _, blk := range d.Blocks {
		if h, ok := blk.(*Heading); ok && h.Level == 2 {
			if open {
				b.WriteString("</section>\n")
			}
			b.WriteString("<section class=\"step\">\n")
			open = true
		}
		htmlBlock(&b, blk, figs)
	}
	if open {
		b.WriteString("</section>\n")
	}
	b.WriteString("</main>\n</body>\n</html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func htmlBlock(b *strings.Builder, blk Block, figs map[string]HTMLFigure) {
	esc := html.EscapeString
	switch x := blk.(type) {
	case *Heading:
		fmt.Fprintf(b, "<h%d>%s</h%d>\n", min(max(x.Level, 1), 6), esc(x.Text), min(max(x.Level, 1), 6))
	case *Para:
		text := esc(strings.ReplaceAll(x.Text, Marked, "in bold"))
		switch x.Mark {
		case Good:
			fmt.Fprintf(b, "<p class=\"verdict good\">%s</p>\n", text)
		case Bad:
			fmt.Fprintf(b, "<p class=\"verdict bad\">%s</p>\n", text)
		default:
			fmt.Fprintf(b, "<p>%s</p>\n", text)
		}
	case *Pre:
		fmt.Fprintf(b, "<pre>%s</pre>\n", esc(strings.Join(x.Lines, "\n")))
	case *Table:
		htmlTable(b, x)
	case *FigureRef:
		f, ok := figs[x.Name]
		if !ok {
			return
		}
		fmt.Fprintf(b, "<figure id=\"fig-%s\"><img src=\"%s\" alt=\"%s\"><figcaption>%s</figcaption></figure>\n",
			esc(x.Name), esc(f.Src), esc(f.Alt), esc(x.Caption))
	}
}

func htmlTable(b *strings.Builder, t *Table) {
	esc := html.EscapeString
	b.WriteString("<div class=\"scroll\"><table>\n<thead><tr>")
	for c, h := range t.Header {
		fmt.Fprintf(b, "<th class=\"%s\">%s</th>", align(t, c), esc(h))
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for _, row := range t.Rows {
		b.WriteString("<tr>")
		for c, cell := range row {
			text := esc(cell.Text)
			switch cell.Mark {
			case Good:
				text = "<strong class=\"good\">" + text + "</strong>"
			case Bad:
				text = "<strong class=\"bad\">" + text + "</strong>"
			}
			fmt.Fprintf(b, "<td class=\"%s\">%s</td>", align(t, c), text)
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table></div>\n")
}

func align(t *Table, c int) string {
	if t.left(c) {
		return "l"
	}
	return "r"
}

// htmlStyle is the page's only style: system fonts, readable on a
// projector, printable.
const htmlStyle = `
body { margin: 0; background: #fff; color: #1a1a1a; font: 18px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 2rem; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.45rem; margin: 2.2rem 0 0.6rem; border-bottom: 2px solid #0072b2; padding-bottom: 0.2rem; }
pre { background: #f4f6f8; padding: 0.7rem 1rem; overflow-x: auto; font: 15px/1.45 ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.6rem 0; font: 15px/1.3 ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; }
th, td { padding: 0.15rem 0.6rem; border-bottom: 1px solid #e2e2e2; }
th { background: #f4f6f8; }
.l { text-align: left; } .r { text-align: right; }
strong.good { color: #00734f; } strong.bad { color: #b34700; }
p.verdict { font-weight: 600; padding: 0.5rem 0.8rem; border-left: 4px solid; }
p.verdict.good { border-color: #009e73; background: #eefaf5; }
p.verdict.bad { border-color: #d55e00; background: #fdf1ea; }
figure { margin: 1rem 0; }
figure img { width: 100%; height: auto; border: 1px solid #e2e2e2; }
figcaption { font-size: 0.95rem; color: #444; margin-top: 0.3rem; }
@media print {
  body { font-size: 11pt; } main { max-width: none; padding: 0; }
  h2 { break-after: avoid; } table, pre, figure { break-inside: avoid; }
  section.step { break-before: page; } section.step:first-of-type { break-before: auto; }
  .scroll { overflow: visible; }
}
`
