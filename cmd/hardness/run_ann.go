package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func (o *runOptions) runANN(cmd *cobra.Command, args []string) error {
	return errors.New("--ann: not yet")
}
