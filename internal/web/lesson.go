package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hardnesslab/hardness/internal/explain"
	"github.com/hardnesslab/hardness/internal/figures"
	"github.com/hardnesslab/hardness/reduction"
	"github.com/hardnesslab/hardness/sat"
)

// lessonJSON is the answer of /api/lesson: the lesson's blocks (exactly
// what `hardness explain` prints, step by step), its figures, and the
// facts the page checks and highlights.
type lessonJSON struct {
	Name    string            `json:"name"`
	Steps   [][]blockJSON     `json:"steps"` // steps[0] is step 1
	Figures map[string]figure `json:"figures"`
	Params  reduction.Params  `json:"params"`
	Verdict string            `json:"verdict"` // read from T alone
	Row     int               `json:"row"`     // witness row, −1 without one
	Partner int               `json:"partner"` // its orthogonal partner, −1 without one
	Gini    string            `json:"gini"`
	Agree   bool              `json:"agree"`
	T       []float64         `json:"t"`
	Fast    *explain.FastPath `json:"fast"`
	Scale   *explain.Scaling  `json:"scale"`
	Text    map[string]string `json:"text"` // "9": step 9 as text, as the CLI prints it
}

type figure struct {
	Src string `json:"src"`
	Alt string `json:"alt"`
}

// blockJSON is one block of a step, for the page to render.
type blockJSON struct {
	Kind    string       `json:"kind"` // heading, para, pre, table, figure
	Text    string       `json:"text,omitempty"`
	Mark    string       `json:"mark,omitempty"` // good, bad
	Lines   []string     `json:"lines,omitempty"`
	Header  []string     `json:"header,omitempty"`
	Rows    [][]cellJSON `json:"rows,omitempty"`
	Left    int          `json:"left,omitempty"`
	Name    string       `json:"name,omitempty"`
	Caption string       `json:"caption,omitempty"`
}

type cellJSON struct {
	Text string `json:"t"`
	Mark string `json:"m,omitempty"`
}

func markName(m explain.Mark) string {
	switch m {
	case explain.Good:
		return "good"
	case explain.Bad:
		return "bad"
	}
	return ""
}

// Examples are the built-in formulas the page offers by name.
var examples = map[string]bool{"example": false, "example-unsat": true}

// lesson answers POST /api/lesson: the body is a DIMACS formula, or the
// name of a built-in example.
func (s *server) lesson(ctx context.Context, r *http.Request) (any, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	text := strings.TrimSpace(string(body))
	f, name := (*sat.Formula)(nil), "the formula typed in"
	if unsat, ok := examples[text]; ok {
		f, name = explain.Example(unsat), "the built-in example"
		if unsat {
			name = "the built-in unsatisfiable example"
		}
	} else if f, err = sat.ReadDIMACS(strings.NewReader(text), "the formula"); err != nil {
		return nil, badInput("%v", err)
	}
	l, err := explain.New(ctx, f, name)
	var tl *explain.TooLargeError
	switch {
	case errors.As(err, &tl):
		return nil, badInput("%v", err)
	case err != nil && ctx.Err() == nil && strings.Contains(err.Error(), "no clauses"):
		return nil, badInput("%v", err)
	case err != nil:
		return nil, err
	}
	return lessonAnswer(l)
}

func lessonAnswer(l *explain.Lesson) (*lessonJSON, error) {
	out := &lessonJSON{Name: l.Name, Params: l.Instance.Params, Verdict: l.Decision.Verdict.String(), Row: -1, Partner: -1,
		Gini: l.Gini.String(), Fast: l.Fast, Scale: l.Scale, Figures: map[string]figure{}, Text: map[string]string{}}
	if l.Decision.Verdict == reduction.Sat {
		out.Row = l.Decision.Row
		out.Partner = reduction.Partner(l.OV.Instance, out.Row)
	}
	out.Agree = (l.Gini == sat.Sat) == (l.Decision.Verdict == reduction.Sat) && l.Gini != sat.Unknown
	for i := range l.Instance.Params.N {
		out.T = append(out.T, l.T.At(i, 0))
	}
	for s := 1; s <= l.Doc.Steps(); s++ {
		step, err := l.Doc.Select(s, s)
		if err != nil {
			return nil, err
		}
		out.Steps = append(out.Steps, blocks(step))
		var b bytes.Buffer
		if err := step.Render(&b, explain.Text, false); err != nil {
			return nil, err
		}
		out.Text[fmt.Sprint(s)] = b.String()
	}
	figs, err := figures.Lesson(l)
	if err != nil {
		return nil, err
	}
	for _, f := range figs {
		var b bytes.Buffer
		if err := f.Encode(&b, "svg"); err != nil {
			return nil, err
		}
		out.Figures[f.Name] = figure{Src: "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(b.Bytes()), Alt: f.Alt}
	}
	return out, nil
}

// blocks converts a step of the lesson for the page; the Marked
// placeholder reads "highlighted".
func blocks(d *explain.Doc) []blockJSON {
	var out []blockJSON
	for _, b := range d.Blocks {
		switch x := b.(type) {
		case *explain.Heading:
			out = append(out, blockJSON{Kind: "heading", Text: x.Text})
		case *explain.Para:
			out = append(out, blockJSON{Kind: "para", Text: strings.ReplaceAll(x.Text, explain.Marked, "highlighted"), Mark: markName(x.Mark)})
		case *explain.Pre:
			out = append(out, blockJSON{Kind: "pre", Lines: x.Lines})
		case *explain.Table:
			t := blockJSON{Kind: "table", Header: x.Header, Left: max(1, x.Left)}
			for _, row := range x.Rows {
				var cs []cellJSON
				for _, c := range row {
					cs = append(cs, cellJSON{Text: c.Text, Mark: markName(c.Mark)})
				}
				t.Rows = append(t.Rows, cs)
			}
			out = append(out, t)
		case *explain.FigureRef:
			out = append(out, blockJSON{Kind: "figure", Name: x.Name, Caption: x.Caption})
		}
	}
	return out
}
