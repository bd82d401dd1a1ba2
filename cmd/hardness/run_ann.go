package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/reduction"
	"github.com/spf13/cobra"
)

// runANN is `hardness run --ann FILE`: the Gap-ANN route of DESIGN §2.3 on
// a Hamming instance written by `hardness gen ov --ann`, checked against a
// brute-force scan of all pairs.
func (o *runOptions) runANN(cmd *cobra.Command, args []string) error {
	if len(args) != 1 {
		return errors.New("--ann needs a FILE: a Gap-ANN instance from 'hardness gen ov --ann … -o FILE'")
	}
	for _, f := range []string{"gap", "measure-gap", "split"} {
		if cmd.Flags().Changed(f) {
			return fmt.Errorf("--%s applies to CNF input, not to a Gap-ANN instance (--ann)", f)
		}
	}
	ctx, cancel := o.context(cmd)
	defer cancel()
	ropt, bars, err := o.pipelineOptions(cmd)
	if err != nil {
		return err
	}
	start := time.Now()
	x, h, err := ovp.ReadFile(args[0], ropt.MaxMemory)
	if err != nil {
		return err
	}
	if h == nil {
		return fmt.Errorf("%s: an OV instance, not a Gap-ANN one (its header is \"ov\", want \"ann N M d t eps\"): run --ann needs 'hardness gen ov --ann'", args[0])
	}
	readTime := time.Since(start)
	bars.checkBar = true
	r, err := reduction.RunANN(ctx, x, h.T, h.Eps, ropt)
	bars.finish()
	if r == nil {
		return err
	}
	r.Source = args[0]
	r.PrependStage("read", readTime)
	return o.finish(cmd, r, err)
}
