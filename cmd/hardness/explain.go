package main

import (
	"fmt"
	"io"

	"github.com/hardnesslab/hardness/internal/explain"
	"github.com/hardnesslab/hardness/internal/fileio"
	"github.com/hardnesslab/hardness/sat"
	"github.com/spf13/cobra"
)

type explainOptions struct {
	unsat  bool
	format string
	color  string
	output string
}

func newExplainCmd() *cobra.Command {
	o := &explainOptions{}
	cmd := &cobra.Command{
		Use:   "explain [FILE.cnf]",
		Short: "Walk through the whole reduction on a small formula, step by step",
		Long: `explain shows, on a formula small enough to follow by hand, every step of the
reduction from CNF-SAT to attention: the split of the variables, every
partial assignment and its vector, the inner products (falsified clauses),
the choice of β and B, Q, K and V, the logits, the output T against the
threshold, the decoded assignment and gini's check, each with one sentence
of explanation. Every number is computed by the same code as 'hardness run'.

Without FILE it explains a built-in formula (6 variables, 8 clauses, two
satisfying assignments; --unsat adds a ninth clause that makes it
unsatisfiable). Formulas with more than 6 variables or 10 clauses do not fit
the screen: use 'hardness run' for them.

The text fits an 80-column terminal and is coloured only when standard
output is a terminal and NO_COLOR is unset; --format markdown writes a
handout.`,
		Example: `  hardness explain
  hardness explain --unsat
  hardness explain --format markdown -o handout.md
  hardness explain small.cnf`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args) },
	}
	fs := cmd.Flags()
	fs.BoolVar(&o.unsat, "unsat", false, "explain the unsatisfiable variant of the built-in formula")
	fs.StringVar(&o.format, "format", "text", "output format: text|markdown")
	fs.StringVar(&o.color, "color", "auto", "colour the text output: auto|always|never (auto: only on a terminal without NO_COLOR)")
	fs.StringVarP(&o.output, "output", "o", "-", "write to this file instead of standard output")
	return cmd
}

func (o *explainOptions) run(cmd *cobra.Command, args []string) error {
	format, err := explain.ParseFormat(o.format)
	if err != nil {
		return withCode(exitBadInput, fmt.Errorf("--format: %w", err))
	}
	if _, err := o.useColor(nil); err != nil {
		return err
	}
	f, name := explain.Example(o.unsat), "the built-in example"
	if o.unsat {
		name = "the built-in unsatisfiable example"
	}
	if len(args) == 1 {
		if o.unsat {
			return withCode(exitBadInput, fmt.Errorf("--unsat selects a built-in formula; it cannot be combined with FILE"))
		}
		if f, err = sat.ReadFile(args[0]); err != nil {
			return withCode(exitBadInput, err)
		}
		name = args[0]
	}
	doc, err := explain.Lesson(cmd.Context(), f, name)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	write := func(w io.Writer) error {
		color, _ := o.useColor(w)
		return doc.Render(w, format, color)
	}
	if o.output == "-" {
		return write(cmd.OutOrStdout())
	}
	return fileio.WriteAtomic(o.output, write)
}

// useColor resolves --color for output w.
func (o *explainOptions) useColor(w io.Writer) (bool, error) {
	switch o.color {
	case "auto":
		return w != nil && explain.UseColor(w), nil
	case "always":
		return true, nil
	case "never":
		return false, nil
	}
	return false, withCode(exitBadInput, fmt.Errorf("--color: unknown value %q (want auto, always or never)", o.color))
}
