package main

import (
	"fmt"
	"runtime"
	"strings"

	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/internal/progress"
	"github.com/hardnesslab/hardness/suite"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

type genSuiteOptions struct {
	routes, sizes, gaps, eps, cs string
	o                            suite.Options
	maxMemory                    string
	out                          string
}

func newGenSuiteCmd() *cobra.Command {
	g := &genSuiteOptions{}
	cmd := &cobra.Command{
		Use:   "suite -o DIR [--routes ov,ann,cnf] [--n 256,1024] [--c auto,2,3] [--count K]",
		Short: "Write a benchmark suite of hard attention instances with an answer key",
		Long: `suite writes a directory of attention instances whose answers are known, for
benchmarking approximate attention methods: one directory per instance with
Q.npy, K.npy, V.npy and instance.json (the answer key: verdict, YES rows,
witness, exact decisive values of T, the rounding analysis), plus
manifest.jsonl (one line per instance) and README.md (a dataset card with this
command, the conventions and how to score).

Cells are routes × sizes × gaps × entry-bound ratios c = B/√ln n, with --count
instances each, a --yes-fraction of them YES (SAT). Routes: ov (planted
Gap-OV, gap --gap δ), ann (planted Hamming Gap-ANN, gap --eps ε), cnf (random
3-CNF listed by split-and-list; its gap is measured). Every instance has N = n
queries and n keys (M = n/2 real and n/2 reference keys). --c auto uses the
construction's own scale; a ratio too small for the gap is refused with the
value auto would use.

--logit-scale sqrt-d pre-scales Q so that softmax(Q·Kᵀ/√d)·V (PyTorch's
default) gives the instance's T; --dtype float32 writes float32 arrays with
the tolerance reduced by a proven bound on the rounding; --layout bhnd writes
[1, 1, n, d] arrays; --disguise permutes queries and keys, rotates the
feature space by a random orthogonal matrix and adds noise columns to V.

Instances are written atomically; the same command and seed give the same
bytes, and an interrupted run resumes where it stopped. Score outputs with
'hardness score'.`,
		Args: cobra.NoArgs,
		Example: `  # 8 instances per cell: planted Gap-OV at two sizes and three ratios
  hardness gen suite --routes ov --n 256,1024 --gap 0.1 --c auto,2,3 --count 8 -o hard
  # PyTorch conventions, float32, disguised
  hardness gen suite --routes ov,ann --n 1024 --gap 0.1 --eps 1 --logit-scale sqrt-d \
      --dtype float32 --layout bhnd --disguise -o hard-torch`,
		RunE: func(cmd *cobra.Command, _ []string) error { return g.run(cmd) },
	}
	f := cmd.Flags()
	f.StringVarP(&g.out, "out", "o", "", "output directory (created; an existing suite resumes)")
	f.StringVar(&g.routes, "routes", "ov", "comma-separated routes: ov, ann, cnf")
	f.StringVar(&g.sizes, "n", "256", "sizes n: a list (256,1024) or a doubling range (256..4096)")
	f.StringVar(&g.gaps, "gap", "0.1", "ov: gaps δ, a list or LO:HI:STEP")
	f.StringVar(&g.eps, "eps", "1", "ann: gaps ε, a list or LO:HI:STEP")
	f.StringVar(&g.cs, "c", "auto", "entry-bound ratios c = B/√ln n: a list with auto, or LO:HI:STEP")
	f.IntVar(&g.o.Count, "count", 4, "instances per cell")
	f.Float64Var(&g.o.YesFraction, "yes-fraction", 0.5, "fraction of YES (SAT) instances per cell")
	f.Uint64Var(&g.o.Seed, "seed", 1, "suite seed (every instance's seed derives from it)")
	f.IntVar(&g.o.Dim, "dim", 0, "OV dimension m / ANN d0 (0: 5·⌈log2 n⌉)")
	f.Float64Var(&g.o.TFrac, "t-frac", 0.125, "ann: threshold t = round(t-frac·d0)")
	f.Float64Var(&g.o.Ratio, "ratio", 4.26, "cnf: clause density m/v")
	f.Float64Var(&g.o.Density, "density", 0.5, "ov, ann: probability of a 1 in a random vector")
	f.StringVar(&g.o.LogitScale, "logit-scale", "d", "the divisor of Q·Kᵀ the user will apply: d, sqrt-d or 1")
	f.StringVar(&g.o.DType, "dtype", "float64", "array type: float64 or float32")
	f.StringVar(&g.o.Layout, "layout", "nd", "array layout: nd ([n, d]) or bhnd ([1, 1, n, d])")
	f.BoolVar(&g.o.Disguise, "disguise", false, "permute, rotate and add noise value columns")
	f.IntVar(&g.o.NoiseCols, "noise-cols", 3, "with --disguise: extra V columns of noise")
	f.IntVar(&g.o.Workers, "workers", 0, "instances made in parallel (0: all cores)")
	f.StringVar(&g.maxMemory, "max-memory", "8GiB", "refuse instances larger than this")
	cmd.MarkFlagRequired("out")
	return cmd
}

func (g *genSuiteOptions) run(cmd *cobra.Command) error {
	if err := g.parse(cmd); err != nil {
		return withCode(exitBadInput, err)
	}
	var bar *progress.Bar
	made, resumed := 0, 0
	entries, err := suite.Generate(cmd.Context(), g.out, g.o, func(e *suite.Entry, old bool, done, total int) {
		if old {
			resumed++
		} else {
			made++
		}
		if done == 1 {
			bar = progress.New(cmd.ErrOrStderr(), int64(total), "suite")
		}
		bar.Set(int64(done))
	})
	bar.Finish()
	if err != nil {
		return withCode(exitBadInput, err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %s (%d made, %d kept from an earlier run), manifest.jsonl, README.md; seed %d\n",
		g.out, countOf(len(entries), "instance"), made, resumed, g.o.Seed)
	return nil
}

// parse fills g.o from the list flags and records the command line.
func (g *genSuiteOptions) parse(cmd *cobra.Command) error {
	if g.out == "" {
		return fmt.Errorf("-o: want an output directory")
	}
	g.o.Routes = strings.Split(strings.ReplaceAll(g.routes, " ", ""), ",")
	sizes, err := suite.ParseList(g.sizes, false)
	if err != nil {
		return fmt.Errorf("--n: %w", err)
	}
	for _, s := range sizes {
		if s != float64(int(s)) {
			return fmt.Errorf("--n: %g is not an integer", s)
		}
		g.o.Sizes = append(g.o.Sizes, int(s))
	}
	if g.o.Gaps, err = suite.ParseList(g.gaps, false); err != nil {
		return fmt.Errorf("--gap: %w", err)
	}
	if g.o.Eps, err = suite.ParseList(g.eps, false); err != nil {
		return fmt.Errorf("--eps: %w", err)
	}
	if g.o.C, err = suite.ParseList(g.cs, true); err != nil {
		return fmt.Errorf("--c: %w", err)
	}
	if g.o.MaxMemory, err = memlimit.Parse(g.maxMemory); err != nil {
		return fmt.Errorf("--max-memory: %w", err)
	}
	if g.o.Workers == 0 {
		g.o.Workers = runtime.GOMAXPROCS(0)
	}
	g.o.Version = version()
	g.o.Command = commandLine(cmd)
	return nil
}

// commandLine reconstructs the command: its path, the flags that were
// set in name order (workers excluded: it does not change the output), and
// the arguments.
func commandLine(cmd *cobra.Command) string {
	parts := []string{cmd.CommandPath()}
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if f.Name == "workers" {
			return
		}
		v := f.Value.String()
		if strings.ContainsAny(v, " \t'\"") || v == "" {
			v = "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
		}
		parts = append(parts, "--"+f.Name+" "+v)
	})
	for _, a := range cmd.Flags().Args() {
		if strings.ContainsAny(a, " \t'\"") || a == "" {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}
