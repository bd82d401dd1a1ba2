package main

import (
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"strings"
	"time"

	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/internal/progress"
	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/reduction"
	"github.com/hardnesslab/hardness/sat"
	"github.com/spf13/cobra"
)

type ovOptions struct {
	cnf       string
	stats     bool
	workers   int
	maxMemory string
}

func newOVCmd() *cobra.Command {
	o := &ovOptions{}
	cmd := &cobra.Command{
		Use:   "ov FILE [--cnf FILE] [--stats]",
		Short: "Solve an Orthogonal Vectors (or Gap-ANN) instance",
		Long: `Find an orthogonal pair (a_i, b_j), ⟨a_i, b_j⟩ = 0, in an OV instance written by
"hardness gen ov" (text, or .npz), or report that none exists. The search
tests all N·M pairs in the worst case, bit-parallel on all cores, and stops
at the first pair; the pair printed is the first in row-major order
(indices are 0-based).

With --cnf FORMULA, the instance must be the split-and-list instance of that
formula (it is rebuilt and compared): the pair is decoded into an
assignment, printed as a "v" line and verified, and the verdict is checked
against the gini SAT solver.

With --stats, also the minimum inner product over all pairs (for a CNF
instance: the least number of falsified clauses), the least nonzero one
(the true gap δ = min nonzero / m), and the histogram of inner products.

For a Gap-ANN file ("ann" header) ov reports the closest pair and whether
it is within the threshold t (YES), beyond ⌈(1+ε)t⌉ (NO), or between.

Exit status: 0 done, 1 the verdict disagrees with gini or a decoded
assignment fails, 2 bad input.`,
		Example: `  hardness gen ov --planted --n 4096 --dim 128 --gap 0.1 --yes -o p.ov
  hardness ov p.ov --stats

  hardness gen cnf --vars 30 --ratio 4.26 --seed 1 -o f.cnf
  hardness gen ov --cnf f.cnf -o f.ov
  hardness ov f.ov --cnf f.cnf`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args[0]) },
	}
	fs := cmd.Flags()
	fs.StringVar(&o.cnf, "cnf", "", "the DIMACS formula the instance was generated from: decode and check with gini")
	fs.BoolVar(&o.stats, "stats", false, "print the minimum inner product (distance) and the histogram")
	fs.IntVar(&o.workers, "workers", 0, "goroutines (0: all cores)")
	fs.StringVar(&o.maxMemory, "max-memory", "8GiB", "refuse instances that would need more memory")
	return cmd
}

func (o *ovOptions) run(cmd *cobra.Command, path string) error {
	limit, err := memlimit.Parse(o.maxMemory)
	if err != nil {
		return withCode(exitBadInput, fmt.Errorf("--max-memory: %w", err))
	}
	x, h, err := ovp.ReadFile(path, limit)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "instance: %s: N = %d, M = %d, m = %d (%s)\n", path, x.N(), x.M(), x.Dim(), pairCount(x.Pairs()))
	if h != nil {
		if o.cnf != "" {
			return withCode(exitBadInput, fmt.Errorf("%s is a Gap-ANN instance; --cnf needs an OV instance", path))
		}
		return o.runANN(cmd, h)
	}
	var c *ovp.CNF
	if o.cnf != "" {
		if c, err = o.matchCNF(x, limit); err != nil {
			return withCode(exitBadInput, err)
		}
	}
	bar := progress.New(cmd.ErrOrStderr(), x.Pairs(), "pairs")
	opt := ovp.Options{Workers: o.workers, Progress: func(done, _ int64) { bar.Set(done) }}
	start := time.Now()
	res, err := ovp.FindOrthogonal(cmd.Context(), x, opt)
	bar.Finish()
	if err != nil {
		return err
	}
	el := time.Since(start)
	rate := fmt.Sprintf("%s tested in %v, %.3g pairs/s", pairCount(res.Pairs), reduction.ShortDuration(el), float64(res.Pairs)/el.Seconds())
	if res.Found {
		fmt.Fprintf(out, "result: orthogonal pair a_%d, b_%d (%s)\n", res.Pair.I, res.Pair.J, rate)
	} else {
		fmt.Fprintf(out, "result: no orthogonal pair (%s)\n", rate)
	}
	code := exitOK
	if c != nil {
		code = o.checkCNF(cmd, c, res)
	}
	if o.stats {
		if err := printStats(cmd, x, o.workers, false); err != nil {
			return err
		}
	}
	if code != exitOK {
		return withCode(code, nil)
	}
	return nil
}

// matchCNF rebuilds the split-and-list instance of --cnf with the split
// the sizes of x imply, and checks that it is x.
func (o *ovOptions) matchCNF(x *ovp.Instance, limit int64) (*ovp.CNF, error) {
	f, err := sat.ReadFileLimit(o.cnf, limit)
	if err != nil {
		return nil, err
	}
	n, m := x.N(), x.M()
	h := bits.Len(uint(n)) - 1
	if n <= 0 || m <= 0 || n&(n-1) != 0 || m&(m-1) != 0 || h+bits.Len(uint(m))-1 != f.Vars || x.Dim() != len(f.Clauses) {
		return nil, fmt.Errorf("the instance (N = %d, M = %d, m = %d) is not the split-and-list instance of %s (v = %d, %d clauses): want N·M = 2^v and m = clauses",
			n, m, x.Dim(), o.cnf, f.Vars, len(f.Clauses))
	}
	split := h
	if h == 0 && f.Vars > 1 { // FromCNF's Split 0 means the default
		return nil, fmt.Errorf("the instance lists no variable on side A; FromCNF cannot rebuild a split of 0 for %d variables", f.Vars)
	}
	c, err := ovp.FromCNF(f, ovp.CNFOptions{Split: split, MaxMemory: limit})
	if err != nil {
		return nil, err
	}
	if !c.Instance.Equal(x) {
		return nil, fmt.Errorf("the instance is not the split-and-list instance of %s with split %d (the vectors differ)", o.cnf, split)
	}
	return c, nil
}

// checkCNF decodes the pair, verifies it and compares with gini; it
// returns the exit status.
func (o *ovOptions) checkCNF(cmd *cobra.Command, c *ovp.CNF, res ovp.Result) int {
	out := cmd.OutOrStdout()
	code := exitOK
	if res.Found {
		a := c.Assignment(res.Pair.I, res.Pair.J)
		fmt.Fprintf(out, "assignment: %s\n", vLine(a))
		if err := sat.Verify(c.Formula, a); err != nil {
			fmt.Fprintf(out, "check: the decoded assignment FAILS: %v\n", err)
			code = exitMismatch
		} else {
			fmt.Fprintf(out, "check: the decoded assignment satisfies %s\n", map[bool]string{true: "its only clause", false: fmt.Sprintf("all %d clauses", len(c.Formula.Clauses))}[len(c.Formula.Clauses) == 1])
		}
	}
	g, err := sat.Solve(cmd.Context(), c.Formula)
	if err != nil || g.Status == sat.Unknown {
		fmt.Fprintf(out, "gini: UNKNOWN (%v)\n", err)
		return exitMismatch
	}
	if (g.Status == sat.Sat) != res.Found {
		fmt.Fprintf(out, "gini: %v: DISAGREES with the OV verdict\n", g.Status)
		return exitMismatch
	}
	fmt.Fprintf(out, "gini: %v (agrees)\n", g.Status)
	return code
}

// vLine formats a as DIMACS literals ending in 0.
func vLine(a sat.Assignment) string {
	var b strings.Builder
	b.WriteString("v")
	for _, l := range a.Lits() {
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(int(l)))
	}
	b.WriteString(" 0")
	return b.String()
}

// runANN reports the closest pair of a Gap-ANN instance.
func (o *ovOptions) runANN(cmd *cobra.Command, h *ovp.Hamming) error {
	s, err := statsWithBar(cmd, h.Instance, o.workers, true)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	verdict := fmt.Sprintf("strictly between t = %d and max(t+1, ⌈(1+ε)t⌉) = %d: the Gap-ANN promise does not hold", h.T, h.Far())
	switch {
	case s.Min < 0:
		verdict = "no pairs"
	case s.Min <= h.T:
		verdict = fmt.Sprintf("YES (≤ t = %d)", h.T)
	case s.Min >= h.Far():
		verdict = fmt.Sprintf("NO (≥ max(t+1, ⌈(1+ε)t⌉) = %d)", h.Far())
	}
	fmt.Fprintf(out, "result: closest pair a_%d, b_%d at Hamming distance %d: %s\n", s.MinPair.I, s.MinPair.J, s.Min, verdict)
	if o.stats {
		writeHist(out, s, "distance")
	}
	return nil
}

func statsWithBar(cmd *cobra.Command, x *ovp.Instance, workers int, hamming bool) (*ovp.Stats, error) {
	bar := progress.New(cmd.ErrOrStderr(), x.Pairs(), "pairs")
	opt := ovp.Options{Workers: workers, Progress: func(done, _ int64) { bar.Set(done) }}
	f := ovp.MinInnerProduct
	if hamming {
		f = ovp.MinDistance
	}
	s, err := f(cmd.Context(), x, opt)
	bar.Finish()
	return s, err
}

func printStats(cmd *cobra.Command, x *ovp.Instance, workers int, hamming bool) error {
	s, err := statsWithBar(cmd, x, workers, hamming)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "min inner product: %d (first at a_%d, b_%d)\n", s.Min, s.MinPair.I, s.MinPair.J)
	fmt.Fprintf(out, "orthogonal pairs: %d\n", s.Zero())
	if s.MinNonzero >= 0 {
		fmt.Fprintf(out, "min nonzero inner product: %d, gap δ = %d/%d = %.6g\n", s.MinNonzero, s.MinNonzero, s.Dim, s.Gap())
	} else {
		fmt.Fprintf(out, "min nonzero inner product: none\n")
	}
	writeHist(out, s, "inner product")
	return nil
}

// writeHist prints the mean and the nonzero buckets of the histogram.
func writeHist(w io.Writer, s *ovp.Stats, what string) {
	fmt.Fprintf(w, "mean %s: %.4g\n", what, s.Mean())
	fmt.Fprintf(w, "histogram (%s: pairs):\n", what)
	for v, c := range s.Hist {
		if c != 0 {
			fmt.Fprintf(w, "  %4d: %d\n", v, c)
		}
	}
}

// pairCount is "1 pair" or "n pairs".
func pairCount(n int64) string { return countOf(n, "pair") }

// countOf writes n and the noun, plural unless n is 1: "1 clause",
// "2 clauses".
func countOf[I int | int64](n I, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %ss", n, one)
}
