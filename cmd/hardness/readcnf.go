package main

import (
	"context"

	"github.com/hardnesslab/hardness/internal/fileio"
	"github.com/hardnesslab/hardness/sat"
)

// readCNF reads the DIMACS file at path holding at most limit bytes of
// clauses, and stops with ctx's error when ctx ends (an interrupt while
// reading a large file).
func readCNF(ctx context.Context, path string, limit int64) (*sat.Formula, error) {
	r, err := fileio.OpenContext(ctx, path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return sat.ReadDIMACSLimit(r, path, limit)
}
