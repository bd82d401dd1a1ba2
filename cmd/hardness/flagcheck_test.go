package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// walkCommands calls f for every runnable command of the tree.
func walkCommands(c *cobra.Command, f func(*cobra.Command)) {
	if c.Runnable() {
		f(c)
	}
	for _, s := range c.Commands() {
		walkCommands(s, f)
	}
}

// badNumbers are the values every numeric flag is tried with: zero,
// negative, NaN, infinite, huge, 2^63 (beyond int64).
var badNumbers = []string{"0", "-1", "NaN", "Inf", "1e30", "9223372036854775808"}

// TestEveryNumericFlagHasARange fails for a numeric flag (of any command,
// including ones added later) without a declared valid range.
func TestEveryNumericFlagHasARange(t *testing.T) {
	walkCommands(newRootCmd(), func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if !isChecked(f) || f.Name == "max-memory" {
				return
			}
			if _, ok := rangeOf(c, f.Name); !ok {
				t.Errorf("%s --%s (%s): no valid range; add \"%s --%s\" (or \"--%s\") to flagRanges in flagcheck.go",
					c.CommandPath(), f.Name, f.Value.Type(), cmdKey(c), f.Name, f.Name)
			}
		})
	})
	for key := range flagRanges {
		if !flagExists(key) {
			t.Errorf("flagRanges has %q, which no command has", key)
		}
	}
	for key := range flagModes {
		if !flagExists(key) {
			t.Errorf("flagModes has %q, which no command has", key)
		}
	}
	for key := range pathFlags {
		if !flagExists(key) {
			t.Errorf("pathFlags has %q, which no command has", key)
		}
	}
}

// flagExists reports whether key ("--flag" or "path --flag") names a flag
// of some command.
func flagExists(key string) bool {
	found := false
	walkCommands(newRootCmd(), func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if key == "--"+f.Name || key == cmdKey(c)+" --"+f.Name {
				found = true
			}
		})
	})
	return found
}

// TestBadNumericFlags runs every command with every bad value of every
// numeric flag and requires exit status 2 and the flag's name in the
// message, before any work (issue 14). Values inside the declared range
// (--seed 0, --workers 0 for all cores) are skipped.
func TestBadNumericFlags(t *testing.T) {
	walkCommands(newRootCmd(), func(c *cobra.Command) {
		path := strings.Fields(cmdKey(c))
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if !isChecked(f) {
				return
			}
			for _, v := range badNumbers {
				if f.Value.Type() == "duration" && v != "NaN" && v != "Inf" {
					v += "s"
				}
				if wouldAccept(c, f, v) {
					continue
				}
				args := append(append([]string{}, path...), "--"+f.Name+"="+v)
				code, _, stderr := runCLI(t, nil, args...)
				if code != exitBadInput || !strings.Contains(stderr, "--"+f.Name) {
					t.Errorf("hardness %s = exit %d, %q; want exit 2 naming --%s", strings.Join(args, " "), code, stderr, f.Name)
				}
			}
		})
	})
}

// wouldAccept reports whether v parses as f's type and lies in its range.
func wouldAccept(c *cobra.Command, f *pflag.Flag, v string) bool {
	fs := pflag.NewFlagSet("probe", pflag.ContinueOnError)
	fs.AddFlag(&pflag.Flag{Name: f.Name, Value: cloneValue(f), DefValue: f.DefValue})
	if err := fs.Set(f.Name, v); err != nil {
		return false
	}
	return checkFlag(c, fs.Lookup(f.Name)) == nil
}

// cloneValue returns a fresh value of f's type, so probing does not
// change the command's flag.
func cloneValue(f *pflag.Flag) pflag.Value {
	fs := pflag.NewFlagSet("clone", pflag.ContinueOnError)
	switch f.Value.Type() {
	case "int":
		fs.Int("x", 0, "")
	case "uint64":
		fs.Uint64("x", 0, "")
	case "float64":
		fs.Float64("x", 0, "")
	case "duration":
		fs.Duration("x", 0, "")
	default:
		fs.String("x", "", "")
	}
	return fs.Lookup("x").Value
}

// TestFlagMessages checks the messages of a few flags of the audit.
func TestFlagMessages(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"solve", "--max-memory=0"}, "--max-memory 0: want a size from 1 B to 4 EiB"},
		{[]string{"run", "--max-memory=1e30"}, "--max-memory 1e30: want a size from 1 B to 4 EiB"},
		{[]string{"run", "--timeout=-1s"}, "--timeout -1s: want a duration in [1ns, "},
		{[]string{"gen", "ov", "--ann", "--n=4", "--dim=8", "--t=1", "--eps=Inf"}, "--eps +Inf: want the gap ε, a finite number in (0, 1000000]"},
		{[]string{"gen", "cnf", "--vars=10", "--ratio=NaN"}, "--ratio NaN: want the clause density m/v, a finite number in [0, 2147483647]"},
		{[]string{"gen", "cnf", "--vars=10", "--clauses=200000000000000000"}, "--clauses 200000000000000000: want an integer in [0, 2147483647]"},
		{[]string{"gen", "cnf", "--vars=10", "--ratio=2e16"}, "--ratio 2e+16: want the clause density m/v"},
		{[]string{"gen", "ov", "--planted", "--n=4", "--dim=8", "--gap=0.1", "--density=0"}, "--density 0: want the density ρ, a finite number in (0, 1)"},
		{[]string{"gen", "ov", "--planted", "--n=1", "--dim=9223372036854775807", "--gap=0.1"}, "--dim 9223372036854775807: want an integer in [1, 2147483647]"},
		{[]string{"run", "--workers=-1"}, "--workers -1: want an integer in [1, 65536], or 0 for all cores"},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, nil, tt.args...)
		if code != exitBadInput || !strings.Contains(stderr, tt.want) {
			t.Errorf("hardness %s = exit %d, %q; want exit 2 and %q", strings.Join(tt.args, " "), code, stderr, tt.want)
		}
	}
}

// TestOutputPathsCheckedFirst: an output that cannot be written is
// refused with exit 2 before the work (attention -o missing/dir/T.npy
// computed for 15.6 s and then failed).
func TestOutputPathsCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	q := filepath.Join(dir, "missing.npy") // never read: the output is checked first
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"attention", "--q", q, "--k", q, "--v", q, "-o", filepath.Join(dir, "missing", "dir", "T.npy")}, "--out " + filepath.Join(dir, "missing", "dir", "T.npy") + ": directory"},
		{[]string{"attention", "--q", q, "--k", q, "--v", q, "-o", dir}, "is a directory; want a file name"},
		{[]string{"run", "--save", filepath.Join(file, "s")}, "not a directory"},
		{[]string{"gen", "cnf", "--vars=3", "--clauses=1", "-o", filepath.Join(file, "x.cnf")}, "not a directory"},
		{[]string{"gen", "qkv", "--n=2", "--d=2", "--B=1", "-o", filepath.Join(file, "qkv")}, "not a directory"},
		{[]string{"experiment", "pipeline", "--dir", filepath.Join(dir, "nonexist"), "-o", filepath.Join(dir, "out")}, "--dir " + filepath.Join(dir, "nonexist") + ": no such file or directory; want an existing directory"},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, nil, tt.args...)
		if code != exitBadInput || !strings.Contains(stderr, tt.want) {
			t.Errorf("hardness %s = exit %d, %q; want exit 2 and %q", strings.Join(tt.args, " "), code, stderr, tt.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Errorf("experiment with a bad --dir created its output directory")
	}
	// A read-only directory (not for root, who writes anywhere).
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o500)
	if f, err := os.CreateTemp(ro, "probe"); err == nil {
		f.Close()
		os.Remove(f.Name())
		t.Log("running as root: the read-only case is not testable here")
		return
	}
	code, _, stderr := runCLI(t, nil, "run", "--save", filepath.Join(ro, "s"))
	if code != exitBadInput || !strings.Contains(stderr, "cannot write in "+ro) {
		t.Errorf("run --save read-only = exit %d, %q; want exit 2 and cannot write", code, stderr)
	}
}

// FuzzDurationFlag: the duration flags (--timeout) never panic on any
// text, and what checkFlag accepts is 0 or within the declared range.
func FuzzDurationFlag(f *testing.F) {
	for _, s := range []string{"0", "0s", "-1s", "5s", "1h30m", "NaN", "Inf", "1e30s", "9223372036854775808ns", "1.5µs", "2562047h47m16.854775807s", "+3m"} {
		f.Add(s)
	}
	root := newRootCmd()
	cmds := []*cobra.Command{}
	walkCommands(root, func(c *cobra.Command) {
		if fl := c.Flags().Lookup("timeout"); fl != nil && fl.Value.Type() == "duration" {
			cmds = append(cmds, c)
		}
	})
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range cmds {
			fl := c.Flags().Lookup("timeout")
			fs := pflag.NewFlagSet("probe", pflag.ContinueOnError)
			fs.AddFlag(&pflag.Flag{Name: fl.Name, Value: cloneValue(fl)})
			if err := fs.Set(fl.Name, s); err != nil {
				continue // pflag refuses it: exit 2 naming the flag
			}
			p := fs.Lookup(fl.Name)
			if err := checkFlag(c, p); err != nil {
				if !strings.Contains(err.Error(), "--timeout") {
					t.Fatalf("%s --timeout %q: error %q does not name the flag", c.CommandPath(), s, err)
				}
				continue
			}
			d, err := fs.GetDuration(fl.Name)
			if err != nil || d < 0 {
				t.Fatalf("%s --timeout %q accepted as %v (%v)", c.CommandPath(), s, d, err)
			}
		}
	})
}

// TestSameFile: one regular file by any name is the same file; a device
// given as input and output (/dev/stdin and /dev/stdout on one terminal)
// is not refused, since it is written in place.
func TestSameFile(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "f")
	os.WriteFile(f, nil, 0o644)
	os.Symlink("f", filepath.Join(dir, "l"))
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{f, f, true},
		{f, filepath.Join(dir, "l"), true},
		{f, filepath.Join(dir, ".", "f"), true},
		{filepath.Join(dir, "new"), filepath.Join(dir, "x", "..", "new"), true},
		{f, filepath.Join(dir, "g"), false},
		{os.DevNull, os.DevNull, false},
	} {
		if got := sameFile(tt.a, tt.b); got != tt.want {
			t.Errorf("sameFile(%s, %s) = %v; want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
