package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hardnesslab/hardness/attention/expapprox"
	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/reduction"
	"github.com/hardnesslab/hardness/sat"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// This file is the one place where numeric flags are validated (range,
// finiteness, overflow) and output paths checked, for every command:
// guardFlags wraps each runnable command's argument validation, which
// cobra runs right after parsing the flags and before anything else, so a
// bad value is refused with exit status 2 and the flag's valid range
// before any work. flagcheck_test.go runs every command with bad values of
// every numeric flag and fails for a numeric flag without an entry here.

// flagRange is the valid range of a numeric flag.
type flagRange struct {
	min, max float64
	openMin  bool   // min itself is excluded
	openMax  bool   // max itself is excluded
	zero     string // if set, 0 is valid too and means this
	what     string // the symbol in messages, e.g. "ε"; default "the value"
}

// Ranges keyed by "--flag" (every command) or "command path --flag" (one
// command; the path without the leading "hardness"). A flag of type int,
// uint64, float64 or duration, or named max-memory, must have an entry.
var flagRanges = map[string]flagRange{
	"--seed":       {min: 0, max: math.MaxUint64},
	"--workers":    {min: 1, max: 1 << 16, zero: "all cores"},
	"--max-memory": {},                                      // a size: memlimit.Parse's range
	"--timeout":    {min: 1e-9, max: 1e7, zero: "no limit"}, // seconds: 1 ns to 115 days

	// The attention algorithm flags (algoFlags).
	"--eps":      {min: 0, max: 1, openMin: true, openMax: true, what: "the relative error ε"},
	"--degree":   {min: 1, max: expapprox.MaxDegree, zero: "the least degree meeting --eps"},
	"--max-rank": {min: 1, max: math.MaxInt32, zero: "no cap"},
	"--features": {min: 1, max: 1 << 24},

	// run, slurm run: the reduction's options.
	"--gap":   {min: 0, max: 1, openMin: true, zero: "the guaranteed 1/m", what: "the gap δ"},
	"--split": {min: 1, max: ovp.MaxSplitVars, zero: "⌊v/2⌋"},

	// Generators.
	"--ratio":           {min: 0, max: sat.MaxClauses, what: "the clause density m/v"},
	"--density":         {min: 0, max: 1, openMin: true, openMax: true, what: "the density ρ"},
	"gen cnf --vars":    {min: 1, max: sat.MaxVars},
	"gen cnf --clauses": {min: 0, max: sat.MaxClauses},
	"gen cnf --k":       {min: 1, max: 1000},
	"gen ov --n":        {min: 1, max: math.MaxInt32},
	"gen ov --nb":       {min: 1, max: math.MaxInt32, zero: "the same as --n"},
	"gen ov --dim":      {min: 1, max: math.MaxInt32},
	"gen ov --gap":      {min: 0, max: 1, openMin: true, what: "the gap δ"},
	"gen ov --t":        {min: 0, max: math.MaxInt32},
	"gen ov --eps":      {min: 0, max: 1e6, openMin: true, what: "the gap ε"},

	"gen suite --count":        {min: 1, max: 1 << 20},
	"gen suite --yes-fraction": {min: 0, max: 1, what: "the fraction"},
	"gen suite --dim":          {min: 1, max: math.MaxInt32, zero: "5·⌈log2 n⌉"},
	"gen suite --t-frac":       {min: 0, max: 1, what: "the fraction"},
	"gen suite --noise-cols":   {min: 0, max: 1 << 16},

	// Sharding and Slurm.
	"--shards":                  {min: 1, max: reduction.MaxShards, zero: "no sharding"},
	"--shard":                   {min: 0, max: reduction.MaxShards},
	"slurm run --shards":        {min: 1, max: reduction.MaxShards},
	"slurm experiment --shards": {min: 1, max: reduction.MaxShards},
	"--cpus-per-task":           {min: 1, max: 1 << 16},
	"--max-parallel":            {min: 1, max: 1 << 20, zero: "no limit"},

	"gen qkv --n":  {min: 1, max: math.MaxInt32},
	"gen qkv --nk": {min: 1, max: math.MaxInt32, zero: "the same as --n"},
	"gen qkv --d":  {min: 1, max: math.MaxInt32},
	"gen qkv --dv": {min: 1, max: math.MaxInt32, zero: "the same as --d"},
	"gen qkv --B":  {min: 0, max: 1e6, openMin: true, what: "the entry bound B"},

	"explain --step": {min: 1, max: 1000, zero: "every step"},
}

// modeRule says in which mode of its command a flag means something: ok
// reports whether it does under the other flags fs, and mode names that
// mode for the message. A flag given outside its mode would be ignored
// (run --algo exact --degree 3 ran exact attention, gen ov --cnf --yes
// wrote no YES instance), so it is refused instead.
type modeRule struct {
	ok   func(fs *pflag.FlagSet) bool
	mode string
}

// flagModes are the flags that apply in some modes of their command only,
// keyed like flagRanges ("command path --flag" before "--flag"); a rule
// whose flags a command lacks does not apply to it.
var flagModes = map[string]modeRule{
	"--eps":      valueIs("algo", "poly"),
	"--degree":   valueIs("algo", "poly"),
	"--max-rank": valueIs("algo", "poly"),
	"--features": valueIs("algo", "performer"),

	"run --gap":       notGiven("measure-gap"),
	"slurm run --gap": notGiven("measure-gap"),

	"gen ov --split":   valueIs("cnf", notEmpty),
	"gen ov --n":       notGiven("cnf"),
	"gen ov --nb":      notGiven("cnf"),
	"gen ov --dim":     notGiven("cnf"),
	"gen ov --density": notGiven("cnf"),
	"gen ov --yes":     notGiven("cnf"),
	"gen ov --no":      notGiven("cnf"),
	"gen ov --gap":     valueIs("planted", "true"),
	"gen ov --t":       valueIs("ann", "true"),
	"gen ov --eps":     valueIs("ann", "true"),

	"gen suite --gap":        listHas("routes", "ov"),
	"gen suite --eps":        listHas("routes", "ann"),
	"gen suite --t-frac":     listHas("routes", "ann"),
	"gen suite --ratio":      listHas("routes", "cnf"),
	"gen suite --density":    listHas("routes", "ov", "ann"),
	"gen suite --dim":        listHas("routes", "ov", "ann"),
	"gen suite --noise-cols": valueIs("disguise", "true"),
}

// notEmpty stands for any non-empty value in valueIs.
const notEmpty = "\x00non-empty"

// valueIs: the flag applies when --name has one of the values.
func valueIs(name string, values ...string) modeRule {
	mode := "--" + name + " " + strings.Join(values, " or --"+name+" ")
	switch {
	case values[0] == notEmpty:
		mode = "--" + name + " FILE"
	case values[0] == "true":
		mode = "--" + name
	}
	return modeRule{mode: mode, ok: func(fs *pflag.FlagSet) bool {
		f := fs.Lookup(name)
		return f == nil || slices.Contains(values, f.Value.String()) || values[0] == notEmpty && f.Value.String() != ""
	}}
}

// notGiven: the flag applies unless --name is given.
func notGiven(name string) modeRule {
	return modeRule{mode: "without --" + name, ok: func(fs *pflag.FlagSet) bool {
		f := fs.Lookup(name)
		return f == nil || !f.Changed
	}}
}

// listHas: the flag applies when the comma-separated --name lists one of
// the items.
func listHas(name string, items ...string) modeRule {
	return modeRule{mode: "--" + name + " listing " + strings.Join(items, " or "), ok: func(fs *pflag.FlagSet) bool {
		f := fs.Lookup(name)
		if f == nil {
			return true
		}
		for _, x := range strings.Split(f.Value.String(), ",") {
			if slices.Contains(items, strings.TrimSpace(x)) {
				return true
			}
		}
		return false
	}}
}

// checkMode refuses flag f given outside the mode it applies in.
func checkMode(c *cobra.Command, f *pflag.Flag) error {
	r, ok := flagModes[cmdKey(c)+" --"+f.Name]
	if !ok {
		r, ok = flagModes["--"+f.Name]
	}
	if !ok || r.ok(c.Flags()) {
		return nil
	}
	val := " " + f.Value.String()
	if f.Value.Type() == "bool" {
		val = ""
	}
	return fmt.Errorf("--%s%s applies only %s; here it would be ignored", f.Name, val, strings.TrimPrefix(withMode(r.mode), " "))
}

// withMode phrases a mode for "applies only …".
func withMode(mode string) string {
	if strings.HasPrefix(mode, "without ") {
		return mode
	}
	return "with " + mode
}

// pathKind says how a path flag is checked before the work.
type pathKind int

const (
	outFile pathKind = iota // a file to create: its directory must exist and be writable ("-" is stdout)
	outDir                  // a directory to create or fill: the nearest existing ancestor must be a writable directory
	inDir                   // an existing directory to read
	inFile                  // a file to read (its reader checks it): never the same file as an output
)

// pathFlags are the flags naming files the command writes or directories
// it reads, checked before any work so that a typo fails at once. A path
// flag given an empty value is refused, and an output file that is one of
// the command's input files (a flag of kind inFile, or an argument) is
// refused too: the atomic write would replace the input it reads.
var pathFlags = map[string]pathKind{
	"attention --out":             outFile,
	"attention --q":               inFile,
	"attention --k":               inFile,
	"attention --v":               inFile,
	"gen cnf --output":            outFile,
	"gen ov --output":             outFile,
	"gen ov --cnf":                inFile,
	"gen qkv --out":               outDir,
	"gen suite --out":             outDir,
	"ov --cnf":                    inFile,
	"run --save":                  outDir,
	"run --out":                   outDir,
	"merge --input":               inFile,
	"score --suite":               inDir,
	"score --instance":            inDir,
	"score --report":              outDir,
	"explain --output":            outFile,
	"explain --html":              outFile,
	"explain --figures":           outDir,
	"experiment --output":         outDir,
	"experiment --dir":            inDir,
	"slurm run --out":             outDir,
	"slurm experiment --output":   outDir,
	"slurm experiment --dir":      inDir,
	"slurm run --hardness":        inFile,
	"slurm experiment --hardness": inFile,
}

// numericTypes are the pflag types checked against flagRanges.
var numericTypes = map[string]bool{"int": true, "int32": true, "int64": true, "uint": true, "uint32": true,
	"uint64": true, "float32": true, "float64": true, "duration": true}

// guardFlags makes every runnable command of the tree check its flags
// first (see checkFlags).
func guardFlags(c *cobra.Command) {
	if c.Runnable() {
		args := c.Args
		c.Args = func(cmd *cobra.Command, a []string) error {
			if err := checkFlags(cmd, a); err != nil {
				return err
			}
			if args == nil {
				return nil
			}
			return args(cmd, a)
		}
	}
	for _, s := range c.Commands() {
		guardFlags(s)
	}
}

// cmdKey returns the command path without the root's name.
func cmdKey(c *cobra.Command) string {
	p := c.CommandPath()
	if i := strings.IndexByte(p, ' '); i >= 0 {
		return p[i+1:]
	}
	return ""
}

// rangeOf returns the registered range of flag name on command c.
func rangeOf(c *cobra.Command, name string) (flagRange, bool) {
	if r, ok := flagRanges[cmdKey(c)+" --"+name]; ok {
		return r, true
	}
	r, ok := flagRanges["--"+name]
	return r, ok
}

// isChecked reports whether f is a flag flagRanges must cover.
func isChecked(f *pflag.Flag) bool {
	return numericTypes[f.Value.Type()] || f.Name == "max-memory"
}

// checkFlags validates the flags given on the command line (defaults are
// the program's own) and the path flags, and that no output file is one
// of the inputs (args are the command's arguments, all inputs), returning
// an exit-2 error.
func checkFlags(c *cobra.Command, args []string) error {
	var errs []error
	c.Flags().Visit(func(f *pflag.Flag) {
		if err := checkFlag(c, f); err != nil {
			errs = append(errs, err)
		}
		if err := checkMode(c, f); err != nil {
			errs = append(errs, err)
		}
	})
	errs = append(errs, checkOutputsAreNotInputs(c, args)...)
	errs = append(errs, checkStdin(c, args)...)
	if len(errs) > 0 {
		return withCode(exitBadInput, errors.Join(errs...))
	}
	softMemoryLimit(c)
	return nil
}

// softMemoryLimit tells the Go runtime about --max-memory (with a quarter
// and 64 MiB to spare for what the estimates leave out), so that the
// garbage collector works harder before the heap overshoots it instead of
// letting it double; run restores the previous limit afterwards.
func softMemoryLimit(c *cobra.Command) {
	f := c.Flags().Lookup("max-memory")
	if f == nil {
		return
	}
	if limit, err := memlimit.Parse(f.Value.String()); err == nil {
		debug.SetMemoryLimit(memlimit.Add(limit, limit/4, 64<<20))
	}
}

// checkFlag validates one flag given on the command line.
func checkFlag(c *cobra.Command, f *pflag.Flag) error {
	if k, ok := pathFlags[cmdKey(c)+" --"+f.Name]; ok {
		return checkPath(f.Name, f.Value.String(), k)
	}
	if !isChecked(f) {
		return nil
	}
	if f.Name == "max-memory" {
		_, err := memlimit.Parse(f.Value.String())
		if err != nil {
			return fmt.Errorf("--max-memory %s: want %s", f.Value.String(), memlimit.Range)
		}
		return nil
	}
	r, ok := rangeOf(c, f.Name)
	if !ok {
		return fmt.Errorf("--%s: no valid range is declared for this flag (a bug: add it to flagRanges in cmd/hardness/flagcheck.go)", f.Name)
	}
	x, exact, err := flagNumber(f)
	if err != nil {
		return fmt.Errorf("--%s %s: %v", f.Name, f.Value.String(), err)
	}
	if !r.valid(x, exact) {
		return fmt.Errorf("--%s %s: want %s", f.Name, f.Value.String(), r.describe(f.Value.Type()))
	}
	return nil
}

// flagNumber returns the flag's value as a float64 (durations in
// seconds); exact is false when the conversion rounded (a uint64 above
// 2^53, say), which matters only at the range's ends.
func flagNumber(f *pflag.Flag) (float64, bool, error) {
	s := f.Value.String()
	switch f.Value.Type() {
	case "duration":
		d, err := time.ParseDuration(s)
		return d.Seconds(), true, err
	case "uint", "uint32", "uint64":
		u, err := strconv.ParseUint(s, 10, 64)
		return float64(u), uint64(float64(u)) == u, err
	case "float32", "float64":
		x, err := strconv.ParseFloat(s, 64)
		return x, true, err
	}
	i, err := strconv.ParseInt(s, 10, 64)
	return float64(i), int64(float64(i)) == i, err
}

// valid reports whether x is in r (NaN never is).
func (r flagRange) valid(x float64, exact bool) bool {
	if x == 0 && r.zero != "" {
		return true
	}
	if math.IsNaN(x) {
		return false
	}
	lo := x > r.min || !r.openMin && x == r.min
	hi := x < r.max || !r.openMax && x == r.max || !exact && x == r.max
	return lo && hi
}

// describe states the range for a message in interval notation, e.g. "an
// integer in [1, 65536], or 0 for all cores".
func (r flagRange) describe(typ string) string {
	num := func(x float64) string {
		switch {
		case typ == "duration":
			return time.Duration(x * 1e9).String()
		case x == math.Trunc(x) && math.Abs(x) < 1e20:
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	noun := "an integer"
	switch typ {
	case "float32", "float64":
		noun = "a finite number"
	case "duration":
		noun = "a duration"
	}
	if r.what != "" {
		noun = r.what + ", " + noun
	}
	lo, hi := "[", "]"
	if r.openMin {
		lo = "("
	}
	if r.openMax {
		hi = ")"
	}
	s := fmt.Sprintf("%s in %s%s, %s%s", noun, lo, num(r.min), num(r.max), hi)
	if r.zero != "" {
		s += fmt.Sprintf(", or 0 for %s", r.zero)
	}
	return s
}

// checkOutputsAreNotInputs returns an error for every output file flag
// that names the same file as an input file flag or an argument (also
// through a link): writing it would destroy the input before, or while,
// it is read (attention --q Q.npy -o Q.npy replaced Q by T).
func checkOutputsAreNotInputs(c *cobra.Command, args []string) []error {
	type named struct{ what, path string }
	var ins, outs []named
	for _, a := range args {
		ins = append(ins, named{"the input argument", a})
	}
	c.Flags().Visit(func(f *pflag.Flag) {
		switch k, ok := pathFlags[cmdKey(c)+" --"+f.Name]; {
		case !ok:
		case k == inFile:
			ins = append(ins, named{"the input --" + f.Name, f.Value.String()})
		case k == outFile:
			outs = append(outs, named{"--" + f.Name, f.Value.String()})
		}
	})
	var errs []error
	for i, o := range outs {
		for _, p := range outs[:i] {
			if o.path != "-" && o.path != "" && sameFile(o.path, p.path) {
				errs = append(errs, fmt.Errorf("%s %s: the same file as %s %s; want one file per output", o.what, o.path, p.what, p.path))
			}
		}
		for _, in := range ins {
			if o.path != "" && o.path != "-" && in.path != "-" && sameFile(o.path, in.path) {
				errs = append(errs, fmt.Errorf("%s %s: the same file as %s %s; writing it would replace that input, so name another output file",
					o.what, o.path, in.what, in.path))
			}
		}
	}
	return errs
}

// fileArgs are the commands whose arguments are files or directories;
// stdinArgs those that read "-" as standard input (the others failed
// with "open -: no such file or directory").
var (
	fileArgs = map[string]bool{"run": true, "ov": true, "explain": true, "solve": true, "merge": true, "score": true,
		"slurm run": true, "slurm status": true, "slurm resume": true, "experiment merge": true}
	stdinArgs  = map[string]bool{"solve": true}
	stdinFlags = map[string]bool{"gen ov --cnf": true}
)

// checkStdin refuses "-" where a command does not read standard input.
func checkStdin(c *cobra.Command, args []string) []error {
	var errs []error
	if fileArgs[cmdKey(c)] && !stdinArgs[cmdKey(c)] && slices.Contains(args, "-") {
		errs = append(errs, fmt.Errorf("argument -: hardness %s does not read standard input; give a file name", cmdKey(c)))
	}
	c.Flags().Visit(func(f *pflag.Flag) {
		key := cmdKey(c) + " --" + f.Name
		if k, ok := pathFlags[key]; ok && k == inFile && f.Value.String() == "-" && !stdinFlags[key] {
			errs = append(errs, fmt.Errorf("--%s -: hardness %s does not read standard input here; give a file name", f.Name, cmdKey(c)))
		}
	})
	return errs
}

// sameFile reports whether paths a and b name one regular file: the same
// inode when both exist (links included), else the same absolute path. A
// terminal or pipe (/dev/stdin and /dev/stdout on one tty) is not: it is
// written in place, and reading and writing it is what the user meant.
func sameFile(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(sa, sb) && sa.Mode().IsRegular()
	}
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}

// checkPath checks a path flag before the work.
func checkPath(name, p string, k pathKind) error {
	if p == "" {
		return fmt.Errorf("--%s: empty path; want a %s", name, map[pathKind]string{outFile: "file name", outDir: "directory",
			inDir: "directory", inFile: "file name"}[k])
	}
	if p == "-" && (k == outFile || k == inFile) || k == inFile {
		return nil // inputs are checked by their readers, which name the file
	}
	switch k {
	case inDir:
		st, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("--%s %s: %v; want an existing directory", name, p, pathErr(err))
		}
		if !st.IsDir() {
			return fmt.Errorf("--%s %s: not a directory; want an existing directory", name, p)
		}
		return nil
	case outFile:
		dir := filepath.Dir(p)
		if st, err := os.Stat(p); err == nil {
			switch {
			case st.IsDir():
				return fmt.Errorf("--%s %s: is a directory; want a file name", name, p)
			case !st.Mode().IsRegular():
				return nil // a device or FIFO (/dev/null, /dev/stdout): written in place
			}
			if real, err := filepath.EvalSymlinks(p); err == nil {
				dir = filepath.Dir(real) // a link: the file it names is replaced
			}
		}
		st, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("--%s %s: directory %s: %v; want an existing, writable directory", name, p, dir, pathErr(err))
		}
		if !st.IsDir() {
			return fmt.Errorf("--%s %s: %s is not a directory", name, p, dir)
		}
		return writable(name, p, dir)
	}
	// outDir: p itself if it exists, else its nearest existing ancestor.
	dir := p
	for {
		st, err := os.Stat(dir)
		if err == nil {
			if !st.IsDir() {
				return fmt.Errorf("--%s %s: %s is not a directory", name, p, dir)
			}
			return writable(name, p, dir)
		}
		if !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("--%s %s: %v", name, p, pathErr(err))
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return fmt.Errorf("--%s %s: no existing directory on the path", name, p)
		}
		dir = parent
	}
}

// writable creates and removes a temporary file in dir.
func writable(name, p, dir string) error {
	f, err := os.CreateTemp(dir, ".hardness-write-check-*")
	if err != nil {
		return fmt.Errorf("--%s %s: cannot write in %s: %v", name, p, dir, pathErr(err))
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// pathErr returns the cause of a *PathError (the path is already named).
func pathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
