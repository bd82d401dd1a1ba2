package main

import "github.com/spf13/cobra"

func newGenCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "gen",
		Short: "Generate instances: CNF formulas, OV instances, Q/K/V matrices",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(
		newGenCNFCmd(),
		newGenOVCmd(),
		newGenQKVCmd(),
		newGenSuiteCmd(),
	)
	return cmd
}
