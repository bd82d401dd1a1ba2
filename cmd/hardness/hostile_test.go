package main

import (
	"archive/zip"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestAuditReproductions runs the reproductions of issue 14 through the
// command line: each must exit 2 with a message naming the input and the
// problem, and none may panic.
func TestAuditReproductions(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	gz := filepath.Join(dir, "bomb.cnf.gz")
	{
		f, _ := os.Create(gz)
		w := gzip.NewWriter(f)
		w.Write([]byte("p cnf 3 1\n"))
		for range 1 << 12 {
			w.Write([]byte(strings.Repeat("1 -2 3 ", 1<<10)))
		}
		w.Close()
		f.Close()
	}
	npz := filepath.Join(dir, "bad.npz")
	{
		f, _ := os.Create(npz)
		z := zip.NewWriter(f)
		for name, dict := range map[string]string{"A.npy": "", "B.npy": "{'descr': '|u7', 'fortran_order': False, 'shape': ('a', 32), }\n",
			"dims.npy": "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }\n"} {
			w, _ := z.Create(name)
			b := append([]byte("\x93NUMPY\x01\x00"), 0, 0)
			binary.LittleEndian.PutUint16(b[8:], uint16(len(dict)))
			w.Write(append(b, dict...))
		}
		z.Close()
		f.Close()
	}
	qnpy := file("Q.npy", "not read: the flags are checked first")
	cnf := file("in.cnf", "p cnf 1 1\n1 0\n")
	cnf4 := file("in4.cnf", "p cnf 4 1\n1 0\n") // 4 rows of T: up to 4 shards
	link := filepath.Join(dir, "link.npy")
	if err := os.Symlink("Q.npy", link); err != nil {
		t.Fatal(err)
	}
	// A record file of 16 GiB (sparse): read whole, it was an allocation of
	// its size; now refused by its length.
	hugeShards := filepath.Join(dir, "huge-shards")
	os.Mkdir(hugeShards, 0o755)
	for _, name := range []string{filepath.Join(hugeShards, "shard-0-of-1.json"), filepath.Join(hugeShards, "slurm.json")} {
		if err := os.WriteFile(name, nil, 0o644); err != nil || os.Truncate(name, 16<<30) != nil {
			t.Fatal("cannot make a sparse file", err)
		}
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"merge", hugeShards}, "shard-0-of-1.json: longer than 64 MiB"},
		{[]string{"slurm", "status", hugeShards}, "slurm.json: longer than 64 MiB"},
		// An output that is an input: the atomic write replaced the input.
		{[]string{"attention", "--q", qnpy, "--k", qnpy, "--v", qnpy, "-o", qnpy}, "--out " + qnpy + ": the same file as the input --q " + qnpy},
		{[]string{"attention", "--q", qnpy, "--k", qnpy, "--v", qnpy, "-o", link}, "--out " + link + ": the same file as the input --q"},
		{[]string{"gen", "ov", "--cnf", cnf, "-o", filepath.Join(dir, ".", "in.cnf")}, "the same file as the input --cnf " + cnf},
		{[]string{"explain", cnf, "--html", cnf}, "--html " + cnf + ": the same file as the input argument " + cnf},
		{[]string{"explain", "-o", filepath.Join(dir, "x"), "--html", filepath.Join(dir, "x")}, "--output " + filepath.Join(dir, "x") + ": the same file as --html " + filepath.Join(dir, "x") + "; want one file per output"},
		// A flag outside the mode it applies in was ignored silently.
		{[]string{"run", "--degree", "3"}, "--degree 3 applies only with --algo poly; here it would be ignored"},
		{[]string{"attention", "--algo", "poly", "--features", "9", "--q", qnpy, "--k", qnpy, "--v", qnpy, "-o", filepath.Join(dir, "T.npy")}, "--features 9 applies only with --algo performer"},
		{[]string{"run", "--ov", "--measure-gap", "--gap", "0.1", cnf}, "--gap 0.1 applies only without --measure-gap"},
		{[]string{"gen", "ov", "--cnf", cnf, "--yes"}, "--yes applies only without --cnf"},
		{[]string{"gen", "ov", "--planted", "--n", "4", "--dim", "6", "--gap", "0.2", "--t", "3"}, "--t 3 applies only with --ann"},
		{[]string{"gen", "suite", "--routes", "ov", "--ratio", "3", "-o", filepath.Join(dir, "s")}, "--ratio 3 applies only with --routes listing cnf"},
		{[]string{"gen", "suite", "--noise-cols", "2", "-o", filepath.Join(dir, "s")}, "--noise-cols 2 applies only with --disguise"},
		// slurm run of /dev/stdin or a directory: the tasks would read something else.
		{[]string{"slurm", "run", dir, "--shards", "2", "--dry-run", "--out", filepath.Join(dir, "slx")}, "input " + dir + ": not a regular file"},
		// run flags and input passed to the tasks unchecked failed in every task.
		{[]string{"slurm", "run", cnf4, "--shards", "2", "--dry-run", "--out", filepath.Join(dir, "sl-algo"), "--algo", "x"}, `unknown algorithm "x"`},
		{[]string{"slurm", "run", cnf, "--shards", "2", "--dry-run", "--out", filepath.Join(dir, "sl-rows")}, "--shards 2 for " + cnf + ": 2 shards of 1 rows: at most one shard per row"},
		{[]string{"slurm", "run", file("bad.cnf", "garbage\n"), "--shards", "2", "--dry-run", "--out", filepath.Join(dir, "sl-bad")}, `bad.cnf:1:1: expected header "p cnf VARS CLAUSES"`},
		// sbatch options passed through unchecked failed only at submission.
		{[]string{"slurm", "run", cnf4, "--shards", "2", "--dry-run", "--out", filepath.Join(dir, "sl-time"), "--time", "abc"}, `--time "abc": want a Slurm time limit`},
		{[]string{"slurm", "experiment", "scaling", "--shards", "2", "--dry-run", "-o", filepath.Join(dir, "sl-mem"), "--mem", "1.5G"}, `--mem "1.5G": want a Slurm memory size`},
		// A refusal before the first stage did not name the input.
		{[]string{"run", "--ov", file("empty-sides.ov", "ov 0 0 6\n")}, "empty-sides.ov: reduction: sizes N = 0, M = 0, dimension 6; want all ≥ 1"},
		// "-" where standard input is not read: "open -: no such file or directory".
		{[]string{"run", "-"}, "argument -: hardness run does not read standard input; give a file name"},
		{[]string{"ov", "-"}, "argument -: hardness ov does not read standard input"},
		{[]string{"attention", "--q", "-", "--k", qnpy, "--v", qnpy, "-o", filepath.Join(dir, "T.npy")}, "--q -: hardness attention does not read standard input here"},
		// Empty paths: "writing : rename ./..tmp-…" after the work.
		{[]string{"attention", "--q", qnpy, "--k", qnpy, "--v", qnpy, "-o", ""}, "--out: empty path; want a file name"},
		{[]string{"attention", "--q", "", "--k", qnpy, "--v", qnpy, "-o", filepath.Join(dir, "T.npy")}, "--q: empty path; want a file name"},
		{[]string{"score", "--suite", "", "--outputs", dir}, "--suite: empty path; want a directory"},
		{[]string{"ov", file("ff.ov", "\f")}, "ff.ov: empty file"},
		{[]string{"ov", file("vt.ov", "\v")}, "vt.ov: empty file"},
		{[]string{"ov", file("nel.ov", "\u0085")}, "nel.ov: empty file"},
		{[]string{"ov", file("blank.ov", " \t\n")}, "blank.ov: empty file"},
		{[]string{"run", "--ov", filepath.Join(dir, "ff.ov")}, "ff.ov: empty file"},
		{[]string{"ov", file("big.ov", "ov 1 1 9223372036854775807\n")}, "big.ov:1: instance of 1 + 1 vectors of dimension 9223372036854775807 needs about"},
		{[]string{"gen", "ov", "--planted", "--n", "1", "--dim", "9223372036854775807", "--gap", "0.1"}, "--dim 9223372036854775807: want an integer in [1, 2147483647]"},
		{[]string{"gen", "ov", "--ann", "--n", "64", "--dim", "9223372036854775807", "--t", "1", "--eps", "1"}, "--dim 9223372036854775807"},
		{[]string{"gen", "ov", "--ann", "--n", "64", "--dim", "2147483647", "--t", "1", "--eps", "1"}, "needs about"},
		{[]string{"ov", npz}, "bad.npz: array "},
		{[]string{"gen", "cnf", "--vars", "10", "--clauses", "200000000000000000"}, "--clauses 200000000000000000: want an integer in [0, 2147483647]"},
		{[]string{"gen", "cnf", "--vars", "10", "--ratio", "2e16"}, "--ratio 2e+16: want the clause density m/v"},
		{[]string{"gen", "cnf", "--vars", "1000000000", "--ratio", "2"}, "above the memory limit"},
		{[]string{"solve", gz}, "bomb.cnf.gz:2:15: the clause that starts at line 2 column 1 has more than 2·3 = 6 literals"},
		{[]string{"solve", "--max-memory", "512MiB", gz}, "has more than 2·3 = 6 literals"},
		{[]string{"solve", "/dev/zero"}, `/dev/zero:1:1: expected header "p cnf VARS CLAUSES", found "\x00`},
		{[]string{"ov", "/dev/zero"}, "/dev/zero:1: line longer than 4096 bytes"},
		{[]string{"solve", file("bom.cnf", "\xef\xbb\xbfp cnf 1 1\n1 0\n")}, "bom.cnf:1:1: the file starts with a UTF-8 byte-order mark"},
		{[]string{"solve", file("upper.cnf", "P CNF 1 1\n1 0\n")}, `upper.cnf:1:1: found "P"; the header is lower case`},
		{[]string{"ov", file("eps.ov", "ann 1 1 10 5 1e300\n0000000000\n0000000000\n")}, "eps.ov:1: far distance"},
		{[]string{"gen", "ov", "--planted", "--n", "4", "--dim", "8", "--gap", "0.1", "--density", "0"}, "--density 0: want the density ρ"},
		{[]string{"gen", "ov", "--ann", "--n", "4", "--dim", "8", "--t", "1", "--eps", "Inf"}, "--eps +Inf: want the gap ε"},
		{[]string{"experiment", "pipeline", "--dir", filepath.Join(dir, "nonexist"), "-o", filepath.Join(dir, "out")}, "--dir " + filepath.Join(dir, "nonexist") + ": no such file or directory"},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, nil, tt.args...)
		if code != exitBadInput || !strings.Contains(stderr, tt.want) || strings.Contains(stderr, "panic") {
			t.Errorf("hardness %s = exit %d, %q; want exit 2 and %q", strings.Join(tt.args, " "), code, stderr, tt.want)
		}
	}
	if b, _ := os.ReadFile(qnpy); string(b) != "not read: the flags are checked first" {
		t.Errorf("an input given as the output was overwritten: %q", b)
	}
}

// fullWriter fails every write, like standard output on a full disk.
type fullWriter struct{}

func (fullWriter) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// TestUnwritableStdout: a command whose standard output cannot be written
// fails (ov > /dev/full exited 0 with its answer lost).
func TestUnwritableStdout(t *testing.T) {
	p := filepath.Join(t.TempDir(), "p.ov")
	os.WriteFile(p, []byte("ov 1 1 3\n101\n010\n"), 0o644)
	for _, args := range [][]string{{"ov", p}, {"gen", "cnf", "--vars", "3", "--ratio", "1"}} {
		var errb strings.Builder
		code := run(args, strings.NewReader(""), fullWriter{}, &errb)
		if code != exitBadInput || !strings.Contains(errb.String(), "no space left on device") {
			t.Errorf("hardness %s > /dev/full = exit %d, %q; want exit 2 and the write error", strings.Join(args, " "), code, errb.String())
		}
	}
}

// TestMultiFileOutputsNeverStale: a set of outputs whose index file
// (meta.json, report.json) is written last loses the earlier index
// first, and a member this run does not write is not left from an
// earlier run: a gen qkv cut short kept the earlier meta.json beside new
// arrays, and run --save with a timeout kept the earlier T.npy.
func TestMultiFileOutputsNeverStale(t *testing.T) {
	dir := t.TempDir()
	q := filepath.Join(dir, "q")
	if code, _, errOut := runCLI(t, nil, "gen", "qkv", "--n", "4", "--d", "2", "--B", "1", "-o", q); code != 0 {
		t.Fatal(errOut)
	}
	os.Remove(filepath.Join(q, "K.npy"))
	os.Mkdir(filepath.Join(q, "K.npy"), 0o755) // the second run fails writing K
	if code, _, _ := runCLI(t, nil, "gen", "qkv", "--n", "4", "--d", "2", "--B", "1", "--seed", "2", "-o", q); code != exitBadInput {
		t.Errorf("gen qkv over a directory K.npy = exit %d; want 2", code)
	}
	if _, err := os.Stat(filepath.Join(q, "meta.json")); err == nil {
		t.Errorf("a gen qkv cut short left the earlier meta.json beside its new Q.npy")
	}
	s := filepath.Join(dir, "save")
	if code, _, errOut := runCLI(t, nil, "run", "--save", s); code != 0 {
		t.Fatal(errOut)
	}
	runCLI(t, nil, "run", "--save", s, "--timeout", "1ns")
	if _, err := os.Stat(filepath.Join(s, "T.npy")); err == nil {
		t.Errorf("run --save that stopped before T left the earlier run's T.npy")
	}
}
