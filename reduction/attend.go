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
var keyTile = 1 << 14

// queryBlock is the number of query rows an exact run builds and attends
// at a time: each block streams every key tile and is decided at once
// (decisions merge exactly, Decision.Merge), so neither Q nor T is held
// whole and a run's memory is O((queryBlock + keyTile)·d) whatever N and
// M. Rows do not depend on the block they are computed in (attention
// computes each row by the same arithmetic), so this changes no bit of
// the result. Regenerating the keys once per block costs O(M·m) against
// the block's O(queryBlock·M·m) attention. (A variable only so that tests
// can use small blocks.)
var queryBlock = 1 << 14

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
	return &attender{p: p, params: params, rows: rows, opt: opt, algo: opt.Algo, stream: streams(opt.Algo)}
}

// streams reports whether a run of algo streams its keys in tiles (and its
// queries in blocks): for configurable algorithms whose outputs merge over
// key blocks (exact attention).
func streams(algo attention.Algorithm) bool {
	ks, ok := algo.(keySplitter)
	_, conf := algo.(configurable)
	return ok && ks.MergesKeys() && conf
}

func (a *attender) tiles() int { return (a.params.Keys + keyTile - 1) / keyTile }

// blocks returns the query blocks of the run: one unless streaming.
func (a *attender) blocks() []Rows {
	if !a.stream {
		return []Rows{a.rows}
	}
	var bs []Rows
	for lo := a.rows.Lo; lo < a.rows.Hi; lo += queryBlock {
		bs = append(bs, Rows{lo, min(lo+queryBlock, a.rows.Hi)})
	}
	return bs
}

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
		ErrBound: Number(plan.ErrBound), RunErrBound: Number(math.NaN()), Rounding: Number(math.NaN()),
		Tolerance: Number(p.Tolerance), Trusted: p.Trusted(plan.ErrBound)}
	if r.Algo.Name == "" {
		r.Algo.Name = a.algo.Name()
	}
	r.Algo.ErrBoundKind = ErrBoundKind(r.Algo.Name, plan.ErrBound)
	if r.Algo.ErrBoundKind == "exact" {
		// The plan may cover one key tile (streaming): bound the whole
		// instance, whose logits are at most B² and values at most B.
		r.Algo.Rounding = Number(plan.Rounding)
		if !math.IsInf(plan.Rounding, 1) {
			r.Algo.Rounding = Number(attention.RoundingBound64(p.B*p.B, p.B, p.Keys, p.D))
		}
		r.Algo.Trusted = r.Algo.Trusted && roundingTrusted(float64(r.Algo.Rounding), p.Tolerance)
	}
	keyRows := p.Keys
	if a.stream {
		keyRows = min(keyTile, p.Keys)
		r.Algo.Flops = plan.Flops * float64(p.Keys) / float64(keyRows) * float64(a.rows.Len()) / float64(a.blocks()[0].Len())
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
	first := a.blocks()[0]
	if a.opt.Keep {
		first = a.rows
	}
	q, err := a.p.queries(ctx, p, first.Lo, first.Hi)
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
			n := float64(a.tiles() * len(a.blocks()))
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
	b := a.blocks()[0]
	return a.algo.Plan(a.q.Slice(0, b.Len(), 0, a.params.D).(*mat.Dense), k, v)
}

// run is the attention stage and the decision of the rows.
func (a *attender) run(ctx context.Context, r *Report) error {
	var dec Decision
	var t *mat.Dense
	if a.opt.Keep || a.opt.KeepT {
		t = mat.NewDense(a.rows.Len(), 1, nil)
	}
	errBound := 0.0
	err := r.stage(StageAttention, a.opt, func() error {
		for i, b := range a.blocks() {
			out, err := a.attendBlock(ctx, b, i == 0)
			if err != nil {
				return err
			}
			if !a.opt.Keep {
				a.q = nil // the first block's queries, kept for the plan
			}
			d := DecideRows(out.T, a.params, b.Lo)
			if i == 0 {
				dec = d
			} else {
				dec = dec.Merge(d)
			}
			errBound = math.Max(errBound, out.ErrBound)
			if t != nil {
				t.Slice(b.Lo-a.rows.Lo, b.Hi-a.rows.Lo, 0, 1).(*mat.Dense).Copy(out.T.Slice(0, b.Len(), 0, 1))
			}
		}
		return nil
	})
	if err != nil {
		r.Verdict = Unknown
		r.Reason = fmt.Sprintf("%s attention failed: %v", r.Algo.Name, err)
		return err
	}
	r.Algo.RunErrBound = Number(errBound)
	if t != nil {
		r.T = t
	}
	r.Decision = &dec
	r.Verdict = dec.Verdict
	return nil
}

// attendBlock computes the rows b of T: in one call, or tile by tile over
// the keys, generating each tile when it is needed. The first block's
// queries were built by prepare.
func (a *attender) attendBlock(ctx context.Context, b Rows, first bool) (*attention.Output, error) {
	q := a.q // the first block, or all rows when kept or not streaming
	if a.opt.Keep && a.stream {
		q = a.q.Slice(b.Lo-a.rows.Lo, b.Hi-a.rows.Lo, 0, a.params.D).(*mat.Dense)
	} else if !first {
		var err error
		if q, err = a.p.queries(ctx, a.params, b.Lo, b.Hi); err != nil {
			return nil, err
		}
	}
	if !a.stream {
		return a.algo.Attend(ctx, q, a.k, a.v)
	}
	var out *attention.Output
	tile := min(keyTile, a.params.Keys)
	kbuf, vbuf := mat.NewDense(tile, a.params.D, nil), mat.NewDense(tile, 1, nil)
	for j0 := 0; j0 < a.params.Keys; j0 += keyTile {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := min(keyTile, a.params.Keys-j0)
		k, v := kbuf.Slice(0, n, 0, a.params.D).(*mat.Dense), vbuf.Slice(0, n, 0, 1).(*mat.Dense)
		if err := a.p.fillKeys(ctx, a.params, j0, k, v); err != nil {
			return nil, err
		}
		o, err := a.algo.Attend(ctx, q, k, v)
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

// roundingTrusted reports whether an exact algorithm's rounding bound
// leaves it trusted at tolerance tol: a proved bound below tol, or none
// derived (+Inf: rounding is then not bounded, as the report says).
func roundingTrusted(rounding, tol float64) bool {
	return math.IsInf(rounding, 1) || rounding < tol
}
