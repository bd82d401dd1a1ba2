package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"strings"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/internal/fileio"
	"github.com/hardnesslab/hardness/reduction"
	"github.com/hardnesslab/hardness/suite"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gonum.org/v1/gonum/mat"
)

// attentionShardFlags are attention's --shards, --shard, --split and
// --assemble.
type attentionShardFlags struct {
	shards, shard int
	split         string
	assemble      bool
}

func (s *attentionShardFlags) register(fs *pflag.FlagSet) {
	fs.IntVar(&s.shards, "shards", 0, "cut the work into `K` shards: compute shard --shard of them, or --assemble them")
	fs.IntVar(&s.shard, "shard", -1, "compute shard `I` of K only, into OUT.shard-I-of-K.npy")
	fs.StringVar(&s.split, "split", "rows", "what shards divide: rows (blocks of rows of T, merged bit for bit) or keys (blocks of keys, exact only, merged by log-sum-exp)")
	fs.BoolVar(&s.assemble, "assemble", false, "assemble the K shard files of OUT into OUT (atomically) instead of computing")
}

// active reports whether any shard flag was given, and checks them.
func (s *attentionShardFlags) check(cmd *cobra.Command) (bool, error) {
	set := cmd.Flags().Changed
	if !set("shards") && !set("shard") && !set("assemble") && !set("split") {
		return false, nil
	}
	switch {
	case !set("shards"):
		return true, errors.New("--shard, --split and --assemble need --shards K")
	case s.shards < 1:
		return true, fmt.Errorf("--shards %d: want at least 1 shard", s.shards)
	case s.split != "rows" && s.split != "keys":
		return true, fmt.Errorf("--split %q: want rows or keys", s.split)
	case s.assemble && set("shard"):
		return true, errors.New("--assemble assembles all shards: drop --shard")
	case !s.assemble && (s.shard < 0 || s.shard >= s.shards):
		return true, fmt.Errorf("--shard %d: want 0 ≤ shard < --shards %d (or --assemble)", s.shard, s.shards)
	}
	return true, nil
}

// partName is the file of shard i: OUT.shard-I-of-K.npy (rows) or
// OUT.keys-I-of-K.npy (keys: T, then the row maxima and sums as two more
// columns).
func (s *attentionShardFlags) partName(out string, i int) string {
	kind := "shard"
	if s.split == "keys" {
		kind = "keys"
	}
	return fmt.Sprintf("%s.%s-%d-of-%d.npy", out, kind, i, s.shards)
}

// shardMetaFormat names the format of a shard's record.
const shardMetaFormat = "hardness attention shard, version 1"

// shardMeta is OUT.shard-I-of-K.json (or .keys-…): what a shard's .npy is,
// so that --assemble can refuse a renamed, swapped, duplicated or foreign
// shard file instead of assembling a wrong T silently (a .npy header has
// room for no such record: numpy.load refuses extra keys).
type shardMeta struct {
	Format  string            `json:"format"`
	Split   string            `json:"split"`
	Shard   int               `json:"shard"`
	Shards  int               `json:"shards"`
	N       int               `json:"n"`     // query rows (rows split) or keys (keys split) of the whole run
	Range   reduction.Rows    `json:"range"` // this shard's block of them
	Algo    string            `json:"algo"`
	Options string            `json:"options"`
	Inputs  map[string]string `json:"inputs_sha256"` // Q, K, V
	NPY     string            `json:"npy_sha256"`    // of the shard's .npy file
}

// metaName is the record of shard i: partName with .json for .npy.
func (s *attentionShardFlags) metaName(out string, i int) string {
	p := s.partName(out, i)
	return strings.TrimSuffix(p, ".npy") + ".json"
}

// writeShardMeta writes the record of this shard (after its .npy, so a
// record always describes a complete file); nq and nk are the whole
// run's sizes.
func (o *attentionOptions) writeShardMeta(ctx context.Context, nq, nk int) error {
	s := o.shard
	n := nq
	if s.split == "keys" {
		n = nk
	}
	r, err := reduction.ShardRows(n, s.shards, s.shard)
	if err != nil {
		return err
	}
	m := shardMeta{Format: shardMetaFormat, Split: s.split, Shard: s.shard, Shards: s.shards, N: n, Range: r,
		Algo: o.algo.algo, Options: o.algo.describe(), Inputs: map[string]string{}}
	for name, p := range map[string]string{"Q": o.q, "K": o.k, "V": o.v} {
		if m.Inputs[name], err = suite.HashFileContext(ctx, p); err != nil {
			return err
		}
	}
	if m.NPY, err = suite.HashFileContext(ctx, s.partName(o.out, s.shard)); err != nil {
		return err
	}
	return fileio.WriteAtomicContext(ctx, s.metaName(o.out, s.shard), func(w io.Writer) error {
		b, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	})
}

// readShardMeta reads and checks the record of shard i against its name,
// the first shard's record (nil for the first) and its .npy file.
func (s *attentionShardFlags) readShardMeta(out string, i int, first *shardMeta) (*shardMeta, error) {
	name := s.metaName(out, i)
	b, err := fileio.ReadFileMax(name, 1<<20) // a few hundred bytes
	if err != nil {
		return nil, err
	}
	var m shardMeta
	if err := json.Unmarshal(b, &m); err != nil || m.Format != shardMetaFormat {
		return nil, fmt.Errorf("%s is not the record of a shard of 'hardness attention' (%v); compute shard %d again", name, err, i)
	}
	want, err := reduction.ShardRows(m.N, s.shards, i)
	switch {
	case m.Shard != i || m.Shards != s.shards || m.Split != s.split:
		return nil, fmt.Errorf("%s records shard %d of %d (split %s): a renamed or copied shard", name, m.Shard, m.Shards, m.Split)
	case err != nil || m.Range != want:
		return nil, fmt.Errorf("%s records rows [%d, %d) of %d; shard %d of %d is [%d, %d)", name, m.Range.Lo, m.Range.Hi, m.N, i, s.shards, want.Lo, want.Hi)
	case first != nil && !maps.Equal(m.Inputs, first.Inputs):
		return nil, fmt.Errorf("%s is from another run than shard 0: its Q, K or V differ (SHA-256 in inputs_sha256)", name)
	case first != nil && (m.N != first.N || m.Algo != first.Algo || m.Options != first.Options):
		return nil, fmt.Errorf("%s is from another run than shard 0: %s %s on %d, against %s %s on %d", name, m.Algo, m.Options, m.N, first.Algo, first.Options, first.N)
	}
	h, err := suite.HashFile(s.partName(out, i))
	if err != nil {
		return nil, err
	}
	if h != m.NPY {
		return nil, fmt.Errorf("%s has SHA-256 %s, but its record %s says %s: a swapped, edited or foreign shard file; compute shard %d again",
			s.partName(out, i), h, name, m.NPY, i)
	}
	return &m, nil
}

// shardInputs restricts q (rows) or k, v (keys) to this shard and fixes
// the options that make the shard's arithmetic the unsharded run's.
func (o *attentionOptions) shardInputs(q, k, v *mat.Dense, opts *attention.Options) (*mat.Dense, *mat.Dense, *mat.Dense, error) {
	s := o.shard
	nq, d := q.Dims()
	nk, dv := v.Dims()
	if s.split == "keys" {
		if o.algo.algo != "exact" {
			return nil, nil, nil, fmt.Errorf("--split keys needs --algo exact (its states merge by log-sum-exp), not %q", o.algo.algo)
		}
		r, err := reduction.ShardRows(nk, s.shards, s.shard)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("--shards %d of %d keys: %w", s.shards, nk, err)
		}
		opts.KeyBlocks = 1
		return q, k.Slice(r.Lo, r.Hi, 0, d).(*mat.Dense), v.Slice(r.Lo, r.Hi, 0, dv).(*mat.Dense), nil
	}
	r, err := reduction.ShardRows(nq, s.shards, s.shard)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("--shards %d of %d query rows: %w", s.shards, nq, err)
	}
	opts.KeyBlocks = attention.KeyBlocks(*opts, nq, nk)
	var err2 error
	if opts.MaxQNorm, err2 = attention.MaxRowNorm(q); err2 != nil {
		return nil, nil, nil, err2
	}
	if opts.MaxKNorm, err2 = attention.MaxRowNorm(k); err2 != nil {
		return nil, nil, nil, err2
	}
	return q.Slice(r.Lo, r.Hi, 0, d).(*mat.Dense), k, v, nil
}

// shardOutput is what a shard writes: its rows of T, or its key block's
// state [T | max | sum].
func (o *attentionOptions) shardOutput(res *attention.Output) (*mat.Dense, error) {
	if o.shard.split != "keys" {
		return res.T, nil
	}
	if res.Sum == nil || res.MaxLogit == nil {
		return nil, errors.New("--split keys: the algorithm returned no softmax state")
	}
	nq, dv := res.T.Dims()
	st := mat.NewDense(nq, dv+2, nil)
	for i := range nq {
		row := st.RawRowView(i)
		copy(row, res.T.RawRowView(i))
		row[dv], row[dv+1] = res.MaxLogit[i], res.Sum[i]
	}
	return st, nil
}

// assemble reads the K shard files of -o and writes -o atomically: rows
// concatenated in order (checked to tile), or key states merged in order
// by log-sum-exp.
func (o *attentionOptions) assemble(cmd *cobra.Command) error {
	s := o.shard
	parts := make([]*mat.Dense, s.shards)
	var missing []int
	var first *shardMeta
	for i := range s.shards {
		meta, err := s.readShardMeta(o.out, i, first)
		if errors.Is(err, os.ErrNotExist) { // a shard without its record is missing or was interrupted
			missing = append(missing, i)
			continue
		}
		if err != nil {
			return withCode(exitBadInput, fmt.Errorf("--assemble: %w", err))
		}
		if first == nil {
			first = meta
		}
		if parts[i], err = attention.ReadNPY(s.partName(o.out, i)); err != nil {
			return withCode(exitBadInput, fmt.Errorf("--assemble: %w", err))
		}
	}
	if len(missing) > 0 {
		return withCode(exitMismatch, fmt.Errorf("--assemble: %d of %d shards missing (a .npy or its .json record): %s (files %s, %s …); compute them with --shard I",
			len(missing), s.shards, indexRanges(missing), s.partName(o.out, missing[0]), s.metaName(o.out, missing[0])))
	}
	var t *mat.Dense
	var err error
	if s.split == "keys" {
		t, err = mergeKeyParts(parts, s)
	} else {
		t, err = stackRowParts(parts, s)
	}
	if err != nil {
		return withCode(exitBadInput, fmt.Errorf("--assemble: %w", err))
	}
	err = fileio.WriteAtomicContext(cmd.Context(), o.out, func(w io.Writer) error { return attention.EncodeNPY(w, t) })
	if err != nil {
		return withCode(exitMismatch, err)
	}
	r, c := t.Dims()
	fmt.Fprintf(cmd.ErrOrStderr(), "assembled %d %s shards into %s (%d×%d)\n", s.shards, s.split, o.out, r, c)
	return nil
}

// stackRowParts concatenates row blocks, checking that they are the
// balanced blocks of ShardRows.
func stackRowParts(parts []*mat.Dense, s attentionShardFlags) (*mat.Dense, error) {
	n, c := 0, -1
	for i, p := range parts {
		r, pc := p.Dims()
		if c >= 0 && pc != c {
			return nil, fmt.Errorf("shard %d has %d columns, shard 0 has %d: not one run's shards", i, pc, c)
		}
		n, c = n+r, pc
	}
	t := mat.NewDense(n, c, nil)
	for i, p := range parts {
		want, err := reduction.ShardRows(n, s.shards, i)
		r, _ := p.Dims()
		if err != nil || r != want.Len() {
			return nil, fmt.Errorf("shard %d has %d rows; shard %d of %d over %d rows has %d: not one run's shards", i, r, i, s.shards, n, want.Len())
		}
		t.Slice(want.Lo, want.Hi, 0, c).(*mat.Dense).Copy(p)
	}
	return t, nil
}

// mergeKeyParts merges key-block states [T | max | sum] in key order.
func mergeKeyParts(parts []*mat.Dense, s attentionShardFlags) (*mat.Dense, error) {
	var acc *attention.Output
	for i, p := range parts {
		nq, c := p.Dims()
		if c < 3 {
			return nil, fmt.Errorf("key shard %d has %d columns; want d_v + 2 (T, max, sum)", i, c)
		}
		dv := c - 2
		out := &attention.Output{T: mat.NewDense(nq, dv, nil), MaxLogit: make([]float64, nq), Sum: make([]float64, nq)}
		for r := range nq {
			row := p.RawRowView(r)
			copy(out.T.RawRowView(r), row[:dv])
			out.MaxLogit[r], out.Sum[r] = row[dv], row[dv+1]
		}
		if acc == nil {
			acc = out
		} else if err := acc.MergeKeys(out); err != nil {
			return nil, fmt.Errorf("key shard %d: %w", i, err)
		}
	}
	return acc.T, nil
}
