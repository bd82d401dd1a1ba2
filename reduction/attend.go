package reduction

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/internal/memlimit"
	"gonum.org/v1/gonum/mat"
)

// keyTile is the number of keys an exact run streams at a time: the key
// side is generated tile by tile and each tile's attention state is merged
// by log-sum-exp (attention.Output.MergeKeys), so no run ever holds all of
// K. It is a constant, not a function of the shard, the machine or the
// memory limit, so that every shard and the unsharded run use the same
// tiles and hence the same arithmetic. Memory of a tile: keyTile·(d+1)
// floats, plus the packed copy exact attention makes.
const keyTile = 1 << 14

// attender is the qkv, plan and attention stages of one run over the rows
// of one shard (or all rows).
type attender struct {
	p      Problem
	params Params
	rows   Rows
	opt    Options

	algo   attention.Algorithm
	stream bool // keys in tiles merged by log-sum-exp
	q      *mat.Dense
	k, v   *mat.Dense // the whole key side, when not streaming or kept

	tile     atomic.Int64 // tiles done, for progress
	progress func(float64)
}

// configurable algorithms can be rebuilt with changed options
// (attention.Stream, Poly, Performer all are).
type configurable interface{ Options() attention.Options }

// keySplitter algorithms return outputs that merge over key blocks.
type keySplitter interface{ MergesKeys() bool }

func newAttender(p Problem, params Params, rows Rows, opt Options) *attender {
	a := &attender{p: p, params: params, rows: rows, opt: opt, algo: opt.Algo}
	ks, ok := opt.Algo.(keySplitter)
	_, conf := opt.Algo.(configurable)
	a.stream = ok && ks.MergesKeys() && conf
	return a
}

func (a *attender) tiles() int { return (a.params.Keys + keyTile - 1) / keyTile }

// prepare builds the query rows (and the whole key side unless
// streaming), fixes the algorithm's options and plans: the qkv and plan
// stages.
func (a *attender) prepare(ctx context.Context, r *Report) error {
	err := r.stage(StageQKV, a.opt, func() error { return a.build(ctx, r) })
	if err != nil {
		return err
	}
	var plan *attention.Plan
	err = r.stage(StagePlan, a.opt, func() (err error) {
		plan, err = a.plan(ctx)
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		return fmt.Errorf("planning %s attention: %w", a.opt.Algo.Name(), err)
	}
	p := a.params
	r.Algo = AlgoInfo{Name: plan.Algo, Flops: plan.Flops, Notes: plan.Notes,
		ErrBound: Number(plan.ErrBound), RunErrBound: Number(math.NaN()),
		Tolerance: Number(p.Tolerance), Trusted: p.Trusted(plan.ErrBound)}
	if r.Algo.Name == "" {
		r.Algo.Name = a.algo.Name()
	}
	keyRows := p.Keys
	if a.stream {
		keyRows = min(keyTile, p.Keys)
		r.Algo.Flops = plan.Flops * float64(p.Keys) / float64(keyRows)
		note := fmt.Sprintf("keys streamed in %d tiles of %d, merged by log-sum-exp", a.tiles(), keyRows)
		if a.tiles() == 1 {
			note = fmt.Sprintf("keys in one tile of %d (larger key sides stream in tiles of %d)", keyRows, keyTile)
		}
		r.Algo.Notes = append(r.Algo.Notes, note)
	}
	r.Memory.Algo = plan.Bytes
	held := keyRows // the keys held: a tile or all, and all when kept
	if a.stream && a.opt.Keep {
		held += p.Keys
	}
	r.Memory.Matrices += int64(8 * held * (p.D + 1))
	need := r.Memory.Instance + r.Memory.Matrices + plan.Bytes
	return memlimit.Check(fmt.Sprintf("%s attention on Q %d×%d, K %d×%d", r.Algo.Name, a.rows.Len(), p.D, p.Keys, p.D),
		need, a.opt.MaxMemory, "use a smaller instance, more shards, or an algorithm with less working memory")
}

// build makes the query rows, the whole key side when needed, and the
// algorithm with its options fixed for the run.
func (a *attender) build(ctx context.Context, r *Report) error {
	p := a.params
	q, err := a.p.queries(ctx, p, a.rows.Lo, a.rows.Hi)
	if err != nil {
		return err
	}
	a.q = q
	if !a.stream || a.opt.Keep {
		if err := memlimit.Check(fmt.Sprintf("the whole key side K %d×%d and V", p.Keys, p.D), r.Memory.Instance+r.Memory.Matrices+int64(8*p.Keys*(p.D+1)),
			a.opt.MaxMemory, "use exact attention (it streams the keys), a smaller instance, or raise --max-memory"); err != nil {
			return err
		}
		if a.k, a.v, err = a.p.keys(ctx, p, 0, p.Keys); err != nil {
			return err
		}
	}
	if a.opt.Keep {
		r.Q, r.K, r.V = a.q, a.k, a.v
	}
	return a.configure(ctx)
}

// configure rebuilds a configurable algorithm: exact attention with one
// key block per call (the tiles are the split) and progress over all
// tiles; the polynomial method with the whole instance's largest row
// norms, so that every shard gets the unsharded run's degree, scaling and
// certificate.
func (a *attender) configure(ctx context.Context) error {
	c, ok := a.opt.Algo.(configurable)
	if !ok {
		return nil
	}
	o := c.Options()
	if a.stream {
		o.KeyBlocks = 1
		if prog := o.Progress; prog != nil {
			n := float64(a.tiles())
			o.Progress = func(f float64) { prog((float64(a.tile.Load()) + f) / n) }
		}
	} else {
		qi, kj, err := a.p.heaviest(ctx, a.params)
		if err != nil {
			return err
		}
		q, err := a.p.queries(ctx, a.params, qi, qi+1)
		if err != nil {
			return err
		}
		k := mat.NewDense(len(kj), a.params.D, nil)
		for i, j := range kj {
			kr, _, err := a.p.keys(ctx, a.params, j, j+1)
			if err != nil {
				return err
			}
			copy(k.RawRowView(i), kr.RawRowView(0))
		}
		if o.MaxQNorm, err = attention.MaxRowNorm(q); err != nil {
			return err
		}
		if o.MaxKNorm, err = attention.MaxRowNorm(k); err != nil {
			return err
		}
	}
	algo, err := attention.New(a.opt.Algo.Name(), o)
	if err != nil {
		return err
	}
	a.algo = algo
	return nil
}

// plan plans the algorithm on the query rows and the first key tile
// (streaming) or the whole key side.
func (a *attender) plan(ctx context.Context) (*attention.Plan, error) {
	if !a.stream {
		return a.algo.Plan(a.q, a.k, a.v)
	}
	k, v, err := a.p.keys(ctx, a.params, 0, min(keyTile, a.params.Keys))
	if err != nil {
		return nil, err
	}
	return a.algo.Plan(a.q, k, v)
}

// run is the attention stage and the decision of the rows.
func (a *attender) run(ctx context.Context, r *Report) error {
	var out *attention.Output
	err := r.stage(StageAttention, a.opt, func() (err error) {
		out, err = a.attend(ctx)
		return err
	})
	if err != nil {
		r.Verdict = Unknown
		r.Reason = fmt.Sprintf("%s attention failed: %v", r.Algo.Name, err)
		return err
	}
	r.Algo.RunErrBound = Number(out.ErrBound)
	if a.opt.Keep || a.opt.KeepT {
		r.T = out.T
	}
	dec := DecideRows(out.T, a.params, a.rows.Lo)
	r.Decision = &dec
	r.Verdict = dec.Verdict
	return nil
}

// attend computes the rows of T: in one call, or tile by tile over the
// keys, generating each tile when it is needed.
func (a *attender) attend(ctx context.Context) (*attention.Output, error) {
	if !a.stream {
		return a.algo.Attend(ctx, a.q, a.k, a.v)
	}
	var out *attention.Output
	for j0 := 0; j0 < a.params.Keys; j0 += keyTile {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		k, v, err := a.p.keys(ctx, a.params, j0, min(j0+keyTile, a.params.Keys))
		if err != nil {
			return nil, err
		}
		o, err := a.algo.Attend(ctx, a.q, k, v)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = o
		} else if err := out.MergeKeys(o); err != nil {
			return nil, err
		}
		a.tile.Add(1)
	}
	return out, nil
}
