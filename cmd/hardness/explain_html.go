package main

import (
	"bytes"
	"encoding/base64"
	"io"

	"github.com/hardnesslab/hardness/internal/explain"
	"github.com/hardnesslab/hardness/internal/figures"
	"github.com/hardnesslab/hardness/internal/fileio"
)

// writeHTML writes the lesson as one self-contained page with the figures
// inline as SVG data URLs.
func writeHTML(path string, l *explain.Lesson, figs []*figures.Figure) error {
	inline := map[string]explain.HTMLFigure{}
	for _, f := range figs {
		var svg bytes.Buffer
		if err := f.Encode(&svg, "svg"); err != nil {
			return err
		}
		inline[f.Name] = explain.HTMLFigure{Src: "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(svg.Bytes()), Alt: f.Alt}
	}
	title := "From SAT to attention: " + l.Name
	return fileio.WriteAtomic(path, func(w io.Writer) error { return l.Doc.RenderHTML(w, title, inline) })
}
