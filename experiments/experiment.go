package experiments

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hardnesslab/hardness/internal/progress"
)

// Config is what every experiment is run with.
type Config struct {
	// Quick selects small sizes that finish in a few seconds (used by the
	// tests); the default is the full run.
	Quick bool
	// Seed seeds every random choice; it is recorded in the summary.
	Seed uint64
	// OutDir receives the CSV files, the plots, summary.md and COMMAND.txt.
	// It is created if missing.
	OutDir string
	// Dir is an input directory, for experiments that read one (pipeline:
	// a directory of DIMACS CNF files). Empty means a generated set.
	Dir string
	// Command is the command line that ran the experiment, recorded in
	// summary.md and COMMAND.txt. Empty means none was given.
	Command string
	// Progress receives progress bars; they are drawn only when it is a
	// terminal. Nil draws none.
	Progress io.Writer
	// MaxMemory is the working-memory limit in bytes handed to the attention
	// algorithms; 0 means their default.
	MaxMemory int64
}

// Experiment is a named, reproducible sweep. Run it with [Experiment.Run].
type Experiment struct {
	// Name is the identifier used on the command line.
	Name string
	// Short is a one-line description.
	Short string
	// Long describes what is measured and what the plots show.
	Long string

	// run fills the tables; report computes findings and plots from them.
	// report is called after run returns, even when run failed or was
	// interrupted, so partial results are written too.
	run    func(ctx context.Context, r *Run) error
	report func(r *Run) error
	// shardable is set when run computes its points through [point], so
	// that the sweep can be cut into shards (see shard.go).
	shardable bool
}

var registry = map[string]*Experiment{}

// register adds e to the registry; it is called from init functions and
// panics on a duplicate name.
func register(e *Experiment) {
	if _, dup := registry[e.Name]; dup {
		panic("experiments: duplicate experiment " + e.Name)
	}
	registry[e.Name] = e
}

// All returns the registered experiments sorted by name.
func All() []*Experiment {
	es := make([]*Experiment, 0, len(registry))
	for _, e := range registry {
		es = append(es, e)
	}
	sort.Slice(es, func(i, j int) bool { return es[i].Name < es[j].Name })
	return es
}

// Names returns the registered experiment names, sorted.
func Names() []string {
	var ns []string
	for _, e := range All() {
		ns = append(ns, e.Name)
	}
	return ns
}

// Lookup returns the experiment called name.
func Lookup(name string) (*Experiment, error) {
	e, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("experiments: unknown experiment %q (want one of %s)", name, strings.Join(Names(), ", "))
	}
	return e, nil
}

// Run is the state of one experiment run: the configuration, the tables
// filled so far and the summary being built. Experiments append rows as
// they go, so whatever was measured before an interruption is written.
type Run struct {
	Config
	Summary *Summary
	tables  []*Table
	figures []*Figure
	start   time.Time
	// state is the experiment's typed data, shared by its run and report.
	state any
	// slice is set when the run is one shard of a sweep, or a merge of
	// the shards (nil for a whole run).
	slice *slicing
	// failed are the inputs that failed (Result.Failed).
	failed []string
}

// Result describes a finished (or interrupted) run.
type Result struct {
	// Files are the paths written, in order.
	Files []string
	// Partial is true when the run stopped early; the files hold what was
	// measured until then.
	Partial bool
	// Elapsed is the wall time of the run.
	Elapsed time.Duration
	// Findings are the key findings, as in summary.md.
	Findings []string
	// Failed names the inputs the run could not process or whose check
	// failed (pipeline: files that could not be read or run, or whose
	// verdict disagrees with gini); the command exits 1 when there are any.
	Failed []string
}

// Run runs e with cfg and writes its outputs to cfg.OutDir: one CSV per
// table, each figure as PNG and SVG, summary.md and COMMAND.txt. When the
// run fails or ctx is cancelled, everything measured so far is still
// written, the summary is marked partial, and the error is returned with
// the result.
func (e *Experiment) Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.OutDir == "" {
		return nil, errors.New("experiments: no output directory")
	}
	if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
		return nil, fmt.Errorf("experiments: creating output directory: %w", err)
	}
	return e.finish(ctx, newRun(e, cfg))
}

// finish runs e's sweep in r, then its report, and writes the outputs.
func (e *Experiment) finish(ctx context.Context, r *Run) (*Result, error) {
	runErr := e.run(ctx, r)
	if runErr != nil {
		r.Summary.Partial = true
		r.Summary.PartialReason = runErr.Error()
		if errors.Is(runErr, context.Canceled) || errors.Is(runErr, context.DeadlineExceeded) {
			r.Summary.PartialReason = "interrupted (" + runErr.Error() + ")"
		}
	}
	var reportErr error
	if e.report != nil {
		reportErr = e.report(r)
	}
	r.Summary.Elapsed = time.Since(r.start)
	res, writeErr := r.write()
	res.Partial = r.Summary.Partial
	res.Elapsed = r.Summary.Elapsed
	res.Findings = slices.Clone(r.Summary.Findings)
	res.Failed = slices.Clone(r.failed)
	return res, errors.Join(runErr, reportErr, writeErr)
}

// Table creates a table that is written to NAME.csv with the given columns.
func (r *Run) Table(name string, columns ...string) *Table {
	t := NewTable(name, columns...)
	r.tables = append(r.tables, t)
	return t
}

// Figure queues f to be saved as PNG and SVG.
func (r *Run) Figure(f *Figure) { r.figures = append(r.figures, f) }

// Bar returns a progress bar on r.Progress (nil, and a no-op, when it is
// not a terminal).
func (r *Run) Bar(total int, desc string) *progress.Bar {
	if r.Progress == nil {
		return nil
	}
	return progress.New(r.Progress, int64(total), desc)
}

// write saves every table, figure and the summary. It keeps going after an
// error so that as much as possible is written, and joins the errors.
func (r *Run) write() (*Result, error) {
	res := &Result{}
	var errs []error
	add := func(path string, err error) {
		if err != nil {
			errs = append(errs, err)
			return
		}
		res.Files = append(res.Files, path)
	}
	for _, t := range r.tables {
		path := r.path(t.Name + ".csv")
		add(path, t.WriteCSVFile(path))
		r.Summary.Files = append(r.Summary.Files, t.Name+".csv")
	}
	for _, f := range r.figures {
		files, err := f.Save(r.OutDir)
		if err != nil {
			errs = append(errs, err)
		}
		for _, p := range files {
			res.Files = append(res.Files, p)
			r.Summary.Files = append(r.Summary.Files, filepath.Base(p))
		}
		if len(files) > 0 {
			r.Summary.Figures = append(r.Summary.Figures, FigureRef{File: f.Name + ".png", Caption: f.Title})
		}
	}
	if r.Command != "" {
		path := r.path("COMMAND.txt")
		add(path, writeText(path, r.Command+"\n"))
	}
	path := r.path("summary.md")
	add(path, r.Summary.WriteFile(path))
	return res, errors.Join(errs...)
}

func (r *Run) path(name string) string { return filepath.Join(r.OutDir, name) }

// Elapsed returns the wall time since the run started.
func (r *Run) Elapsed() time.Duration { return time.Since(r.start) }
