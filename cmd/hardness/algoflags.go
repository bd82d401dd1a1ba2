package main

import (
	"fmt"
	"strings"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/spf13/pflag"
)

// algoFlags are the attention-algorithm flags shared by every command that
// runs attention (attention, run, experiment).
type algoFlags struct {
	algo      string
	eps       float64
	degree    int
	maxRank   int
	features  int
	seed      uint64
	maxMemory string
	workers   int
}

func (a *algoFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&a.algo, "algo", "exact", "attention algorithm: "+strings.Join(attention.Names(), "|"))
	fs.Float64Var(&a.eps, "eps", 1e-6, "poly: target relative error on exp (automatic degree)")
	fs.IntVar(&a.degree, "degree", 0, "poly: fixed polynomial degree (a budget; reports the certified error it gives)")
	fs.IntVar(&a.maxRank, "max-rank", 0, "poly: cap on the number of features r = C(d+g, g)")
	fs.IntVar(&a.features, "features", 256, "performer: number of random features")
	fs.Uint64Var(&a.seed, "seed", 1, "seed of every random choice")
	fs.StringVar(&a.maxMemory, "max-memory", "8GiB", "refuse runs whose working memory would exceed this")
	fs.IntVar(&a.workers, "workers", 0, "goroutines (0: all cores)")
}

// options converts the flags to attention.Options.
func (a *algoFlags) options() (attention.Options, error) {
	mem, err := memlimit.Parse(a.maxMemory)
	if err != nil {
		return attention.Options{}, fmt.Errorf("--max-memory: %w", err)
	}
	return attention.Options{Eps: a.eps, Degree: a.degree, MaxRank: a.maxRank, Features: a.features,
		Seed: a.seed, MaxMemory: mem, Workers: a.workers}, nil
}

// describe names the algorithm options that change its output, for
// records that must tell two runs apart (attention shards).
func (a *algoFlags) describe() string {
	return fmt.Sprintf("eps=%g degree=%d max-rank=%d features=%d seed=%d", a.eps, a.degree, a.maxRank, a.features, a.seed)
}
