package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/internal/fileio"
	"github.com/hardnesslab/hardness/reduction"
	"github.com/hardnesslab/hardness/suite"
	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"
)

// savedReport is report.json: the run's report, the provenance fields of a
// suite manifest (seed, tool version, command, input and array hashes,
// convention) and the verdict in the route's words.
type savedReport struct {
	*reduction.Report
	suite.Provenance
	// Answer is the decoded verdict as YES/NO on the OV and Gap-ANN routes
	// (SAT/UNSAT from a formula); Expected is the check's, in the same words.
	Answer   string `json:"answer"`
	Expected string `json:"expected,omitempty"`
}

// saveRun writes Q.npy, K.npy, V.npy, T.npy (float64, C order, NumPy's
// format, so that np.load reproduces the instance) and report.json into
// dir, creating it if needed, and returns the names of the files written.
// Each file is written atomically. A matrix the run did not reach (T after
// a timeout) is not written; if ctx ends (an interrupt), the file being
// written is abandoned and no further file is started.
func saveRun(ctx context.Context, dir string, r *reduction.Report, prov suite.Provenance) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("--save: %w", err)
	}
	// report.json is written last and describes the set: an earlier run's
	// goes first, so that a set cut short (an interrupt, a full disk) has
	// none; and a matrix this run did not reach must not be left from an
	// earlier run beside this run's others (a stale T.npy was kept).
	if err := removeStale(filepath.Join(dir, "report.json")); err != nil {
		return nil, err
	}
	var done []string
	prov.SHA256 = map[string]string{}
	for _, m := range []struct {
		name string
		x    *mat.Dense
	}{{"Q.npy", r.Q}, {"K.npy", r.K}, {"V.npy", r.V}, {"T.npy", r.T}} {
		p := filepath.Join(dir, m.name)
		if m.x == nil {
			if err := removeStale(p); err != nil {
				return done, err
			}
			continue
		}
		err := fileio.WriteAtomicContext(ctx, p, func(w io.Writer) error { return attention.EncodeNPY(w, m.x) })
		if err != nil {
			return done, err
		}
		done = append(done, m.name)
		h, err := suite.HashFile(p)
		if err != nil {
			return done, err
		}
		prov.SHA256[m.name] = h
	}
	s := savedReport{Report: r, Provenance: prov, Answer: answerWord(r, r.Verdict)}
	if r.Check != nil {
		s.Expected = answerWord(r, r.Check.Verdict)
	}
	err := fileio.WriteAtomicContext(ctx, filepath.Join(dir, "report.json"), func(w io.Writer) error {
		b, err := json.MarshalIndent(s, "", "  ")
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

// answerWord names a verdict as the route asks: YES/NO for an OV or
// Gap-ANN instance, SAT/UNSAT for a formula.
func answerWord(r *reduction.Report, v reduction.Verdict) string {
	if r.Formula != nil {
		return v.String()
	}
	switch v {
	case reduction.Sat:
		return "YES"
	case reduction.Unsat:
		return "NO"
	}
	return v.String()
}

// runProvenance records how the run was made: the algorithm's seed, the
// version, the command and the input's SHA-256 (the file, or the embedded
// default formula).
func (o *runOptions) runProvenance(cmd *cobra.Command, r *reduction.Report) suite.Provenance {
	p := suite.Provenance{Seed: o.algo.seed, Version: version(), Command: commandLine(cmd), Convention: suite.PaperConvention,
		Inputs: map[string]string{}}
	switch {
	case r.Source == defaultName:
		p.Inputs["run_default.cnf (embedded)"] = suite.HashBytes(defaultCNF)
	case r.Source != "":
		if h, err := suite.HashFile(r.Source); err == nil {
			p.Inputs[r.Source] = h
		}
	}
	return p
}

// removeStale removes path, an output of an earlier run that this one
// replaces or does not write; a missing file is fine.
func removeStale(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing the earlier %s: %w", path, err)
	}
	return nil
}
