package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/internal/fileio"
	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/suite"
	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"
)

type genQKVOptions struct {
	n, d, dv, nk int
	b            float64
	dist         string
	seed         uint64
	out          string
	maxMemory    string
}

func newGenQKVCmd() *cobra.Command {
	o := &genQKVOptions{}
	cmd := &cobra.Command{
		Use:   "qkv --n N --d D --B B -o DIR",
		Short: "Write random Q, K, V with entries in [−B, B] as DIR/{Q,K,V}.npy (and meta.json)",
		Long: `qkv writes random attention inputs: Q (n × d), K (nk × d) and V (nk × dv),
float64 .npy files that NumPy reads, each entry in [−B, B]. With --dist uniform
entries are uniform on [−B, B]; with --dist gaussian they are N(0, (B/3)²)
clipped to [−B, B]. The seed is printed so the run can be repeated, and
DIR/meta.json records it with the tool version, the command, the SHA-256 of
each array and the convention (exp(Q·Kᵀ/d), float64, [n, d]).`,
		Args: cobra.NoArgs,
		Example: `  # the paper's regime: d ≈ log2 n, small entries
  hardness gen qkv --n 16384 --d 16 --B 1 --seed 1 -o small
  # entries at √ln n, Gaussian, more keys than queries and one value column
  hardness gen qkv --n 4096 --nk 8192 --d 12 --B 2.9 --dv 1 --dist gaussian -o big`,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd) },
	}
	f := cmd.Flags()
	f.IntVar(&o.n, "n", 0, "number of queries (rows of Q)")
	f.IntVar(&o.d, "d", 0, "dimension (columns of Q and K)")
	f.Float64Var(&o.b, "B", 0, "entry bound: every entry lies in [−B, B]")
	f.IntVar(&o.dv, "dv", 0, "columns of V (0: same as --d)")
	f.IntVar(&o.nk, "nk", 0, "number of keys (rows of K and V; 0: same as --n)")
	f.StringVar(&o.dist, "dist", "uniform", "entry distribution: uniform|gaussian")
	f.Uint64Var(&o.seed, "seed", 1, "random seed")
	f.StringVarP(&o.out, "out", "o", "", "output directory (created if missing)")
	f.StringVar(&o.maxMemory, "max-memory", "8GiB", "refuse matrices larger than this")
	for _, name := range []string{"n", "d", "B", "out"} {
		cmd.MarkFlagRequired(name)
	}
	return cmd
}

func (o *genQKVOptions) run(cmd *cobra.Command) error {
	if o.dv == 0 {
		o.dv = o.d
	}
	if o.nk == 0 {
		o.nk = o.n
	}
	if err := o.validate(); err != nil {
		return withCode(exitBadInput, err)
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return withCode(exitBadInput, err)
	}
	// meta.json, written last, describes the arrays: an earlier one goes
	// first, so a set cut short by an interrupt or an error has none.
	if err := removeStale(filepath.Join(o.out, "meta.json")); err != nil {
		return withCode(exitBadInput, err)
	}
	rng := rand.New(rand.NewPCG(o.seed, o.seed))
	mats := []struct {
		name string
		r, c int
	}{{"Q.npy", o.n, o.d}, {"K.npy", o.nk, o.d}, {"V.npy", o.nk, o.dv}}
	meta := qkvMeta{Provenance: suite.Provenance{Seed: o.seed, Version: version(), Command: commandLine(cmd),
		SHA256: map[string]string{}, Convention: suite.PaperConvention}, N: o.n, NK: o.nk, D: o.d, DV: o.dv, B: o.b, Dist: o.dist}
	for _, m := range mats {
		p := filepath.Join(o.out, m.name)
		x, err := o.random(cmd.Context(), rng, m.r, m.c)
		if err != nil {
			return err
		}
		if err := fileio.WriteAtomicContext(cmd.Context(), p, func(w io.Writer) error { return attention.EncodeNPY(w, x) }); err != nil {
			return withCode(exitBadInput, err)
		}
		h, err := suite.HashFile(p)
		if err != nil {
			return withCode(exitMismatch, err)
		}
		meta.SHA256[m.name] = h
	}
	if err := fileio.WriteAtomic(filepath.Join(o.out, "meta.json"), func(w io.Writer) error {
		b, err := json.MarshalIndent(meta, "", "  ")
		if err == nil {
			_, err = fmt.Fprintf(w, "%s\n", b)
		}
		return err
	}); err != nil {
		return withCode(exitMismatch, err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: Q %d×%d, K %d×%d, V %d×%d, %s entries in [−%g, %g], seed %d\n",
		o.out, o.n, o.d, o.nk, o.d, o.nk, o.dv, o.dist, o.b, o.b, o.seed)
	return nil
}

// qkvMeta is meta.json: the provenance of the arrays and the generator's
// parameters.
type qkvMeta struct {
	suite.Provenance
	N    int     `json:"n"`
	NK   int     `json:"n_keys"`
	D    int     `json:"d"`
	DV   int     `json:"d_v"`
	B    float64 `json:"B"`
	Dist string  `json:"dist"`
}

func (o *genQKVOptions) validate() error {
	switch {
	case o.n < 1 || o.d < 1 || o.dv < 1 || o.nk < 1:
		return fmt.Errorf("--n %d --d %d --dv %d --nk %d: want sizes of at least 1", o.n, o.d, o.dv, o.nk)
	case !(o.b > 0) || math.IsInf(o.b, 0):
		return fmt.Errorf("--B %g: want a finite bound > 0", o.b)
	case o.dist != "uniform" && o.dist != "gaussian":
		return fmt.Errorf("--dist %q: want uniform or gaussian", o.dist)
	case o.out == "":
		return errors.New("-o: want an output directory")
	}
	limit, err := memlimit.Parse(o.maxMemory)
	if err != nil {
		return fmt.Errorf("--max-memory: %w", err)
	}
	entries := float64(o.n)*float64(o.d) + float64(o.nk)*float64(o.d+o.dv)
	what := fmt.Sprintf("Q, K, V of %.3g entries", entries)
	return memlimit.Check(what, int64(min(8*entries, math.MaxInt64/2)), limit, "use smaller --n, --nk or --d")
}

// random returns an r × c matrix of the chosen distribution.
// random draws an r×c matrix; it returns ctx's error if ctx ends (checked
// every 2^20 entries).
func (o *genQKVOptions) random(ctx context.Context, rng *rand.Rand, r, c int) (*mat.Dense, error) {
	data := make([]float64, r*c)
	for i := range data {
		if i&(1<<20-1) == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if o.dist == "gaussian" {
			data[i] = max(-o.b, min(o.b, o.b/3*rng.NormFloat64()))
		} else {
			data[i] = o.b * (2*rng.Float64() - 1)
		}
	}
	return mat.NewDense(r, c, data), nil
}
