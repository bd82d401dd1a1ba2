package main

import (
	"bufio"
	"fmt"
	"io"

	"github.com/hardnesslab/hardness/internal/fileio"
	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/reduction"
	"github.com/hardnesslab/hardness/sat"
	"github.com/spf13/cobra"
)

type genOVOptions struct {
	cnf       string
	split     int
	planted   bool
	ann       bool
	n, nb     int
	dim       int
	gap       float64
	density   float64
	yes, no   bool
	t         int
	eps       float64
	seed      uint64
	workers   int
	output    string
	maxMemory string
}

func newGenOVCmd() *cobra.Command {
	o := &genOVOptions{}
	cmd := &cobra.Command{
		Use:   "ov (--cnf FILE [--split H] | --planted --n N --dim M --gap D | --ann --n N --dim D --t T --eps E) [-o FILE]",
		Short: "Generate an Orthogonal Vectors instance: from a CNF, planted Gap-OV or Gap-ANN",
		Long: `Generate an Orthogonal Vectors (OV) instance, two sets A and B of 0/1 vectors.

--cnf FILE lists a DIMACS formula's assignments (split-and-list, Williams
2005): A holds the 2^h assignments of x1..xh (h = --split, default ⌊v/2⌋),
B those of the other variables, one coordinate per clause, 1 when the
partial assignment satisfies no literal of the clause. Then ⟨a_i, b_j⟩ is the
number of clauses the joint assignment falsifies, and an orthogonal pair is
a satisfying assignment. The memory is estimated first.

--planted draws N + M random vectors with density ρ (--density) so that
every pair has inner product ≥ ⌈δ·m⌉ (δ = --gap; short pairs are repaired)
and, with --yes, plants one orthogonal pair. The realised gap is reported.

--ann draws a Gap-ANN (Hamming) instance: threshold t, gap ε; with --yes one
pair at distance exactly t, every other pair at distance ≥ ⌈(1+ε)t⌉.

Output: text ("ov N M m" or "ann N M d t eps", then one 0/1 line per
vector, A first; "c" comment lines record the generator), or .npz when
FILE ends in .npz (arrays A and B, uint8, one row per vector; dims
[N M m]; ann [t eps]). Written atomically; standard output by default.`,
		Example: `  # the OV instance of a formula
  hardness gen cnf --vars 30 --ratio 4.26 --seed 1 -o f.cnf
  hardness gen ov --cnf f.cnf -o f.ov

  # a planted YES instance with gap 0.1, in NumPy format
  hardness gen ov --planted --n 4096 --dim 128 --gap 0.1 --yes --seed 2 -o p.npz

  # a Gap-ANN instance with a close pair
  hardness gen ov --ann --n 1000 --dim 256 --t 40 --eps 1 --yes -o a.ov`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd) },
	}
	fs := cmd.Flags()
	fs.StringVar(&o.cnf, "cnf", "", "DIMACS formula to list (\"-\" for standard input)")
	fs.IntVar(&o.split, "split", 0, "with --cnf: variables x1..xH on side A (0: ⌊v/2⌋)")
	fs.BoolVar(&o.planted, "planted", false, "planted Gap-OV instance")
	fs.BoolVar(&o.ann, "ann", false, "planted Gap-ANN (Hamming) instance")
	fs.IntVar(&o.n, "n", 0, "number of vectors N of side A")
	fs.IntVar(&o.nb, "nb", 0, "number of vectors M of side B (0: same as --n)")
	fs.IntVar(&o.dim, "dim", 0, "dimension m (d0 for --ann)")
	fs.Float64Var(&o.gap, "gap", 0, "--planted: gap δ, every other pair has inner product ≥ ⌈δm⌉")
	fs.Float64Var(&o.density, "density", 0.5, "probability of a 1 in a random vector")
	fs.BoolVar(&o.yes, "yes", false, "plant an orthogonal (--planted) or close (--ann) pair")
	fs.BoolVar(&o.no, "no", false, "plant nothing: a NO instance (the default)")
	fs.IntVar(&o.t, "t", 0, "--ann: threshold t")
	fs.Float64Var(&o.eps, "eps", 0, "--ann: gap ε, far pairs have distance ≥ (1+ε)t")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the random generator")
	fs.IntVar(&o.workers, "workers", 0, "goroutines (0: all cores)")
	fs.StringVarP(&o.output, "output", "o", "", "write to FILE atomically (.npz: NumPy) instead of standard output")
	fs.StringVar(&o.maxMemory, "max-memory", "8GiB", "refuse instances that would need more memory")
	cmd.MarkFlagsOneRequired("cnf", "planted", "ann")
	cmd.MarkFlagsMutuallyExclusive("cnf", "planted", "ann")
	cmd.MarkFlagsMutuallyExclusive("yes", "no")
	return cmd
}

func (o *genOVOptions) run(cmd *cobra.Command) error {
	limit, err := memlimit.Parse(o.maxMemory)
	if err != nil {
		return withCode(exitBadInput, fmt.Errorf("--max-memory: %w", err))
	}
	if o.nb == 0 {
		o.nb = o.n
	}
	var (
		x        *ovp.Instance
		h        *ovp.Hamming
		comments []string
	)
	switch {
	case o.cnf != "":
		x, comments, err = o.fromCNF(cmd, limit)
	case o.planted:
		x, comments, err = o.plantGap(cmd, limit)
	default:
		h, comments, err = o.plantANN(cmd, limit)
		if h != nil {
			x = h.Instance
		}
	}
	if err != nil {
		return withCode(exitBadInput, err)
	}
	for _, c := range comments {
		fmt.Fprintf(cmd.ErrOrStderr(), "%s\n", c)
	}
	write := func(w io.Writer) error {
		switch {
		case ovp.IsNPZ(o.output):
			return ovp.EncodeNPZ(w, x, h)
		case h != nil:
			return ovp.WriteHammingText(w, h, comments...)
		}
		return ovp.WriteText(w, x, comments...)
	}
	if o.output == "" || o.output == "-" {
		bw := bufio.NewWriter(cmd.OutOrStdout())
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	if err := fileio.WriteAtomicContext(cmd.Context(), o.output, write); err != nil {
		return withCode(exitBadInput, err)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s: N = %d, M = %d, m = %d\n", o.output, x.N(), x.M(), x.Dim())
	return nil
}

func (o *genOVOptions) fromCNF(cmd *cobra.Command, limit int64) (*ovp.Instance, []string, error) {
	var (
		f   *sat.Formula
		err error
	)
	if o.cnf == "-" {
		f, err = sat.ReadDIMACSLimit(cmd.InOrStdin(), "<stdin>", limit)
	} else {
		f, err = readCNF(cmd.Context(), o.cnf, limit)
	}
	if err != nil {
		return nil, nil, err
	}
	c, err := ovp.FromCNFContext(cmd.Context(), f, ovp.CNFOptions{Split: o.split, MaxMemory: limit})
	if err != nil {
		return nil, nil, err
	}
	return c.Instance, []string{
		fmt.Sprintf("split-and-list of %s: v = %s, m = %s, split h = %d", o.cnf, countOf(f.Vars, "variable"), countOf(len(f.Clauses), "clause"), c.Split),
		fmt.Sprintf("A: 2^%d assignments of %s, B: 2^%d of %s; <a_i,b_j> = clauses falsified", c.Split, reduction.VarRange(1, c.Split), f.Vars-c.Split, reduction.VarRange(c.Split+1, f.Vars)),
		fmt.Sprintf("generated by: hardness gen ov --cnf %s --split %d", o.cnf, c.Split),
	}, nil
}

func (o *genOVOptions) plantGap(cmd *cobra.Command, limit int64) (*ovp.Instance, []string, error) {
	p, err := ovp.PlantGap(cmd.Context(), ovp.GapOptions{N: o.n, M: o.nb, Dim: o.dim, Density: o.density, Gap: o.gap,
		Yes: o.yes, Seed: o.seed, MaxMemory: limit, Workers: o.workers})
	if err != nil {
		return nil, nil, err
	}
	verdict := "NO instance (no orthogonal pair)"
	if p.Yes {
		verdict = fmt.Sprintf("YES instance, planted orthogonal pair a_%d b_%d", p.Pair.I, p.Pair.J)
	}
	yes := map[bool]string{true: " --yes", false: " --no"}[p.Yes]
	return p.Instance, []string{
		fmt.Sprintf("planted Gap-OV: N = %d, M = %d, m = %d, density %g, target gap %g (inner product ≥ %d), seed %d",
			o.n, o.nb, o.dim, o.density, o.gap, p.Target, o.seed),
		fmt.Sprintf("%s; %d pairs repaired; realised gap %.6g (min nonzero inner product %d), mean inner product %.4g",
			verdict, p.Repaired, p.Gap(), p.Stats.MinNonzero, p.Stats.Mean()),
		fmt.Sprintf("generated by: hardness gen ov --planted --n %d --nb %d --dim %d --gap %g --density %g%s --seed %d",
			o.n, o.nb, o.dim, o.gap, o.density, yes, o.seed),
	}, nil
}

func (o *genOVOptions) plantANN(cmd *cobra.Command, limit int64) (*ovp.Hamming, []string, error) {
	p, err := ovp.PlantANN(cmd.Context(), ovp.ANNOptions{N: o.n, M: o.nb, Dim: o.dim, T: o.t, Eps: o.eps,
		Density: o.density, Close: o.yes, Seed: o.seed, MaxMemory: limit, Workers: o.workers})
	if err != nil {
		return nil, nil, err
	}
	verdict := "NO instance (no close pair)"
	if p.Close {
		verdict = fmt.Sprintf("YES instance, planted pair a_%d b_%d at distance %d", p.Pair.I, p.Pair.J, p.T)
	}
	yes := map[bool]string{true: " --yes", false: " --no"}[p.Close]
	return p.Hamming, []string{
		fmt.Sprintf("planted Gap-ANN (Hamming): N = %d, M = %d, d0 = %d, t = %d, ε = %g (far ≥ %d), density %g, seed %d",
			o.n, o.nb, o.dim, o.t, o.eps, p.Far(), o.density, o.seed),
		fmt.Sprintf("%s; %d vectors redrawn; realised far distance %d, mean distance %.4g",
			verdict, p.Resampled, p.MinFar, p.Stats.Mean()),
		fmt.Sprintf("generated by: hardness gen ov --ann --n %d --nb %d --dim %d --t %d --eps %g --density %g%s --seed %d",
			o.n, o.nb, o.dim, o.t, o.eps, o.density, yes, o.seed),
	}, nil
}
