package suite

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/hardnesslab/hardness/internal/fileio"
	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/sat"
)

// job is one instance to make.
type job struct {
	cell  Cell
	index int
	yes   bool
	id    string
	seed  uint64
}

// Progress is told about each instance as it is finished (made, or found
// made by an earlier run): done of total.
type Progress func(e *Entry, resumed bool, done, total int)

// Generate writes the suite o into dir: one directory per instance, then
// manifest.jsonl and README.md. Instances already in dir from an earlier
// run with the same options are kept (an interrupted run resumes); one made
// with other options is an error. Same options and seed give the same
// bytes. It returns the manifest entries in order.
func Generate(ctx context.Context, dir string, o Options, progress Progress) ([]Entry, error) {
	if err := o.normalize(); err != nil {
		return nil, err
	}
	if err := o.checkMemory(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := removeTemps(dir); err != nil {
		return nil, err
	}
	jobs := o.jobs()
	entries := make([]Entry, len(jobs))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	next, done := make(chan int), 0
	for range min(o.Workers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				e, resumed, err := makeInstance(ctx, dir, &o, jobs[i])
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("instance %s: %w", jobs[i].id, err)
					cancel()
				}
				if err == nil {
					entries[i] = *e
					done++
					if progress != nil {
						progress(e, resumed, done, len(jobs))
					}
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := writeManifest(filepath.Join(dir, "manifest.jsonl"), entries); err != nil {
		return nil, err
	}
	return entries, fileio.WriteAtomic(filepath.Join(dir, "README.md"), func(w io.Writer) error {
		return writeCard(w, &o, entries)
	})
}

// instanceBytes estimates the peak memory of making one instance of size
// n: Q and K (n×d each, float64) held three times (the construction, the
// written arrays, the encoded files), V, T and the bit-packed vectors.
func (o *Options) instanceBytes(n int) int64 {
	d := int64(o.dim(n))
	if slices.Contains(o.Routes, RouteANN) {
		d *= 2 // d = 2·d0
	}
	if slices.Contains(o.Routes, RouteCNF) {
		d = max(d, int64(sat.ClausesForRatio(2*bits.Len(uint(n))-3, o.Ratio)))
	}
	nn := int64(n)
	return memlimit.Mul(48, nn, d) + 8*nn*int64(2+o.NoiseCols) + nn*(d/8+8)
}

// checkMemory refuses a suite whose largest instance, times the workers,
// would exceed MaxMemory, before anything is made.
func (o *Options) checkMemory() error {
	n := slices.Max(o.Sizes)
	need := memlimit.Mul(o.instanceBytes(n), int64(o.Workers))
	return memlimit.Check(fmt.Sprintf("%d instances of size n = %d made in parallel", o.Workers, n), need, o.MaxMemory,
		"use a smaller --n, fewer --workers or a smaller --dim")
}

// jobs lists the instances: per cell, Count instances of which
// round(Count·YesFraction) are YES, in an order shuffled by a seed of the
// cell, so that an instance's index says nothing about its answer.
func (o *Options) jobs() []job {
	var out []job
	for _, c := range o.Cells() {
		nyes := int(math.Round(float64(o.Count) * o.YesFraction))
		verdicts := make([]bool, o.Count)
		for i := range nyes {
			verdicts[i] = true
		}
		s := derive(o.Seed, "verdicts/"+c.Key())
		rand.New(rand.NewPCG(s, s)).Shuffle(len(verdicts), func(i, j int) { verdicts[i], verdicts[j] = verdicts[j], verdicts[i] })
		for i, y := range verdicts {
			id := fmt.Sprintf("%s-%03d", c.Key(), i)
			out = append(out, job{cell: c, index: i, yes: y, id: id, seed: derive(o.Seed, id)})
		}
	}
	return out
}

// derive returns a seed for name from the suite seed: the first 8 bytes
// of SHA-256("hardness-suite/seed/name").
func derive(seed uint64, name string) uint64 {
	h := sha256.Sum256([]byte(fmt.Sprintf("hardness-suite/%d/%s", seed, name)))
	return binary.LittleEndian.Uint64(h[:8])
}

// removeTemps deletes the temporary directories an interrupted run left.
func removeTemps(dir string) error {
	tmps, err := filepath.Glob(filepath.Join(dir, ".tmp-*"))
	if err != nil {
		return err
	}
	for _, t := range tmps {
		if err := os.RemoveAll(t); err != nil {
			return err
		}
	}
	return nil
}

// makeInstance makes one instance directory, or reuses the one an earlier
// run made. The directory is built under a temporary name and renamed into
// place, so it is either complete or absent.
func makeInstance(ctx context.Context, dir string, o *Options, j job) (*Entry, bool, error) {
	final := filepath.Join(dir, j.id)
	if k, err := ReadKey(final); err == nil {
		if err := sameRun(&k.Entry, o, j); err != nil {
			return nil, false, fmt.Errorf("%s exists from a different run (%v); use a new output directory", final, err)
		}
		if err := sameArrays(ctx, final, k); err != nil {
			return nil, false, fmt.Errorf("%s exists but %v; remove it to regenerate", final, err)
		}
		return &k.Entry, true, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, false, fmt.Errorf("%s exists but cannot be read (%v); remove it to regenerate", final, err)
	}
	files, key, err := buildInstance(ctx, o, j)
	if err != nil {
		return nil, false, err
	}
	tmp, err := os.MkdirTemp(dir, ".tmp-"+j.id+"-")
	if err != nil {
		return nil, false, err
	}
	defer os.RemoveAll(tmp)
	for _, f := range files {
		if err := writeSynced(filepath.Join(tmp, f.name), f.data); err != nil {
			return nil, false, err
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		return nil, false, err
	}
	return &key.Entry, false, nil
}

// sameArrays checks the arrays of an instance kept on resume against the
// SHA-256 its key records: a truncated or edited Q.npy was kept and listed
// in the manifest under the original hash. Cost: one read of each array.
func sameArrays(ctx context.Context, dir string, k *Key) error {
	for _, name := range []string{"Q.npy", "K.npy", "V.npy"} {
		h, err := HashFileContext(ctx, filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if h != k.SHA256[name] {
			return fmt.Errorf("its %s has SHA-256 %s, not the %s its instance.json records", name, h, k.SHA256[name])
		}
	}
	return nil
}

// sameRun reports how an existing instance differs from job j, or nil.
func sameRun(e *Entry, o *Options, j job) error {
	conv := Convention{LogitScale: o.LogitScale, DType: o.DType, Layout: o.Layout}
	switch {
	case e.Seed != j.seed || e.SuiteSeed != o.Seed:
		return fmt.Errorf("seed %d, want %d", e.SuiteSeed, o.Seed)
	case e.Cell != j.cell.Key():
		return fmt.Errorf("cell %s, want %s", e.Cell, j.cell.Key())
	case e.Convention != conv || e.Disguised != o.Disguise:
		return fmt.Errorf("convention %+v disguised %v, want %+v %v", e.Convention, e.Disguised, conv, o.Disguise)
	case e.Version != o.Version:
		return fmt.Errorf("tool version %s, want %s", e.Version, o.Version)
	}
	return nil
}

func writeSynced(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// file is one file of an instance directory.
type file struct {
	name string
	data []byte
}

// buildInstance makes the files of one instance: the arrays, the answer
// and instance.json.
func buildInstance(ctx context.Context, o *Options, j job) ([]file, *Key, error) {
	p, err := makeProblem(ctx, o, j.cell, j.seed, j.yes)
	if err != nil {
		return nil, nil, err
	}
	tcol, yesRows, wi, wj := p.exactT()
	if slices.Contains(yesRows, true) != j.yes {
		panic(fmt.Sprintf("suite: internal error: instance %s was drawn yes=%v but its exact T says otherwise", j.id, j.yes))
	}
	ds := derive(j.seed, "disguise")
	w := transform(p, o, rand.New(rand.NewPCG(ds, ds)))
	key, err := assembleKey(o, j, p, w, tcol, yesRows, wi, wj)
	if err != nil {
		return nil, nil, err
	}
	if o.Disguise {
		key.Disguise.Seed = ds
	}
	shape := func(rows, cols int) []int {
		if o.Layout == "bhnd" {
			return []int{1, 1, rows, cols}
		}
		return []int{rows, cols}
	}
	var files []file
	add := func(name string, a *Array) error {
		var b bytes.Buffer
		if err := EncodeNPY(&b, a); err != nil {
			return err
		}
		files = append(files, file{name, b.Bytes()})
		return nil
	}
	key.SHA256 = map[string]string{}
	for _, a := range []struct {
		name string
		arr  *Array
	}{
		{"Q.npy", &Array{shape(w.nq, w.d), o.DType, w.q}},
		{"K.npy", &Array{shape(w.nk, w.d), o.DType, w.k}},
		{"V.npy", &Array{shape(w.nk, w.dv), o.DType, w.v}},
	} {
		if err := add(a.name, a.arr); err != nil {
			return nil, nil, err
		}
		key.SHA256[a.name] = sha256Hex(files[len(files)-1].data)
	}
	tfile := make([]float64, w.nq)
	for r, i := range w.qperm {
		tfile[r] = tcol[i]
	}
	if err := add("answer_T.npy", &Array{[]int{w.nq, 1}, "float64", tfile}); err != nil {
		return nil, nil, err
	}
	if w.rot != nil {
		if err := add("answer_R.npy", &Array{[]int{w.d, w.d}, "float64", w.rot}); err != nil {
			return nil, nil, err
		}
	}
	if p.cnf != nil {
		var b bytes.Buffer
		if err := sat.WriteDIMACS(&b, p.cnf.Formula, fmt.Sprintf("random 3-CNF, seed %d, instance %s", p.source.Seed, j.id)); err != nil {
			return nil, nil, err
		}
		files = append(files, file{"formula.cnf", b.Bytes()})
	}
	for _, f := range files {
		key.Files = append(key.Files, f.name)
	}
	key.Files = append(key.Files, "instance.json")
	js, err := json.MarshalIndent(key, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	files = append(files, file{"instance.json", append(js, '\n')})
	return files, key, nil
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// assembleKey fills the answer key: entry, exact values, rounding.
func assembleKey(o *Options, j job, p *problem, w *written, tcol []float64, yes []bool, wi, wj int) (*Key, error) {
	m := p.x.M()
	yesLower, noUpper := p.bounds()
	tolMath := (yesLower - noUpper) / 2
	bound := w.roundingBound(m)
	tol := tolMath - bound
	if !(tol > tolMath/2) {
		return nil, fmt.Errorf("cell %s: not decisive: the YES rows have T ≥ %.4g and the NO rows T ≤ %.4g, leaving a tolerance of %.3g after rounding %.3g; raise c (the entry-bound ratio; c = auto is %.3g here) or the gap",
			j.cell.Key(), yesLower, noUpper, tol, bound, p.cAuto)
	}
	tau := (yesLower + noUpper) / 2
	sq := math.Sqrt(math.Log(float64(j.cell.N)))
	k := &Key{Entry: Entry{
		ID: j.id, Cell: j.cell.Key(), Route: j.cell.Route, N: max(w.nq, w.nk), NQueries: w.nq, NKeys: w.nk,
		D: w.d, DV: w.dv, Dim: p.x.Dim(), B: w.b, C: w.b / sq, CNominal: j.cell.C, BStored: w.bStored, SqrtLnN: sq,
		Gap: p.gap, Tau: tau, Tolerance: tol, RoundingBound: bound, Column: w.col, Expected: verdictName(j.cell.Route, j.yes),
		Seed: j.seed, SuiteSeed: o.Seed, Convention: Convention{o.LogitScale, o.DType, o.Layout},
		Disguised: o.Disguise, Version: o.Version, Command: o.Command,
	}}
	k.Rounding = Rounding{YesLower: yesLower, NoUpper: noUpper, TolMath: tolMath, LogitRadius: w.radius,
		LogitErr: w.logitErr, Bound: bound, U64: u64}
	if o.DType == "float32" {
		k.Rounding.U32 = u32
	}
	k.Source = p.source
	k.Source.BBefore = p.bBuilt
	inv := invert(w.qperm)
	k.YesRows = []int{}
	for r, i := range w.qperm {
		if yes[i] {
			k.YesRows = append(k.YesRows, r)
		}
	}
	if wi >= 0 {
		wit := &Witness{Row: inv[wi], Key: invert(w.kperm)[wj]}
		if p.ann {
			wit.Dot = p.x.Dist(wi, wj)
		}
		if p.cnf != nil {
			for _, l := range p.cnf.Assignment(wi, wj).Lits() {
				wit.Assignment = append(wit.Assignment, int(l))
			}
		}
		k.Witness = wit
	}
	k.Exact = exactValues(w, tcol, yes, tau, tol)
	if w.rot != nil {
		k.Disguise = &Disguise{QueryPerm: w.qperm, KeyPerm: w.kperm, Rotation: "answer_R.npy",
			RotationDefect: w.defect, NoiseColumns: w.noise}
	}
	return k, nil
}

// exactValues summarises the exact decisive column in file order.
func exactValues(w *written, tcol []float64, yes []bool, tau, tol float64) ExactValues {
	ev := ExactValues{ArgMaxRow: -1, Max: math.Inf(-1), MaxNoRow: -1, MaxNo: -1}
	bestYes := math.Inf(-1)
	for r, i := range w.qperm {
		t := tcol[i]
		if t > ev.Max {
			ev.ArgMaxRow, ev.Max = r, t
		}
		if yes[i] {
			bestYes = max(bestYes, t)
		} else if t > ev.MaxNo {
			ev.MaxNoRow, ev.MaxNo = r, t
		}
	}
	if !math.IsInf(bestYes, -1) {
		ev.WitnessT = bestYes
		ev.Margin = (bestYes - tau) / tol
	} else {
		ev.Margin = (tau - ev.Max) / tol
	}
	return ev
}

func invert(p []int) []int {
	inv := make([]int, len(p))
	for r, i := range p {
		inv[i] = r
	}
	return inv
}

func verdictName(route string, yes bool) string {
	switch {
	case route == RouteCNF && yes:
		return "SAT"
	case route == RouteCNF:
		return "UNSAT"
	case yes:
		return "YES"
	}
	return "NO"
}

// writeManifest writes one JSON line per entry, atomically.
func writeManifest(path string, entries []Entry) error {
	return fileio.WriteAtomic(path, func(w io.Writer) error {
		for i := range entries {
			b, err := json.Marshal(&entries[i])
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(w, "%s\n", b); err != nil {
				return err
			}
		}
		return nil
	})
}

// maxRecordBytes bounds instance.json and manifest.jsonl when read (an
// instance.json lists its YES rows, at most 2^24 of them).
const maxRecordBytes = 1 << 30

// ReadKey reads DIR/instance.json.
func ReadKey(dir string) (*Key, error) {
	b, err := fileio.ReadFileMax(filepath.Join(dir, "instance.json"), maxRecordBytes)
	if err != nil {
		return nil, err
	}
	var k Key
	if err := json.Unmarshal(b, &k); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "instance.json"), err)
	}
	if err := k.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "instance.json"), err)
	}
	return &k, nil
}

// ReadManifest reads DIR/manifest.jsonl; errors name the line.
func ReadManifest(dir string) ([]Entry, error) {
	path := filepath.Join(dir, "manifest.jsonl")
	b, err := fileio.ReadFileMax(path, maxRecordBytes)
	if err != nil {
		return nil, err
	}
	var out []Entry
	lines := map[string]int{}
	for i, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var e Entry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			return nil, fmt.Errorf("%s:%d: %w; want one JSON object per line", path, i+1, err)
		}
		if err := e.check(); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, i+1, err)
		}
		if first, ok := lines[e.ID]; ok {
			return nil, fmt.Errorf("%s:%d: id %q is also on line %d; want one line per instance", path, i+1, e.ID, first)
		}
		lines[e.ID] = i + 1
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no instances", path)
	}
	return out, nil
}
