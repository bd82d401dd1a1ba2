package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hardnesslab/hardness/internal/explain"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// usePager resolves --pager: auto pages text output only when standard
// input and output are both terminals (someone is there to press Enter).
func (o *explainOptions) usePager(cmd *cobra.Command, format explain.Format) (bool, error) {
	switch o.pager {
	case "never":
		return false, nil
	case "always":
		return true, nil
	case "auto":
		return format == explain.Text && isTerminal(cmd.InOrStdin()) && isTerminal(cmd.OutOrStdout()), nil
	}
	return false, withCode(exitBadInput, fmt.Errorf("--pager: unknown value %q (want auto, always or never)", o.pager))
}

func isTerminal(x any) bool {
	f, ok := x.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// pageSteps writes doc one step at a time, for projecting a lesson: after
// each step it waits for a line on in (Enter: next step; q: quit). The
// document title, if any, goes with the first step.
func pageSteps(doc *explain.Doc, in io.Reader, out io.Writer, color bool) error {
	n := doc.Steps()
	lines := bufio.NewScanner(in)
	for s := 1; s <= n; s++ {
		step, err := doc.Select(s, s)
		if err != nil {
			return err
		}
		if s == 1 {
			step.Blocks = append(preamble(doc), step.Blocks...)
		}
		if err := step.Render(out, explain.Text, color); err != nil {
			return err
		}
		if s == n {
			return nil
		}
		fmt.Fprintf(out, "\n-- step %d of %d: Enter for step %d, q then Enter to quit -- ", s, n, s+1)
		if !lines.Scan() || strings.TrimSpace(strings.ToLower(lines.Text())) == "q" {
			fmt.Fprintln(out)
			return lines.Err()
		}
		fmt.Fprintln(out)
	}
	return nil
}

// preamble returns a copy of the blocks of doc before its first step.
func preamble(doc *explain.Doc) []explain.Block {
	var out []explain.Block
	for _, b := range doc.Blocks {
		if h, ok := b.(*explain.Heading); ok && h.Level == 2 {
			break
		}
		out = append(out, b)
	}
	return out
}
