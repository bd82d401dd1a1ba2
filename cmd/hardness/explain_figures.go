package main

import (
	"fmt"

	"github.com/hardnesslab/hardness/internal/explain"
	"github.com/hardnesslab/hardness/internal/figures"
	"github.com/spf13/cobra"
)

// writeExtras writes --figures and --html, reporting each file on standard
// error (standard output carries the lesson).
func (o *explainOptions) writeExtras(cmd *cobra.Command, l *explain.Lesson) error {
	if o.figs == "" && o.html == "" {
		return nil
	}
	figs, err := figures.Lesson(l)
	if err != nil {
		return err
	}
	if o.figs != "" {
		paths, err := figures.Save(o.figs, figs)
		if err != nil {
			return err
		}
		for _, p := range paths {
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s\n", p)
		}
	}
	if o.html != "" {
		if err := writeHTML(o.html, l, figs); err != nil {
			return err
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s\n", o.html)
	}
	return nil
}
