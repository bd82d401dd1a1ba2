package attention

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"github.com/hardnesslab/hardness/internal/memlimit"
	"gonum.org/v1/gonum/mat"
)

// npyBytes builds a .npy file as numpy.save writes it (version 1.0, header
// padded with spaces to a multiple of 64 bytes and ending in a newline)
// with the given header dict and raw data.
func npyBytes(dict string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	pad := 64 - (10+len(dict)+1)%64
	h := dict + strings.Repeat(" ", pad%64) + "\n"
	binary.Write(&b, binary.LittleEndian, uint16(len(h)))
	b.WriteString(h)
	b.Write(data)
	return b.Bytes()
}

func f64Bytes(order binary.ByteOrder, xs ...float64) []byte {
	var b bytes.Buffer
	for _, x := range xs {
		binary.Write(&b, order, x)
	}
	return b.Bytes()
}

func f32Bytes(xs ...float32) []byte {
	var b bytes.Buffer
	for _, x := range xs {
		binary.Write(&b, binary.LittleEndian, x)
	}
	return b.Bytes()
}

func dict(descr string, fortran bool, shape string) string {
	f := "False"
	if fortran {
		f = "True"
	}
	return fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr, f, shape)
}

func TestNPYRoundTrip(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.npy")
	m := mat.NewDense(3, 2, []float64{1, -2.5, math.Pi, 1e-310, -0.0, math.MaxFloat64})
	if err := WriteNPY(p, m); err != nil {
		t.Fatal(err)
	}
	got, err := ReadNPY(p)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		for j := range 2 {
			if g, w := got.At(i, j), m.At(i, j); math.Float64bits(g) != math.Float64bits(w) {
				t.Errorf("round trip [%d][%d] = %v; want %v", i, j, g, w)
			}
		}
	}
}

// TestNPYDecode covers the layouts numpy writes: float32 (widened), big
// endian, Fortran order, version 2 headers.
func TestNPYDecode(t *testing.T) {
	want := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 0.25})
	v2 := npyBytes(dict("<f8", false, "(2, 3)"), f64Bytes(binary.LittleEndian, 1, 2, 3, 4, 5, 0.25))
	// Version 2.0: a 4-byte header length.
	v2 = append(append([]byte("\x93NUMPY\x02\x00"), binary.LittleEndian.AppendUint32(nil, uint32(binary.LittleEndian.Uint16(v2[8:10])))...), v2[10:]...)
	tests := []struct {
		name string
		file []byte
	}{
		{"f8", npyBytes(dict("<f8", false, "(2, 3)"), f64Bytes(binary.LittleEndian, 1, 2, 3, 4, 5, 0.25))},
		{"f4", npyBytes(dict("<f4", false, "(2, 3)"), f32Bytes(1, 2, 3, 4, 5, 0.25))},
		{"big endian", npyBytes(dict(">f8", false, "(2, 3)"), f64Bytes(binary.BigEndian, 1, 2, 3, 4, 5, 0.25))},
		{"fortran", npyBytes(dict("<f8", true, "(2, 3)"), f64Bytes(binary.LittleEndian, 1, 4, 2, 5, 3, 0.25))},
		{"version 2", v2},
		// A batch of one, as gen suite --layout bhnd writes (was refused as rank 4).
		{"[1, 1, n, d]", npyBytes(dict("<f8", false, "(1, 1, 2, 3)"), f64Bytes(binary.LittleEndian, 1, 2, 3, 4, 5, 0.25))},
		{"[1, 1, n, d] fortran", npyBytes(dict("<f8", true, "(1, 1, 2, 3)"), f64Bytes(binary.LittleEndian, 1, 4, 2, 5, 3, 0.25))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeNPY(bytes.NewReader(tt.file), "x.npy")
			if err != nil {
				t.Fatal(err)
			}
			if !mat.Equal(got, want) {
				t.Errorf("DecodeNPY = %v; want %v", mat.Formatted(got), mat.Formatted(want))
			}
		})
	}
}

// TestNPYErrors checks that each kind of bad file gives an error naming the
// file and the problem.
func TestNPYErrors(t *testing.T) {
	good := f64Bytes(binary.LittleEndian, 1, 2, 3, 4, 5, 6)
	ok := npyBytes(dict("<f8", false, "(2, 3)"), good)
	hugeHeader := append([]byte("\x93NUMPY\x02\x00"), 0xff, 0xff, 0xff, 0x7f)
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"int dtype", npyBytes(dict("<i8", false, "(2, 3)"), good), "dtype '<i8'; want float64"},
		{"object dtype (ragged)", npyBytes(dict("|O", false, "(2,)"), []byte{0x80, 0x02}), "dtype '|O' is not supported; want a float"},
		{"complex dtype", npyBytes(dict("<c16", false, "(2, 3)"), good), "dtype '<c16'"},
		{"structured dtype", npyBytes("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (6,), }", good), "structured or sub-array dtype; want a float"},
		{"rank 1", npyBytes(dict("<f8", false, "(6,)"), good), "rank 1 (shape (6,)); want a 2-D matrix"},
		{"rank 3", npyBytes(dict("<f8", false, "(2, 1, 3)"), good), "rank 3 (shape (2, 1, 3)); want a 2-D matrix [n, d] (or [1, …, 1, n, d])"},
		{"rank 0", npyBytes(dict("<f8", false, "()"), good[:8]), "rank 0"},
		{"empty", npyBytes(dict("<f8", false, "(0, 3)"), nil), "empty or invalid shape (0, 3)"},
		{"truncated data", ok[:len(ok)-5], "truncated data: 43 of 48 bytes (5 of 6 elements of shape (2, 3))"},
		{"truncated header", ok[:30], "truncated .npy header"},
		{"too short", ok[:3], "truncated .npy preamble"},
		{"extra bytes", append(append([]byte{}, ok...), 1, 2, 3), "3 bytes after the 6 entries"},
		{"NaN", npyBytes(dict("<f8", false, "(2, 3)"), f64Bytes(binary.LittleEndian, 1, 2, 3, 4, 5, math.NaN())), "entry at row 1, column 2 is NaN"},
		{"Inf", npyBytes(dict("<f8", false, "(2, 3)"), f64Bytes(binary.LittleEndian, 1, math.Inf(-1), 3, 4, 5, 6)), "entry at row 0, column 1 is -Inf"},
		{"Inf in f4", npyBytes(dict("<f4", false, "(1, 2)"), f32Bytes(1, float32(math.Inf(1)))), "row 0, column 1 is +Inf"},
		{"not npy", []byte("Q,K,V\n1,2,3\n"), "not a .npy file"},
		{"bad version", append([]byte("\x93NUMPY\x07\x00"), ok[8:]...), "format version 7.0"},
		{"huge header", hugeHeader, "header of 2147483647 bytes"},
		{"garbled header", npyBytes("{'descr'", nil), "malformed .npy header"},
		{"bad shape", npyBytes(dict("<f8", false, "(2, x)"), good), "malformed .npy header"},
		{"huge shape", npyBytes(dict("<f8", false, "(4000000000, 4000000000)"), good), "too large"},
		{"lying shape", npyBytes(dict("<f8", false, "(100000, 100000)"), good), "truncated data: 48 of 80000000000 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeNPY(bytes.NewReader(tt.file), "Q.npy")
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "Q.npy: ") {
				t.Errorf("DecodeNPY(%s) = %v; want an error starting with Q.npy: and containing %q", tt.name, err, tt.want)
			}
		})
	}
	_, err := ReadNPY(filepath.Join(t.TempDir(), "missing.npy"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing.npy") {
		t.Errorf("ReadNPY(missing) = %v; want a not-exist error naming the file", err)
	}
}

func TestCheckQKV(t *testing.T) {
	d := func(r, c int) *mat.Dense { return mat.NewDense(r, c, nil) }
	tests := []struct {
		q, k, v *mat.Dense
		want    string
	}{
		{d(3, 4), d(5, 4), d(5, 2), ""},
		{d(3, 4), d(5, 3), d(5, 2), "q.npy has 4 columns but k.npy has 3"},
		{d(3, 4), d(5, 4), d(6, 2), "v.npy has 6 rows but k.npy has 5"},
		{&mat.Dense{}, d(5, 4), d(5, 2), "empty matrix"},
	}
	for _, tt := range tests {
		err := CheckQKV("q.npy", "k.npy", "v.npy", tt.q, tt.k, tt.v)
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("CheckQKV(%s) = %v; want %q", tt.want, err, tt.want)
		}
	}
	dir := t.TempDir()
	paths := map[string]*mat.Dense{"Q.npy": d(3, 4), "K.npy": d(5, 4), "V.npy": d(4, 1)}
	for name, m := range paths {
		if err := WriteNPY(filepath.Join(dir, name), m); err != nil {
			t.Fatal(err)
		}
	}
	_, _, _, err := ReadQKV(filepath.Join(dir, "Q.npy"), filepath.Join(dir, "K.npy"), filepath.Join(dir, "V.npy"))
	if err == nil || !strings.Contains(err.Error(), "V.npy has 4 rows but") {
		t.Errorf("ReadQKV(mismatched V) = %v; want an error naming V.npy", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "Q.npy")); err != nil {
		t.Error(err)
	}
}

// TestReadQKVLimitFromHeaders is the audit's case: three sparse files of
// shape (10⁷, 16) with a 1 GiB limit are refused from their headers,
// without reading (or allocating for) the 3.8 GB of data.
func TestReadQKVLimitFromHeaders(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for _, name := range []string{"Q.npy", "K.npy", "V.npy"} {
		p := filepath.Join(dir, name)
		hdr := npyBytes(dict("<f8", false, "(10000000, 16)"), nil)
		if err := os.WriteFile(p, hdr, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(p, int64(len(hdr))+8*16*10_000_000); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, _, err := ReadQKVLimit(paths[0], paths[1], paths[2], 1<<30)
	runtime.ReadMemStats(&after)
	var me *memlimit.Error
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "Q 10000000×16, K 10000000×16 and V 10000000×16 needs about 3.6 GiB") {
		t.Fatalf("ReadQKVLimit = %v; want a memory refusal naming the shapes", err)
	}
	if a := after.TotalAlloc - before.TotalAlloc; a > 1<<20 {
		t.Errorf("ReadQKVLimit allocated %d bytes before refusing; want < 1 MiB", a)
	}
}

// TestNPYNumPyHeaders: headers numpy.save never writes but numpy.load
// reads (another key order, double quotes, '<d', 'f8', Python 2 longs,
// grouping parentheses) are read too.
func TestNPYNumPyHeaders(t *testing.T) {
	data := f64Bytes(binary.LittleEndian, 1, 2, 3, 4, 5, 6)
	for _, d := range []string{
		"{'shape': (2, 3), 'fortran_order': False, 'descr': '<f8'}",
		`{"descr": "<f8", "fortran_order": False, "shape": (2, 3)}`,
		"{'descr': '<d', 'fortran_order': False, 'shape': (2, 3), }",
		"{'descr': 'f8', 'fortran_order': False, 'shape': (2, 3), }",
		"{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 3L), }",
		"{'descr': '<f8', 'fortran_order': False, 'shape': ((2),(3)), }",
	} {
		m, err := DecodeNPY(bytes.NewReader(npyBytes(d, data)), "x.npy")
		if err != nil || m.At(1, 2) != 6 {
			t.Errorf("DecodeNPY(%s) = %v; want the 2×3 matrix", d, err)
		}
	}
}

// TestNPYWithNpyio reads what npyio (an independent implementation) writes
// and checks that npyio reads what EncodeNPY writes.
func TestNPYWithNpyio(t *testing.T) {
	m := mat.NewDense(3, 2, []float64{1, -2.5, math.Pi, 1e-310, -0.0, 7})
	var buf bytes.Buffer
	if err := npyio.Write(&buf, m); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeNPY(bytes.NewReader(buf.Bytes()), "npyio.npy")
	if err != nil || !mat.Equal(got, m) {
		t.Errorf("DecodeNPY(npyio.Write) = %v, %v", got, err)
	}
	buf.Reset()
	if err := EncodeNPY(&buf, m); err != nil {
		t.Fatal(err)
	}
	var back mat.Dense
	if err := npyio.Read(bytes.NewReader(buf.Bytes()), &back); err != nil || !mat.Equal(&back, m) {
		t.Errorf("npyio.Read(EncodeNPY) = %v, %v", &back, err)
	}
}
