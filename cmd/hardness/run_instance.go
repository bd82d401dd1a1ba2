package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/reduction"
	"github.com/hardnesslab/hardness/sat"
	"github.com/hardnesslab/hardness/suite"
	"github.com/spf13/cobra"
)

// runInput is what `hardness run` reduces: the route as a
// reduction.Problem, where it came from and how long reading it took.
type runInput struct {
	problem  reduction.Problem
	source   string // FILE, or the embedded default's description
	path     string // FILE; "" for the embedded default
	sha256   string // hex SHA-256 of the input's bytes
	readTime time.Duration
}

// loadInput reads FILE (or the embedded default) as run's flags say: a
// formula, or with --ov/--ann an OV or Gap-ANN instance (docs/design.md
// §2.2–2.3, written by 'hardness gen ov'), checked by gini or by a
// brute-force scan of all pairs.
func (o *runOptions) loadInput(cmd *cobra.Command, args []string, limit int64) (*runInput, error) {
	if o.ann || o.ov {
		return o.loadInstance(cmd, args, limit)
	}
	start := time.Now()
	var f *sat.Formula
	in := &runInput{source: defaultName}
	var err error
	if len(args) == 0 {
		f, err = sat.ReadDIMACS(bytes.NewReader(defaultCNF), "run_default.cnf")
		sum := sha256.Sum256(defaultCNF)
		in.sha256 = hex.EncodeToString(sum[:])
	} else {
		in.source, in.path = args[0], args[0]
		if f, err = readCNF(cmd.Context(), args[0], limit); err == nil {
			in.sha256, err = suite.HashFile(args[0])
		}
	}
	if err != nil {
		return nil, err
	}
	in.readTime = time.Since(start)
	in.problem, err = reduction.CNFProblem(f, o.split)
	return in, err
}

// loadInstance is loadInput for --ov and --ann.
func (o *runOptions) loadInstance(cmd *cobra.Command, args []string, limit int64) (*runInput, error) {
	flag, gen := "--ov", "hardness gen ov --planted"
	if o.ann {
		flag, gen = "--ann", "hardness gen ov --ann"
	}
	if len(args) != 1 {
		return nil, fmt.Errorf("%s needs a FILE: an instance from '%s … -o FILE'", flag, gen)
	}
	bad := []string{"split"}
	if o.ann {
		bad = append(bad, "gap", "measure-gap")
	}
	for _, f := range bad {
		if cmd.Flags().Changed(f) {
			return nil, fmt.Errorf("--%s does not apply to %s input", f, flag)
		}
	}
	start := time.Now()
	x, h, err := ovp.ReadFile(args[0], limit)
	if err != nil {
		return nil, err
	}
	switch {
	case o.ann && h == nil:
		return nil, fmt.Errorf("%s: an OV instance, not a Gap-ANN one (its header is \"ov\", want \"ann N M d t eps\"): run --ann needs '%s'", args[0], gen)
	case o.ov && h != nil:
		return nil, fmt.Errorf("%s: a Gap-ANN instance, not an OV one (its header is \"ann\", want \"ov N M m\"): use run --ann", args[0])
	}
	in := &runInput{source: args[0], path: args[0], problem: reduction.OVProblem(x)}
	if o.ann {
		if in.problem, err = reduction.ANNProblem(x, h.T, h.Eps); err != nil {
			return nil, err
		}
	}
	if in.sha256, err = suite.HashFile(args[0]); err != nil {
		return nil, err
	}
	in.readTime = time.Since(start)
	return in, nil
}
