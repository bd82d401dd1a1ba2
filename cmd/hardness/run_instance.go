package main

import (
	"fmt"
	"time"

	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/reduction"
	"github.com/spf13/cobra"
)

// runInstance is `hardness run --ann FILE` and `hardness run --ov FILE`:
// the Gap-ANN route of docs/design.md §2.3 on a Hamming instance written by
// `hardness gen ov --ann`, or the OV route of docs/design.md §2.2 on an instance written by
// `hardness gen ov --planted` (or --cnf), each checked against a brute-force
// scan of all pairs.
func (o *runOptions) runInstance(cmd *cobra.Command, args []string) error {
	flag, gen := "--ov", "hardness gen ov --planted"
	if o.ann {
		flag, gen = "--ann", "hardness gen ov --ann"
	}
	if len(args) != 1 {
		return fmt.Errorf("%s needs a FILE: an instance from '%s … -o FILE'", flag, gen)
	}
	bad := []string{"split"}
	if o.ann {
		bad = append(bad, "gap", "measure-gap")
	}
	for _, f := range bad {
		if cmd.Flags().Changed(f) {
			return fmt.Errorf("--%s does not apply to %s input", f, flag)
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
	switch {
	case o.ann && h == nil:
		return fmt.Errorf("%s: an OV instance, not a Gap-ANN one (its header is \"ov\", want \"ann N M d t eps\"): run --ann needs '%s'", args[0], gen)
	case o.ov && h != nil:
		return fmt.Errorf("%s: a Gap-ANN instance, not an OV one (its header is \"ann\", want \"ov N M m\"): use run --ann", args[0])
	}
	readTime := time.Since(start)
	bars.checkBar = true
	var r *reduction.Report
	if o.ann {
		r, err = reduction.RunANN(ctx, x, h.T, h.Eps, ropt)
	} else {
		r, err = reduction.RunOV(ctx, x, ropt)
	}
	bars.finish()
	if r == nil {
		return err
	}
	r.Source = args[0]
	r.PrependStage("read", readTime)
	return o.finish(cmd, r, err)
}
