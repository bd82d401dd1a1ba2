package ovp

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/internal/npy"
	"os"
	"path/filepath"
)

// TestReadTextHostile holds the audit's reproductions (issue 14): each
// must give an error naming the file and line, never a panic, and the
// reader must not allocate more than the header's instance plus a little.
func TestReadTextHostile(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"form feed", "\f", "x.ov: empty file"},
		{"vertical tab", "\v", "x.ov: empty file"},
		{"U+0085", "\u0085", "x.ov: empty file"},
		{"blank header line", " \t \f\n", "x.ov: empty file"},
		{"blank before header", "\u0085\nov 1 1 1\n1\n0\n", ""},
		{"form feed in header", "ov\f1 1 1\n1\n0\n", ""},
		{"dimension 2^63-1", "ov 1 1 9223372036854775807\n", "x.ov:1: instance of 1 + 1 vectors of dimension 9223372036854775807 needs about"},
		{"vectors 2^63-1", "ov 9223372036854775807 9223372036854775807 64\n", "x.ov:1: instance of"},
		{"ann ε 1e300", "ann 1 1 10 5 1e300\n0000000000\n0000000000\n", "x.ov:1: far distance max(t+1, ⌈(1+ε)t⌉) = 5e+300"},
		{"ann ε NaN", "ann 1 1 10 5 NaN\n", "x.ov:1: gap ε is \"NaN\""},
		{"ann t > d", "ann 1 1 10 11 1\n", "x.ov:1: threshold t = 11, expected 0 ≤ t ≤ d = 10"},
		{"long vector line", "ov 1 1 10\n" + strings.Repeat("1", 100000) + "\n", "x.ov:2: line longer than 266 bytes; the header's dimension m = 10 allows 10 coordinates"},
		{"long header line", strings.Repeat("1", 100000), "x.ov:1: line longer than 4096 bytes, expected a header"},
		{"NUL bytes", strings.Repeat("\x00", 100000), "x.ov:1: line longer than 4096 bytes"},
		{"long comment", "c " + strings.Repeat("x", 200000) + "\nov 1 1 1\n1\n0\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadText(strings.NewReader(tt.in), "x.ov", 0)
			if tt.want == "" {
				if err != nil {
					t.Errorf("ReadText(%q) = %v; want success", cut(tt.in), err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("ReadText(%q) = %v; want prefix %q", cut(tt.in), err, tt.want)
			}
		})
	}
}

func cut(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// endless is an io.Reader of one byte repeated forever, like /dev/zero.
type endless byte

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(e)
	}
	return len(p), nil
}

// TestReadTextEndless: a header then an endless line (a 1 GiB line, or
// /dev/zero) is refused after reading about one buffer, with the line
// number, holding no more than the header allows.
func TestReadTextEndless(t *testing.T) {
	for _, tt := range []struct {
		name string
		r    io.Reader
		want string
	}{
		{"/dev/zero", endless(0), "zero:1: line longer than 4096 bytes"},
		{"endless ones after a header", io.MultiReader(strings.NewReader("ov 1 1 10\n"), endless('1')), "zero:2: line longer than 266 bytes"},
		{"endless comment", io.MultiReader(strings.NewReader("ov 1 1 10\n"), io.LimitReader(endless('c'), 1<<24)), "zero:2: line longer than 266 bytes"},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _, err := ReadText(tt.r, "zero", 0)
		runtime.ReadMemStats(&after)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: ReadText = %v; want prefix %q", tt.name, err, tt.want)
		}
		if a := after.TotalAlloc - before.TotalAlloc; a > 1<<20 {
			t.Errorf("%s: ReadText allocated %d bytes; want < 1 MiB", tt.name, a)
		}
	}
}

// TestGeneratorsOverflow: dimensions whose word count overflows are
// refused by the memory check, not a makeslice panic in New.
func TestGeneratorsOverflow(t *testing.T) {
	_, err := PlantGap(context.Background(), GapOptions{N: 1, M: 1, Dim: math.MaxInt64, Gap: 0.1})
	var me *memlimit.Error
	if !errors.As(err, &me) {
		t.Errorf("PlantGap(dim 2^63−1) = %v; want a memory refusal", err)
	}
	_, err = PlantANN(context.Background(), ANNOptions{N: 64, M: 64, Dim: math.MaxInt64, T: 1, Eps: 1})
	if !errors.As(err, &me) {
		t.Errorf("PlantANN(dim 2^63−1) = %v; want a memory refusal", err)
	}
	if w := WordsFor(math.MaxInt64); w != math.MaxInt64/64+1 {
		t.Errorf("WordsFor(MaxInt64) = %d; want %d", w, math.MaxInt64/64+1)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("New(2, 2, MaxInt64) did not panic")
		}
	}()
	New(2, 2, math.MaxInt64)
}

// TestFarSaturates: ⌈(1+ε)t⌉ with ε = 1e300 saturates instead of
// overflowing int.
func TestFarSaturates(t *testing.T) {
	for _, tt := range []struct {
		t    int
		eps  float64
		want int
	}{{5, 1e300, MaxFar}, {5, math.Inf(1), MaxFar}, {5, math.NaN(), MaxFar}, {0, 1e300, 1}, {10, 0.5, 15}, {10, 0.01, 11}} {
		if got := FarDistance(tt.t, tt.eps); got != tt.want {
			t.Errorf("FarDistance(%d, %g) = %d; want %d", tt.t, tt.eps, got, tt.want)
		}
	}
}

// npzOf returns an archive of the given .npy entries.
func npzOf(t testing.TB, entries map[string][]byte) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, name := range []string{"A.npy", "B.npy", "dims.npy", "ann.npy"} {
		b, ok := entries[name]
		if !ok {
			continue
		}
		w, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// npyRaw returns a .npy entry with the given raw header dict and data.
func npyRaw(dict string, data []byte) []byte {
	b := []byte(npy.Magic + "\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)))
	return append(append(b, dict...), data...)
}

func dimsNPY(n, m, d int64) []byte {
	data := binary.LittleEndian.AppendUint64(nil, uint64(n))
	data = binary.LittleEndian.AppendUint64(data, uint64(m))
	data = binary.LittleEndian.AppendUint64(data, uint64(d))
	return npyRaw("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }\n", data)
}

// TestReadNPZHostile: the audit's malformed .npz files (a nil pointer at
// npz.go:143 or panics inside npyio before) give errors naming the array.
func TestReadNPZHostile(t *testing.T) {
	okB := npyRaw("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2), }\n", []byte{0, 1})
	tests := []struct {
		name string
		a    []byte
		want string
	}{
		{"empty header", npyRaw("", []byte{0, 1}), "array A: malformed .npy header \"\": at byte 0: unexpected end of header"},
		{"unparsable header", npyRaw("{'descr': '|u1', 'fortran_order': Fal", nil), "array A: malformed .npy header"},
		{"shape ('a', 32)", npyRaw("{'descr': '|u1', 'fortran_order': False, 'shape': ('a', 32), }\n", nil), "array A: malformed .npy header"},
		{"dtype |u7", npyRaw("{'descr': '|u7', 'fortran_order': False, 'shape': (1, 2), }\n", nil), "array A: dtype '|u7' is not supported"},
		{"dtype {", npyRaw("{'descr': '{', 'fortran_order': False, 'shape': (1, 2), }\n", nil), "array A: dtype '{' is not supported"},
		{"entry shorter than header", npyRaw("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2), }\n", []byte{1}), "array A: the entry holds"},
		{"value 7", npyRaw("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2), }\n", []byte{0, 7}), "A[0][1] = 7, expected 0 or 1"},
		{"fortran value 7", npyRaw("{'descr': '|u1', 'fortran_order': True, 'shape': (1, 2), }\n", []byte{0, 7}), "A[0][1] = 7, expected 0 or 1"},
		{"float dtype", npyRaw("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }\n", make([]byte, 16)), "array A: dtype <f8; want uint8"},
		{"wrong shape", npyRaw("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1), }\n", []byte{0, 1}), "array A has shape (2, 1), dims say (1, 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := npzOf(t, map[string][]byte{"A.npy": tt.a, "B.npy": okB, "dims.npy": dimsNPY(1, 1, 2)})
			_, _, err := ReadNPZ(bytes.NewReader(b), int64(len(b)), "x.npz", 0)
			if err == nil || !strings.HasPrefix(err.Error(), "x.npz: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadNPZ = %v; want %q", err, tt.want)
			}
		})
	}
	// Key order, double quotes, a bool dtype and Fortran order, as NumPy may write them.
	a := npyRaw(`{"shape": (1, 2), "fortran_order": True, "descr": "|b1"}`+"\n", []byte{0, 1})
	b := npzOf(t, map[string][]byte{"A.npy": a, "B.npy": okB, "dims.npy": dimsNPY(1, 1, 2)})
	x, _, err := ReadNPZ(bytes.NewReader(b), int64(len(b)), "x.npz", 0)
	if err != nil || x.RowString(A, 0) != "01" {
		t.Errorf("ReadNPZ(NumPy variants) = %v; want A[0] = 01", err)
	}
	// Two entries named A.npy: numpy.load reads the last, Go's zip the
	// first; the reader read the first silently, now refuses.
	var dup bytes.Buffer
	z := zip.NewWriter(&dup)
	for _, e := range []struct {
		name string
		b    []byte
	}{{"A.npy", okB}, {"B.npy", okB}, {"dims.npy", dimsNPY(1, 1, 2)}, {"A.npy", npyRaw("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2), }\n", []byte{1, 0})}} {
		w, _ := z.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Store})
		w.Write(e.b)
	}
	z.Close()
	_, _, err = ReadNPZ(bytes.NewReader(dup.Bytes()), int64(dup.Len()), "x.npz", 0)
	if err == nil || !strings.Contains(err.Error(), "x.npz: 2 entries named A.npy; want one per array") {
		t.Errorf("ReadNPZ(two A.npy) = %v; want a refusal naming them", err)
	}
	// Sizes refused from dims before anything is read.
	huge := npzOf(t, map[string][]byte{"A.npy": okB, "B.npy": okB, "dims.npy": dimsNPY(1<<31-1, 1<<31-1, 1<<31-1)})
	_, _, err = ReadNPZ(bytes.NewReader(huge), int64(len(huge)), "x.npz", 1<<20)
	if err == nil || !strings.Contains(err.Error(), "above the memory limit") {
		t.Errorf("ReadNPZ(huge dims) = %v; want a memory refusal", err)
	}
}

// TestReadFileSniffsNPZ: an .npz archive under another name is read as
// one (it was read as text, and the error quoted its binary header).
func TestReadFileSniffsNPZ(t *testing.T) {
	okA := npyRaw("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2), }\n", []byte{0, 1})
	okB := npyRaw("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2), }\n", []byte{1, 0})
	p := filepath.Join(t.TempDir(), "instance.ov")
	os.WriteFile(p, npzOf(t, map[string][]byte{"A.npy": okA, "B.npy": okB, "dims.npy": dimsNPY(1, 1, 2)}), 0o644)
	x, _, err := ReadFile(p, 0)
	if err != nil || x.N() != 1 || x.RowString(A, 0) != "01" {
		t.Errorf("ReadFile(an .npz named .ov) = %v; want the archive's instance", err)
	}
}
