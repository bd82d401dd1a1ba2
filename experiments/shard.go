package experiments

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/hardnesslab/hardness/reduction"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"time"

	"github.com/hardnesslab/hardness/internal/fileio"
	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/internal/version"
)

// A sweep is cut into shards by its units of work: independent groups of
// points (scaling: one curve, whose points depend on each other only
// through the curve's own stopping rule). Shard I of K computes the groups
// g with g mod K = I and records every point's result, keyed by the
// point, in DIR/shard-I-of-K.json. The merge runs the experiment again
// with every point's result read from the shard files instead of
// computed: the same control flow sees the same values, so the tables,
// plots and summary are those of a single run (timings are the shards').

// ShardHeader identifies a sharded experiment run; it is identical across
// the shards of one run except for Shard.
type ShardHeader struct {
	Experiment string `json:"experiment"`
	Quick      bool   `json:"quick"`
	Seed       uint64 `json:"seed"`
	Dir        string `json:"dir,omitempty"`
	MaxMemory  int64  `json:"max_memory,omitempty"`
	Shards     int    `json:"shards"`
	Shard      int    `json:"shard"`
	// Command is the command line of the shard; Version the module
	// version that ran it.
	Command string `json:"command,omitempty"`
	Version string `json:"version"`
}

// shardFile is the content of DIR/shard-I-of-K.json.
type shardFile struct {
	Header  ShardHeader           `json:"header"`
	Host    string                `json:"host"`
	Seconds float64               `json:"seconds"`
	Points  map[string]pointValue `json:"points"`
}

// pointValue is one recorded point: its value, or the error it gave.
type pointValue struct {
	Value json.RawMessage `json:"value,omitempty"`
	Error string          `json:"error,omitempty"`
	// Memory is set when the error was a memory-limit refusal, which the
	// sweeps treat as "stop this curve", not as a failure.
	Memory *memlimit.Error `json:"memory,omitempty"`
	file   string          // the shard file it was read from (merge)
}

// DamagedShardError is a recorded point that no run writes (see
// checkPoint): the merge stops, naming the file; exit status 2.
type DamagedShardError struct {
	File, Key string
	Err       error
}

func (e *DamagedShardError) Error() string {
	return fmt.Sprintf("experiments: %s: point %s: %v (a damaged shard file: compute it again)", e.File, e.Key, e.Err)
}

func (e *DamagedShardError) Unwrap() error { return e.Err }

// slicing is the sharding state of a run: which groups it computes and
// what it recorded, or (replay) the recorded points it reads.
type slicing struct {
	index, count int
	record       map[string]pointValue // shard: points computed
	replay       map[string]pointValue // merge: points read back
}

// Shardable reports whether e can be cut into shards.
func (e *Experiment) Shardable() bool { return e.shardable }

// point computes (or, in a merge, reads back) one point of a sweep. group
// is the unit of work the point belongs to, key names the point uniquely
// within the run. In a shard, a point of another shard's group is skipped:
// ok is false and the caller must go on as if the point did not exist.
func point[T any](r *Run, group int, key string, compute func() (T, error)) (v T, ok bool, err error) {
	s := r.slice
	switch {
	case s == nil:
		v, err = compute()
		return v, true, err
	case s.replay != nil:
		return readPoint[T](s.replay, key)
	case group%s.count != s.index:
		return v, false, nil
	}
	v, err = compute()
	pv := pointValue{}
	if err != nil {
		var me *memlimit.Error
		pv.Error = err.Error()
		if errors.As(err, &me) {
			pv.Memory = me
		}
	} else if pv.Value, err = json.Marshal(v); err != nil {
		return v, true, fmt.Errorf("experiments: recording point %s: %w", key, err)
	}
	s.record[key] = pv
	return v, true, err
}

func readPoint[T any](m map[string]pointValue, key string) (v T, ok bool, err error) {
	pv, found := m[key]
	if !found {
		return v, true, fmt.Errorf("experiments: point %s is in no shard file (the shards were computed by a different version or configuration?)", key)
	}
	switch {
	case pv.Memory != nil:
		return v, true, pv.Memory
	case pv.Error != "":
		return v, true, errors.New(pv.Error)
	}
	if err := json.Unmarshal(pv.Value, &v); err != nil {
		return v, true, fmt.Errorf("experiments: point %s: %w", key, err)
	}
	if err := checkPoint(v); err != nil {
		return v, true, &DamagedShardError{File: pv.file, Key: key, Err: err}
	}
	return v, true, nil
}

// computingShard reports whether r computes one shard (not a whole run,
// not a merge): work that needs no unit of its own is left to the merge.
func (r *Run) computingShard() bool { return r.slice != nil && r.slice.replay == nil }

// ShardPath is the file shard i of k writes in dir.
func ShardPath(dir string, i, k int) string {
	return filepath.Join(dir, fmt.Sprintf("shard-%d-of-%d.json", i, k))
}

// RunShard computes shard i of k of e (the groups g with g mod k = i) and
// writes DIR/shard-i-of-k.json atomically. Nothing is written when the
// run fails or is interrupted, so the shard can simply be run again.
func (e *Experiment) RunShard(ctx context.Context, cfg Config, i, k int) (string, error) {
	if !e.shardable {
		return "", fmt.Errorf("experiments: %s cannot be run in shards (run it whole)", e.Name)
	}
	if k < 1 || i < 0 || i >= k {
		return "", fmt.Errorf("experiments: shard %d of %d: want 0 ≤ shard < shards", i, k)
	}
	if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
		return "", fmt.Errorf("experiments: creating output directory: %w", err)
	}
	r := newRun(e, cfg)
	r.slice = &slicing{index: i, count: k, record: map[string]pointValue{}}
	if err := e.run(ctx, r); err != nil {
		return "", fmt.Errorf("experiments: %s shard %d of %d: %w", e.Name, i, k, err)
	}
	host, _ := os.Hostname()
	sf := shardFile{Header: header(e, cfg, i, k), Host: host, Seconds: time.Since(r.start).Seconds(), Points: r.slice.record}
	path := ShardPath(cfg.OutDir, i, k)
	return path, fileio.WriteAtomic(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(sf)
	})
}

func header(e *Experiment, cfg Config, i, k int) ShardHeader {
	return ShardHeader{Experiment: e.Name, Quick: cfg.Quick, Seed: cfg.Seed, Dir: cfg.Dir, MaxMemory: cfg.MaxMemory,
		Shards: k, Shard: i, Command: cfg.Command, Version: version.String()}
}

var shardName = regexp.MustCompile(`^shard-(\d+)-of-(\d+)\.json$`)

// ReadShards reads every shard file in dir and checks that they are the
// complete set of one run: the same header but for the shard index, every
// index from 0 to K−1 present. It returns the common header (Shard = −1)
// and the recorded points of all shards.
func ReadShards(dir string) (ShardHeader, map[string]pointValue, error) {
	var h ShardHeader
	ents, err := os.ReadDir(dir)
	if err != nil {
		return h, nil, fmt.Errorf("experiments: %w", err)
	}
	var files []string
	for _, e := range ents {
		if shardName.MatchString(e.Name()) {
			files = append(files, e.Name())
		}
	}
	if len(files) == 0 {
		return h, nil, fmt.Errorf("experiments: no shard files (shard-I-of-K.json) in %s", dir)
	}
	sort.Strings(files)
	points := map[string]pointValue{}
	seen := map[int]bool{}
	for n, name := range files {
		sf, err := readShard(filepath.Join(dir, name))
		if err != nil {
			return h, nil, err
		}
		if err := checkShardName(name, sf.Header); err != nil {
			return h, nil, err
		}
		got := sf.Header
		got.Shard, got.Command = -1, ""
		if n == 0 {
			h = got
		} else if got != h {
			return h, nil, fmt.Errorf("experiments: %s belongs to a different run than %s: %s", name, files[0], headerDiff(h, got))
		}
		seen[sf.Header.Shard] = true
		for k, v := range sf.Points {
			v.file = filepath.Join(dir, name)
			points[k] = v
		}
	}
	if missing := missingShards(seen, h.Shards); len(missing) > 0 {
		return h, nil, &MissingShardsError{Dir: dir, Shards: h.Shards, Missing: missing}
	}
	return h, points, nil
}

func readShard(path string) (*shardFile, error) {
	b, err := fileio.ReadFileMax(path, 1<<30) // a shard file: far below this
	if err != nil {
		return nil, fmt.Errorf("experiments: %w", err)
	}
	var sf shardFile
	if err := json.Unmarshal(b, &sf); err != nil {
		return nil, fmt.Errorf("experiments: %s: not a shard file: %w", path, err)
	}
	if sf.Header.Experiment == "" || sf.Points == nil {
		return nil, fmt.Errorf("experiments: %s: not an experiment shard file (want a header naming the experiment and recorded points)", path)
	}
	return &sf, nil
}

// MaxShards is the largest shard count a shard file may declare (the
// range of --shards): the merge lists the missing shards, so a file
// claiming 10¹¹ of them must not make it loop and allocate that many.
const MaxShards = reduction.MaxShards

func checkShardName(name string, h ShardHeader) error {
	m := shardName.FindStringSubmatch(name)
	i, _ := strconv.Atoi(m[1])
	k, _ := strconv.Atoi(m[2])
	if i != h.Shard || k != h.Shards || i >= k {
		return fmt.Errorf("experiments: %s holds shard %d of %d; the name and the content disagree", name, h.Shard, h.Shards)
	}
	if k > MaxShards {
		return fmt.Errorf("experiments: %s claims %d shards; want at most %d", name, k, MaxShards)
	}
	return nil
}

func headerDiff(a, b ShardHeader) string {
	switch {
	case a.Experiment != b.Experiment:
		return fmt.Sprintf("experiment %s, not %s", b.Experiment, a.Experiment)
	case a.Shards != b.Shards:
		return fmt.Sprintf("%d shards, not %d", b.Shards, a.Shards)
	case a.Quick != b.Quick:
		return fmt.Sprintf("quick %v, not %v", b.Quick, a.Quick)
	case a.Seed != b.Seed:
		return fmt.Sprintf("seed %d, not %d", b.Seed, a.Seed)
	case a.Dir != b.Dir:
		return fmt.Sprintf("input directory %q, not %q", b.Dir, a.Dir)
	case a.MaxMemory != b.MaxMemory:
		return fmt.Sprintf("max memory %d, not %d", b.MaxMemory, a.MaxMemory)
	}
	return fmt.Sprintf("version %s, not %s", b.Version, a.Version)
}

func missingShards(seen map[int]bool, k int) []int {
	var missing []int
	for i := range k {
		if !seen[i] {
			missing = append(missing, i)
		}
	}
	return missing
}

// MissingShardsError is returned by [ReadShards] and [Merge] when shard
// files are missing.
type MissingShardsError struct {
	Dir     string
	Shards  int
	Missing []int
}

func (e *MissingShardsError) Error() string {
	shown := e.Missing[:min(len(e.Missing), 16)] // up to MaxShards of them: name a few
	more := ""
	if len(shown) < len(e.Missing) {
		more = fmt.Sprintf(" and %d more", len(e.Missing)-len(shown))
	}
	return fmt.Sprintf("experiments: %s: %d of %d shards missing: %v%s", e.Dir, len(e.Missing), e.Shards, shown, more)
}

// Merge reads the shard files in cfg.OutDir and writes the experiment's
// tables, plots, summary.md and COMMAND.txt there, exactly as a single
// run with the shards' configuration would; cfg's Quick, Seed, Dir and
// MaxMemory are taken from the shards. cfg.Command, if set, is recorded
// as the command.
func Merge(ctx context.Context, cfg Config) (*Experiment, *Result, error) {
	return merge(ctx, cfg, Lookup)
}

func merge(ctx context.Context, cfg Config, lookup func(string) (*Experiment, error)) (*Experiment, *Result, error) {
	h, points, err := ReadShards(cfg.OutDir)
	if err != nil {
		return nil, nil, err
	}
	e, err := lookup(h.Experiment)
	if err != nil {
		return nil, nil, err
	}
	cfg.Quick, cfg.Seed, cfg.Dir, cfg.MaxMemory = h.Quick, h.Seed, h.Dir, h.MaxMemory
	r := newRun(e, cfg)
	r.slice = &slicing{replay: points}
	r.Summary.AddNote("Computed in %d shards (hardness experiment %s --shards %d --shard I), merged by 'hardness experiment merge'; the timings are the shards'.", h.Shards, e.Name, h.Shards)
	res, err := e.finish(ctx, r)
	return e, res, err
}

// newRun starts the state of a run of e.
func newRun(e *Experiment, cfg Config) *Run {
	r := &Run{Config: cfg, start: time.Now()}
	r.Summary = &Summary{
		Title:       e.Name,
		Description: e.Long,
		Command:     cfg.Command,
		Seed:        cfg.Seed,
		Quick:       cfg.Quick,
		Environment: fmt.Sprintf("%s, %s/%s, GOMAXPROCS=%d", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0)),
	}
	return r
}

// shardKey names a point from its coordinates.
func shardKey(parts ...any) string {
	b, _ := json.Marshal(parts)
	return string(b)
}

// FirstShardHeader returns the header of the first shard file in dir (in
// name order), to name the command that computes a missing shard.
func FirstShardHeader(dir string) (ShardHeader, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return ShardHeader{}, err
	}
	for _, e := range ents {
		if shardName.MatchString(e.Name()) {
			sf, err := readShard(filepath.Join(dir, e.Name()))
			if err != nil {
				return ShardHeader{}, err
			}
			return sf.Header, nil
		}
	}
	return ShardHeader{}, fmt.Errorf("experiments: no shard files in %s", dir)
}
