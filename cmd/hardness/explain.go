package main

import (
	"cmp"
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
	step   int
	steps  string
	pager  string
	figs   string
	html   string
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
of explanation; then the polynomial method on the same instance (step 9: why
its degree and rank explode with B) and at scale (step 10: n = 2^10 … 2^16,
where it pays and where it stops). Every number is computed by the same code
as 'hardness run'.

Without FILE it explains a built-in formula (6 variables, 8 clauses, two
satisfying assignments; --unsat adds a ninth clause that makes it
unsatisfiable). Formulas with more than 6 variables or 10 clauses do not fit
the screen: use 'hardness run' for them.

The text fits an 80-column terminal and is coloured only when standard
output is a terminal and NO_COLOR is unset; --format markdown writes a
handout. For projecting, --step N or --steps N-M prints single steps, and on a
terminal the lesson pauses after each step until Enter.`,
		Example: `  hardness explain
  hardness explain --unsat
  hardness explain --steps 3-5
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
	fs.IntVar(&o.step, "step", 0, "print only step `N`, numbered from 1 (a step out of range is refused with the range)")
	fs.StringVar(&o.steps, "steps", "", "print only the steps in `N-M`, e.g. 3-5")
	fs.StringVar(&o.pager, "pager", "auto", "show one step at a time, Enter for the next: auto|always|never (auto: when standard input and output are terminals)")
	fs.StringVar(&o.figs, "figures", "", "also draw the lesson's figures into `DIR` (PNG and SVG)")
	fs.StringVar(&o.html, "html", "", "write the lesson as one self-contained HTML page, figures inline, to `FILE`")
	cmd.MarkFlagsMutuallyExclusive("step", "steps")
	return cmd
}

func (o *explainOptions) run(cmd *cobra.Command, args []string) error {
	format, err := explain.ParseFormat(o.format)
	if err != nil {
		return withCode(exitBadInput, fmt.Errorf("--format: %w", err))
	}
	if _, err := resolveColor(o.color, nil); err != nil {
		return err
	}
	lo, hi, err := o.stepRange()
	if err != nil {
		return withCode(exitBadInput, err)
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
	lesson, err := explain.New(cmd.Context(), f, name)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	doc := lesson.Doc
	if err := o.writeExtras(cmd, lesson); err != nil {
		return err
	}
	if lo > 0 {
		if doc, err = doc.Select(lo, hi); err != nil {
			return withCode(exitBadInput, fmt.Errorf("step %s: %w", o.stepFlag(), err))
		}
	}
	write := func(w io.Writer) error {
		color, _ := resolveColor(o.color, w)
		return doc.Render(w, format, color)
	}
	if o.output != "-" {
		return fileio.WriteAtomicContext(cmd.Context(), o.output, write)
	}
	page, err := o.usePager(cmd, format)
	if err != nil || !page {
		return cmp.Or(err, write(cmd.OutOrStdout()))
	}
	color, _ := resolveColor(o.color, cmd.OutOrStdout())
	return pageSteps(doc, cmd.InOrStdin(), cmd.OutOrStdout(), color)
}

// stepFlag returns --step or --steps as given.
func (o *explainOptions) stepFlag() string {
	if o.steps != "" {
		return o.steps
	}
	return fmt.Sprint(o.step)
}

// stepRange resolves --step and --steps: 0, 0 for the whole lesson.
func (o *explainOptions) stepRange() (lo, hi int, err error) {
	switch {
	case o.step != 0:
		if o.step < 1 {
			return 0, 0, fmt.Errorf("--step %d: steps are numbered from 1", o.step)
		}
		return o.step, o.step, nil
	case o.steps != "":
		lo, hi, err = explain.ParseSteps(o.steps)
		if err != nil {
			return 0, 0, fmt.Errorf("--steps: %w", err)
		}
	}
	return lo, hi, nil
}
