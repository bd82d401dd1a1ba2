package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/internal/fileio"
	"github.com/hardnesslab/hardness/reduction"
	"gonum.org/v1/gonum/mat"
)

// saveRun writes Q.npy, K.npy, V.npy, T.npy (float64, C order, NumPy's
// format, so that np.load reproduces the instance) and report.json into
// dir, creating it if needed, and returns the names of the files written.
// Each file is written atomically. A matrix the run did not reach (T after
// a timeout) is not written; if ctx ends (an interrupt), the file being
// written is abandoned and no further file is started.
func saveRun(ctx context.Context, dir string, r *reduction.Report) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("--save: %w", err)
	}
	var done []string
	for _, m := range []struct {
		name string
		x    *mat.Dense
	}{{"Q.npy", r.Q}, {"K.npy", r.K}, {"V.npy", r.V}, {"T.npy", r.T}} {
		if m.x == nil {
			continue
		}
		err := fileio.WriteAtomicContext(ctx, filepath.Join(dir, m.name), func(w io.Writer) error { return attention.EncodeNPY(w, m.x) })
		if err != nil {
			return done, err
		}
		done = append(done, m.name)
	}
	err := fileio.WriteAtomicContext(ctx, filepath.Join(dir, "report.json"), func(w io.Writer) error {
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	})
	if err != nil {
		return done, err
	}
	return append(done, "report.json"), nil
}
