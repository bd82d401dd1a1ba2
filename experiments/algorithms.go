package experiments

import (
	"slices"

	"github.com/hardnesslab/hardness/attention"
)

// The algorithms a sweep compares come from attention's registry, so an
// algorithm registered there (attention.Register with Info.Exact false)
// appears in the transition and scaling sweeps, their tables and their
// plots without an edit here. An experiment chooses only its reference.

// referenceAlgo is the exact algorithm every other one is measured against.
const referenceAlgo = "exact"

// comparedAlgos returns the registered approximate algorithms, sorted by
// name: every sweep that compares methods runs each of them.
func comparedAlgos() []string { return attention.Approximations() }

// algoColor gives each algorithm one colour in every plot: its place in
// the registry (1-based, as Series.Color wants).
func algoColor(algo string) int {
	return slices.Index(attention.Names(), algo) + 1
}
