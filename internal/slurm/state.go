package slurm

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/hardnesslab/hardness/internal/fileio"
)

// StateFile is the name of the state file in a run directory.
const StateFile = "slurm.json"

// The scripts written into a run directory.
const (
	ShardsScript = "shards.sbatch"
	MergeScript  = "merge.sbatch"
)

// ErrNotRun is returned by [Load] for a directory without a state file.
var ErrNotRun = errors.New("not a hardness slurm run directory")

// State is what was submitted for one sharded run (DIR/slurm.json).
type State struct {
	// Kind is what the shards compute: "run" or "experiment".
	Kind string `json:"kind"`
	// Shards is K, the number of shards.
	Shards int `json:"shards"`
	// Dir is the run directory (absolute).
	Dir string `json:"dir"`
	// Command is the hardness command line that created the run.
	Command string `json:"command"`
	// Version is the version of the hardness that wrote the scripts.
	Version string `json:"version"`
	// Executable is the hardness binary the jobs run.
	Executable string `json:"executable"`
	// ShardCommand and MergeCommand are what a task and the merge job run
	// (ShardCommand contains [TaskID]).
	ShardCommand []string `json:"shard_command"`
	MergeCommand []string `json:"merge_command"`
	// Report is the file the merge job writes its report to.
	Report    string    `json:"report"`
	Resources Resources `json:"resources"`
	// MaxParallel limits the tasks of the array running at once (0: none).
	MaxParallel int          `json:"max_parallel,omitempty"`
	Submissions []Submission `json:"submissions"`
}

// Submission is one sbatch of the array (or a subset of it, on resume)
// and of the merge job that depends on it.
type Submission struct {
	Time time.Time `json:"time"`
	// ArrayJob is the array job id; Tasks the indices it runs. Both are
	// empty when a resume only had to resubmit the merge.
	ArrayJob string `json:"array_job,omitempty"`
	Tasks    []int  `json:"tasks,omitempty"`
	// MergeJob is the merge job id ("" if its submission failed) and
	// Dependency its --dependency value.
	MergeJob   string `json:"merge_job,omitempty"`
	Dependency string `json:"dependency,omitempty"`
}

// Path returns the path of name inside the run directory.
func (s *State) Path(name string) string { return filepath.Join(s.Dir, name) }

// Save writes the state to DIR/slurm.json atomically.
func (s *State) Save() error {
	return fileio.WriteAtomic(s.Path(StateFile), func(w io.Writer) error {
		b, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	})
}

// Load reads DIR/slurm.json. A directory without one gives an error
// wrapping [ErrNotRun].
func Load(dir string) (*State, error) {
	path := filepath.Join(dir, StateFile)
	b, err := fileio.ReadFileMax(path, 64<<20) // slurm.json: a few KiB per submission
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w (no %s; create one with 'hardness slurm run' or 'hardness slurm experiment')", dir, ErrNotRun, StateFile)
	}
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w (reading it: %v)", path, ErrNotRun, err)
	}
	if s.Shards < 1 || s.Kind == "" || len(s.ShardCommand) == 0 {
		return nil, fmt.Errorf("%s: %w (want kind, shards ≥ 1 and a shard command)", path, ErrNotRun)
	}
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	s.Dir = abs // the directory may have been moved since
	return &s, nil
}

// Last returns the latest submission, or nil.
func (s *State) Last() *Submission {
	if len(s.Submissions) == 0 {
		return nil
	}
	return &s.Submissions[len(s.Submissions)-1]
}

// MaxShards is the largest K of a run (reduction.MaxShards, the range of
// --shards; this package does not import reduction, a test in
// cmd/hardness checks that the two agree).
const MaxShards = 1 << 20

// check refuses a state that 'hardness slurm' never writes and that
// status and resume would act on: a K beyond MaxShards (status lists
// every shard: a state claiming 2^40 of them ran out of memory), an
// unknown kind, task indices outside [0, K). Cost O(tasks).
func (s *State) check() error {
	switch {
	case s.Shards > MaxShards:
		return fmt.Errorf("shards %d: want at most %d", s.Shards, MaxShards)
	case s.Kind != "run" && s.Kind != "experiment":
		return fmt.Errorf("kind %q: want run or experiment", s.Kind)
	}
	for n, sub := range s.Submissions {
		for _, t := range sub.Tasks {
			if t < 0 || t >= s.Shards {
				return fmt.Errorf("submissions[%d] has task %d: want tasks in [0, %d)", n, t, s.Shards)
			}
		}
	}
	return nil
}
