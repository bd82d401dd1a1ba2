package ovp

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npz"
)

func TestFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, m := range []int{0, 1, 63, 64, 65, 130} {
		for _, size := range [][2]int{{0, 0}, {3, 0}, {4, 7}} {
			x := randomInstance(size[0], size[1], m, 0.4, uint64(m*100+size[0]+size[1]))
			h := &Hamming{Instance: x, T: m / 4, Eps: 0.25}
			for _, ext := range []string{".txt", ".npz"} {
				for _, ann := range []bool{false, true} {
					if ann && m == 0 {
						continue // no Gap-ANN instance has dimension 0
					}
					path := filepath.Join(dir, "x"+ext)
					var err error
					if ann {
						err = WriteHammingFile(path, h)
					} else {
						err = WriteFile(path, x)
					}
					if err != nil {
						t.Fatal(err)
					}
					y, hy, err := ReadFile(path, 0)
					if err != nil {
						t.Fatalf("m=%d %v %s ann=%v: %v", m, size, ext, ann, err)
					}
					if !y.Equal(x) {
						t.Errorf("m=%d %v %s: read back a different instance", m, size, ext)
					}
					if ann != (hy != nil) || ann && (hy.T != h.T || hy.Eps != h.Eps || hy.Instance != y) {
						t.Errorf("m=%d %v %s: Hamming = %+v; want ann=%v T=%d Eps=0.25", m, size, ext, hy, ann, h.T)
					}
				}
			}
		}
	}
}

func TestReadTextComments(t *testing.T) {
	in := "c made by hand\n# another comment\n\nov 2 1 3\n101\nc between\n010\n  \n111\r\n"
	x, h, err := ReadText(strings.NewReader(in), "in.txt", 0)
	if err != nil || h != nil {
		t.Fatalf("ReadText = %v, %v", h, err)
	}
	got := x.RowString(A, 0) + " " + x.RowString(A, 1) + " " + x.RowString(B, 0)
	if got != "101 010 111" {
		t.Errorf("vectors = %q; want %q", got, "101 010 111")
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, x, "a comment"); err != nil {
		t.Fatal(err)
	}
	if want := "c a comment\nov 2 1 3\n101\n010\n111\n"; buf.String() != want {
		t.Errorf("WriteText = %q; want %q", buf.String(), want)
	}
}

func TestReadTextErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "in.txt: empty file"},
		{"c only\n", "in.txt: empty file"},
		{"ov 1 1\n", "in.txt:1: header"},
		{"xv 1 1 2\n", "in.txt:1: header"},
		{"ov 1 -1 2\n", "in.txt:1: header field 3"},
		{"ov 1 1 x\n", "in.txt:1: header field 4"},
		{"ann 1 1 2 1 0\n", "in.txt:1: gap ε"},
		{"ov 1 1 3\n101\n11\n", "in.txt:3: vector B[0] has 2 coordinates, expected 3"},
		{"ov 1 1 3\n101\n1a1\n", "in.txt:3:2: vector B[0]: character 'a', expected 0 or 1"},
		{"ov 2 1 3\n101\n", "in.txt:2: end of file after 1 vectors, the header promises N + M = 2 + 1"},
		{"ov 1 1 3\n101\n000\n111\n", "in.txt:4: more vectors than the header's N + M = 2"},
		{"ov 4000000000 4000000000 1000\n", "in.txt:1: instance of 4000000000 + 4000000000 vectors of dimension 1000 needs about"},
	}
	for _, tt := range tests {
		_, _, err := ReadText(strings.NewReader(tt.in), "in.txt", 0)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("ReadText(%q) error = %v; want prefix %q", tt.in, err, tt.want)
		}
	}
}

func TestReadNPZErrors(t *testing.T) {
	dir := t.TempDir()
	x := randomInstance(3, 2, 5, 0.5, 1)
	good := filepath.Join(dir, "good.npz")
	if err := WriteFile(good, x); err != nil {
		t.Fatal(err)
	}
	// A text file named .npz, and a truncated archive.
	bad := filepath.Join(dir, "bad.npz")
	os.WriteFile(bad, []byte("ov 1 1 1\n1\n1\n"), 0o644)
	b, _ := os.ReadFile(good)
	trunc := filepath.Join(dir, "trunc.npz")
	os.WriteFile(trunc, b[:len(b)/2], 0o644)
	for _, p := range []string{bad, trunc, filepath.Join(dir, "missing.npz")} {
		if _, _, err := ReadFile(p, 0); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("ReadFile(%s) error = %v; want an error naming the file", p, err)
		}
	}
}

func TestReadNPZMalformed(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name   string
		arrays map[string]any
		want   string
	}{
		{"no dims", map[string]any{"A": [][]uint8{{1}}, "B": [][]uint8{{0}}}, `no array "dims"`},
		{"bad value", map[string]any{"A": [][]uint8{{1, 2}}, "B": [][]uint8{{0, 0}}, "dims": []int64{1, 1, 2}}, "A[0][1] = 2, expected 0 or 1"},
		{"bad shape", map[string]any{"A": [][]uint8{{1, 0}}, "B": [][]uint8{{0, 0, 0}}, "dims": []int64{1, 1, 2}}, "array B has shape (1, 3), dims say (1, 2)"},
		{"bad dtype", map[string]any{"A": [][]float64{{1, 0}}, "B": [][]uint8{{0, 0}}, "dims": []int64{1, 1, 2}}, "array A: "},
		{"bad dims", map[string]any{"A": [][]uint8{{1}}, "B": [][]uint8{{0}}, "dims": []int64{1, 1}}, "array dims has shape (2,), expected (3,)"},
		{"bad ann", map[string]any{"A": [][]uint8{{1}}, "B": [][]uint8{{0}}, "dims": []int64{1, 1, 1}, "ann": []float64{1.5, 1}}, "array ann = [1.5 1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".npz")
			if err := npz.Write(p, tt.arrays); err != nil {
				t.Fatal(err)
			}
			_, _, err := ReadFile(p, 0)
			if err == nil || !strings.HasPrefix(err.Error(), p+": ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadFile error = %v; want %q", err, tt.want)
			}
		})
	}
}
