package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/attention"
	"gonum.org/v1/gonum/mat"
)

// genQKV runs hardness gen qkv into a temporary directory.
func genQKV(t *testing.T, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	code, out, errOut := runCLI(t, nil, append([]string{"gen", "qkv", "-o", dir}, args...)...)
	if code != 0 {
		t.Fatalf("gen qkv %v = %d, %q; want 0", args, code, errOut)
	}
	if !strings.Contains(out, "seed") {
		t.Errorf("gen qkv output %q; want the seed", out)
	}
	return dir
}

func TestGenQKV(t *testing.T) {
	for _, dist := range []string{"uniform", "gaussian"} {
		t.Run(dist, func(t *testing.T) {
			dir := genQKV(t, "--n", "30", "--d", "5", "--B", "2.5", "--dv", "3", "--nk", "41", "--dist", dist, "--seed", "7")
			want := map[string][2]int{"Q.npy": {30, 5}, "K.npy": {41, 5}, "V.npy": {41, 3}}
			for name, shape := range want {
				m, err := attention.ReadNPY(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if r, c := m.Dims(); r != shape[0] || c != shape[1] {
					t.Errorf("%s is %d×%d; want %d×%d", name, r, c, shape[0], shape[1])
				}
				if b := maxEntry(m); b > 2.5 || b < 1 {
					t.Errorf("%s: max|entry| = %v; want in [1, 2.5]", name, b)
				}
			}
			// The same seed gives the same matrices.
			again := genQKV(t, "--n", "30", "--d", "5", "--B", "2.5", "--dv", "3", "--nk", "41", "--dist", dist, "--seed", "7")
			a, _ := os.ReadFile(filepath.Join(dir, "K.npy"))
			b, _ := os.ReadFile(filepath.Join(again, "K.npy"))
			if !bytes.Equal(a, b) {
				t.Error("gen qkv with the same seed wrote different K.npy")
			}
		})
	}
}

func TestGenQKVBadFlags(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--n", "0", "--d", "2", "--B", "1"}, "--n 0: want an integer in [1, 2147483647]"},
		{[]string{"--n", "3", "--d", "2", "--B", "-1"}, "--B -1: want the entry bound B, a finite number in (0, 1000000]"},
		{[]string{"--n", "3", "--d", "2", "--B", "1", "--dist", "cauchy"}, `--dist "cauchy"`},
		{[]string{"--n", "3", "--d", "2"}, `"B" not set`},
		{[]string{"--n", "100000000", "--d", "100", "--B", "1"}, "above the memory limit"},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, nil, append([]string{"gen", "qkv", "-o", dir}, tt.args...)...)
		if code != exitBadInput || !strings.Contains(errOut, tt.want) {
			t.Errorf("gen qkv %v = %d, %q; want %d and %q", tt.args, code, errOut, exitBadInput, tt.want)
		}
	}
}

// TestAttentionCommand runs gen qkv then attention for each algorithm and
// compares T with attention.Naive; it also checks the report.
func TestAttentionCommand(t *testing.T) {
	dir := genQKV(t, "--n", "50", "--nk", "70", "--d", "6", "--dv", "2", "--B", "2")
	q, k, v, err := attention.ReadQKV(filepath.Join(dir, "Q.npy"), filepath.Join(dir, "K.npy"), filepath.Join(dir, "V.npy"))
	if err != nil {
		t.Fatal(err)
	}
	want := attention.Naive(q, k, v).T
	for _, algo := range []string{"exact", "naive"} {
		t.Run(algo, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "T.npy")
			code, stdout, stderr := runCLI(t, nil, "attention", "--q", filepath.Join(dir, "Q.npy"), "--k", filepath.Join(dir, "K.npy"),
				"--v", filepath.Join(dir, "V.npy"), "--algo", algo, "-o", out, "--json")
			if code != 0 {
				t.Fatalf("attention = %d, %q", code, stderr)
			}
			got, err := attention.ReadNPY(out)
			if err != nil {
				t.Fatal(err)
			}
			if !mat.EqualApprox(got, want, 1e-13) {
				t.Errorf("T differs from Naive by more than 1e-13")
			}
			for _, s := range []string{"algorithm " + algo, "error bound 0", "flops", "peak memory", "B/√(ln n)", "time"} {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr %q; want it to contain %q", stderr, s)
				}
			}
			var rep attentionReport
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatalf("--json output %q: %v", stdout, err)
			}
			wantB := max(maxEntry(q), maxEntry(k))
			if rep.Algo != algo || rep.NQ != 50 || rep.NK != 70 || rep.D != 6 || rep.DV != 2 || rep.ErrBound == nil || *rep.ErrBound != 0 ||
				rep.B != wantB || rep.BOverSqrtLn == nil || !(math.Abs(*rep.BOverSqrtLn-wantB/math.Sqrt(math.Log(70))) <= 1e-12) || rep.PeakBytes <= 0 {
				t.Errorf("report = %+v; want %s, 50×6, 70×6, 70×2, err bound 0, B = %v", rep, algo, wantB)
			}
		})
	}
}

// TestAttentionBadInputs checks that each bad .npy input gives exit status
// 2 and an error naming the file and the problem.
func TestAttentionBadInputs(t *testing.T) {
	dir := genQKV(t, "--n", "4", "--d", "3", "--B", "1")
	good := func(n string) string { return filepath.Join(dir, n) }
	bad := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(bad, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	header := func(descr, shape string) []byte {
		h := "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }"
		h += strings.Repeat(" ", 63-(10+len(h))%64) + "\n"
		b := append([]byte("\x93NUMPY\x01\x00"), byte(len(h)), byte(len(h)>>8))
		return append(b, h...)
	}
	floats := func(xs ...float64) []byte {
		var b bytes.Buffer
		binary.Write(&b, binary.LittleEndian, xs)
		return b.Bytes()
	}
	kBytes, _ := os.ReadFile(good("K.npy"))
	nanK := append(header("<f8", "(4, 3)"), floats(1, 2, 3, 4, 5, 6, 7, math.NaN(), 9, 10, 11, 12)...)
	tests := []struct {
		name    string
		q, k, v string
		want    string
	}{
		{"wrong dtype", good("Q.npy"), write("int.npy", append(header("<i8", "(4, 3)"), make([]byte, 96)...)), good("V.npy"), "int.npy: dtype '<i8'; want float64"},
		{"ragged", write("ragged.npy", append(header("|O", "(2,)"), 0x80, 2, 0x5d)), good("K.npy"), good("V.npy"), "ragged.npy: dtype '|O'"},
		{"rank 1", good("Q.npy"), good("K.npy"), write("vec.npy", append(header("<f8", "(4,)"), floats(1, 2, 3, 4)...)), "vec.npy: array of rank 1"},
		{"mismatched d", write("q5.npy", append(header("<f8", "(1, 5)"), floats(1, 2, 3, 4, 5)...)), good("K.npy"), good("V.npy"), "q5.npy has 5 columns but"},
		{"mismatched V", good("Q.npy"), good("K.npy"), write("v2.npy", append(header("<f8", "(2, 1)"), floats(1, 2)...)), "v2.npy has 2 rows but"},
		{"truncated", good("Q.npy"), write("trunc.npy", kBytes[:len(kBytes)-9]), good("V.npy"), "trunc.npy: truncated data"},
		{"NaN", good("Q.npy"), write("nan.npy", nanK), good("V.npy"), "nan.npy: entry at row 2, column 1 is NaN"},
		{"missing file", filepath.Join(bad, "nope.npy"), good("K.npy"), good("V.npy"), "nope.npy: no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(bad, "T.npy")
			code, _, stderr := runCLI(t, nil, "attention", "--q", tt.q, "--k", tt.k, "--v", tt.v, "-o", out)
			if code != exitBadInput || !strings.Contains(stderr, tt.want) {
				t.Errorf("attention (%s) = %d, %q; want %d and %q", tt.name, code, stderr, exitBadInput, tt.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("attention (%s) wrote %s; want no output", tt.name, out)
			}
		})
	}
}

// TestAttentionMemoryLimit checks the refusal with an estimate.
func TestAttentionMemoryLimit(t *testing.T) {
	dir := genQKV(t, "--n", "300", "--d", "4", "--B", "1")
	for _, algo := range []string{"exact", "naive"} {
		code, _, stderr := runCLI(t, nil, "attention", "--q", filepath.Join(dir, "Q.npy"), "--k", filepath.Join(dir, "K.npy"),
			"--v", filepath.Join(dir, "V.npy"), "-o", filepath.Join(dir, "T.npy"), "--algo", algo, "--max-memory", "20KiB")
		if code != exitBadInput || !strings.Contains(stderr, "needs about") || !strings.Contains(stderr, "above the memory limit of 20.0 KiB") {
			t.Errorf("attention --algo %s --max-memory 20KiB = %d, %q; want %d and an estimate", algo, code, stderr, exitBadInput)
		}
	}
}
