package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hardnesslab/hardness/score"
	"github.com/spf13/cobra"
)

type scoreOptions struct {
	suite    string
	outputs  []string
	instance string
	report   string
	json     bool
}

func newScoreCmd() *cobra.Command {
	o := &scoreOptions{}
	cmd := &cobra.Command{
		Use:   "score (--suite DIR --outputs [NAME=]OUT … | --instance DIR T.npy)",
		Short: "Score an attention method's outputs on a suite of hard instances",
		Long: `score decides each output T̃ = OUT/<id>.npy of an attention method with the answer
key of a suite written by 'hardness gen suite', and reports per instance the
verdict (right or wrong: a YES needs a row above τ and the highest row must be
a YES row), the margin (signed distance of the decisive row from τ in units of
the tolerance; exact attention has ≥ 1) and max |T̃ − T| on the decisive
column, and per cell the accuracy. Outputs may be float64 or float32,
shaped n_queries × d_v or [1, 1, n_queries, d_v]. If OUT/<id>.json exists with
an "err_bound" (hardness attention --json writes one), the certificate is
checked against the tolerance: a wrong verdict under a certificate below the
tolerance is counted as a broken certificate. A method that failed on an
instance writes {"error": "…"} to OUT/<id>.json instead of an output: the
instance counts as wrong (FAILED).

--outputs may be repeated (NAME=OUT labels the method; default the directory
name) to compare methods in one table and plot. --report DIR writes scores.md,
cells.csv, instances.csv, scores.json and accuracy_vs_c / margin_vs_c plots
(PNG and SVG). The per-cell table is printed as Markdown, or everything as
JSON with --json.

Exit status: 0 if every verdict is right, 1 if some are wrong, 2 on bad input
(a missing output, a wrong shape or dtype, NaN, a damaged suite), naming the
instance and the problem.`,
		Args: cobra.ArbitraryArgs,
		Example: `  hardness gen suite --routes ov --n 256 --c auto,2,3 --count 8 -o hard
  # … run your method, writing out/<id>.npy for each instance …
  hardness score --suite hard --outputs out --report scores
  hardness score --instance hard/ov-n256-g0.1-c2-003 out/ov-n256-g0.1-c2-003.npy`,
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args) },
	}
	f := cmd.Flags()
	f.StringVar(&o.suite, "suite", "", "suite directory (hardness gen suite -o DIR)")
	f.StringArrayVar(&o.outputs, "outputs", nil, "[NAME=]OUT: directory of OUT/<id>.npy outputs (repeatable)")
	f.StringVar(&o.instance, "instance", "", "one instance directory; the output file is the argument")
	f.StringVar(&o.report, "report", "", "write tables, JSON and plots into this directory")
	f.BoolVar(&o.json, "json", false, "print JSON instead of the Markdown table")
	cmd.MarkFlagsMutuallyExclusive("suite", "instance")
	cmd.MarkFlagsOneRequired("suite", "instance")
	return cmd
}

func (o *scoreOptions) run(cmd *cobra.Command, args []string) error {
	ms, err := o.score(args)
	if err != nil {
		return withCode(exitBadInput, err) // every error of loading and scoring is bad input
	}
	out := cmd.OutOrStdout()
	if o.json {
		err = score.WriteJSON(out, ms)
	} else {
		err = score.WriteMarkdown(out, ms)
	}
	if err != nil {
		return withCode(exitMismatch, err)
	}
	if o.report != "" {
		if err := os.MkdirAll(o.report, 0o755); err != nil {
			return withCode(exitBadInput, err)
		}
		paths, err := score.WriteReport(o.report, ms)
		if err != nil {
			return withCode(exitMismatch, err)
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s\n", strings.Join(paths, ", "))
	}
	wrong := 0
	for _, m := range ms {
		wrong += m.Wrong()
		fmt.Fprintf(cmd.ErrOrStderr(), "%s: %d of %d verdicts right\n", m.Name, len(m.Results)-m.Wrong(), len(m.Results))
	}
	if wrong > 0 {
		return withCode(exitMismatch, nil)
	}
	return nil
}

// score loads the suite or instance and scores every output.
func (o *scoreOptions) score(args []string) ([]*score.Method, error) {
	if o.instance != "" {
		if len(args) != 1 || len(o.outputs) > 0 {
			return nil, fmt.Errorf("--instance DIR takes exactly one argument, the output T.npy (and no --outputs)")
		}
		in, err := score.LoadInstance(o.instance)
		if err != nil {
			return nil, err
		}
		r, err := in.Score(args[0])
		if err != nil {
			return nil, err
		}
		rs := []*score.Result{r}
		name := filepath.Base(args[0])
		return []*score.Method{{Name: name, Outputs: args[0], Results: rs, Cells: score.Cells(name, rs)}}, nil
	}
	if len(args) > 0 {
		return nil, fmt.Errorf("unexpected arguments %q: outputs are given with --outputs", args)
	}
	if len(o.outputs) == 0 {
		return nil, fmt.Errorf("--suite needs --outputs OUT, the directory of OUT/<id>.npy files")
	}
	specs, err := parseOutputs(o.outputs)
	if err != nil {
		return nil, err
	}
	insts, err := score.LoadSuite(o.suite)
	if err != nil {
		return nil, err
	}
	var ms []*score.Method
	for _, sp := range specs {
		rs, err := score.Suite(insts, sp.dir)
		if err != nil {
			return nil, err
		}
		ms = append(ms, &score.Method{Name: sp.name, Outputs: sp.dir, Results: rs, Cells: score.Cells(sp.name, rs)})
	}
	return ms, nil
}

// outputSpec is one --outputs [NAME=]OUT.
type outputSpec struct{ name, dir string }

// parseOutputs splits the --outputs values, refusing an empty name or
// directory and a name given twice (the table and plots would merge two
// methods into one).
func parseOutputs(specs []string) ([]outputSpec, error) {
	var out []outputSpec
	seen := map[string]string{}
	for _, spec := range specs {
		name, dir, ok := strings.Cut(spec, "=")
		if !ok {
			name, dir = filepath.Base(filepath.Clean(spec)), spec
		}
		switch {
		case name == "" || dir == "":
			return nil, fmt.Errorf("--outputs %q: want [NAME=]OUT with a non-empty name and directory", spec)
		case seen[name] != "":
			return nil, fmt.Errorf("--outputs %q: method name %q is also --outputs %q; want one name per method (NAME=OUT)", spec, name, seen[name])
		}
		seen[name] = spec
		out = append(out, outputSpec{name, dir})
	}
	return out, nil
}
