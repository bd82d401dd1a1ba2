package main

import "github.com/spf13/cobra"

func init() { subcommands = append(subcommands, newGenCmd) }

func newGenCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "gen",
		Short: "Generate instances: CNF formulas, OV instances, Q/K/V matrices",
		Args:  cobra.NoArgs,
	}
	for _, f := range genSubcommands {
		cmd.AddCommand(f())
	}
	return cmd
}
