package main

import (
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
// dir, creating it if needed. Each file is written atomically. A matrix the
// run did not reach (T after a timeout) is not written.
func saveRun(dir string, r *reduction.Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--save: %w", err)
	}
	for _, m := range []struct {
		name string
		x    *mat.Dense
	}{{"Q.npy", r.Q}, {"K.npy", r.K}, {"V.npy", r.V}, {"T.npy", r.T}} {
		if m.x == nil {
			continue
		}
		if err := attention.WriteNPY(filepath.Join(dir, m.name), m.x); err != nil {
			return err
		}
	}
	return fileio.WriteAtomic(filepath.Join(dir, "report.json"), func(w io.Writer) error {
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	})
}
