package ovp

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/internal/npy"
)

// EncodeNPZ writes x (and h, if not nil) to w in the .npz format of
// [WriteFile].
func EncodeNPZ(w io.Writer, x *Instance, h *Hamming) error { return writeNPZ(w, x, h) }

// writeNPZ writes the arrays A, B (uint8, one row per vector), dims
// (int64 [N M m]) and, for Gap-ANN, ann (float64 [t eps]) as an
// uncompressed zip of .npy files, as numpy.savez does. The .npy files are
// written here (format version 1.0, NEP 1) rather than by npyio, whose
// writer reflects on every row (6 s for 2^15 rows of 192 coordinates
// against 0.1 s).
func writeNPZ(w io.Writer, x *Instance, h *Hamming) error {
	z := zip.NewWriter(w)
	for _, s := range []Side{A, B} {
		data := make([]byte, x.Len(s)*x.Dim())
		for i := range x.Len(s) {
			r := x.Row(s, i)
			row := data[i*x.dim : (i+1)*x.dim]
			for c := range row {
				row[c] = byte(r[c>>6] >> (uint(c) & 63) & 1)
			}
		}
		if err := writeNPY(z, s.String(), "|u1", []int{x.Len(s), x.Dim()}, data); err != nil {
			return err
		}
	}
	dims := binary.LittleEndian.AppendUint64(nil, uint64(x.N()))
	dims = binary.LittleEndian.AppendUint64(dims, uint64(x.M()))
	dims = binary.LittleEndian.AppendUint64(dims, uint64(x.Dim()))
	if err := writeNPY(z, "dims", "<i8", []int{3}, dims); err != nil {
		return err
	}
	if h != nil {
		ann := binary.LittleEndian.AppendUint64(nil, math.Float64bits(float64(h.T)))
		ann = binary.LittleEndian.AppendUint64(ann, math.Float64bits(h.Eps))
		if err := writeNPY(z, "ann", "<f8", []int{2}, ann); err != nil {
			return err
		}
	}
	return z.Close()
}

// writeNPY adds name.npy to z: the header (internal/npy, as numpy.save
// writes it) and data.
func writeNPY(z *zip.Writer, name, descr string, shape []int, data []byte) error {
	f, err := z.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: zip.Store})
	if err != nil {
		return err
	}
	if err := npy.WriteHeader(f, descr, false, shape); err != nil {
		return err
	}
	_, err = f.Write(data)
	return err
}

// readNPZ reads an archive written by writeNPZ, or by numpy.savez with
// the same arrays. The .npy headers are parsed by internal/npy (as
// numpy.load parses them); dims is read first, every array's shape and
// size is checked against it and the instance's memory against maxMemory
// before any vector is read, and the vectors are streamed into the
// bit-packed instance (C or Fortran order, any integer or bool dtype with
// values 0 and 1).
func readNPZ(path string, maxMemory int64) (*Instance, *Hamming, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	return ReadNPZ(f, st.Size(), path, maxMemory)
}

// ReadNPZ reads the .npz archive of size bytes from r like [ReadFile];
// name is used in error messages.
func ReadNPZ(r io.ReaderAt, size int64, name string, maxMemory int64) (*Instance, *Hamming, error) {
	errf := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...))
	}
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, nil, errf("not a .npz archive (a zip of .npy files): %v", err)
	}
	a := &npzArchive{z: z, errf: errf}
	n, mB, m, err := a.dims()
	if err != nil {
		return nil, nil, err
	}
	need := memlimit.Float(Bytes(float64(n), float64(mB), m))
	if err := memlimit.Check(fmt.Sprintf("instance of %d + %d vectors of dimension %d", n, mB, m),
		need, maxMemory, "raise --max-memory if the file is right"); err != nil {
		return nil, nil, errf("%v", err)
	}
	x := New(n, mB, m)
	for _, s := range []Side{A, B} {
		if err := a.vectors(x, s); err != nil {
			return nil, nil, err
		}
	}
	h, err := a.ann(x)
	if err != nil {
		return nil, nil, err
	}
	return x, h, nil
}

// npzArchive is an open .npz archive.
type npzArchive struct {
	z    *zip.Reader
	errf func(string, ...any) error
}

// find returns the entry of array name: "name.npy" as numpy.savez writes
// it, or "name" as npyio's npz writer does.
func (a *npzArchive) find(name string) *zip.File {
	for _, k := range []string{name + ".npy", name} {
		for _, f := range a.z.File {
			if f.Name == k {
				return f
			}
		}
	}
	return nil
}

// count returns how many entries of the archive have f's name (0 for nil).
func (a *npzArchive) count(f *zip.File) int {
	n := 0
	for _, g := range a.z.File {
		if f != nil && g.Name == f.Name {
			n++
		}
	}
	return n
}

// open opens array name and reads its header; the entry's size must be
// what the header promises.
func (a *npzArchive) open(name string) (*npy.Header, io.Reader, func(), error) {
	f := a.find(name)
	if n := a.count(f); n > 1 {
		// numpy.load takes the last of them, Go's zip the first: ambiguous.
		return nil, nil, nil, a.errf("%d entries named %s; want one per array", n, f.Name)
	}
	if f == nil {
		var names []string
		for _, f := range a.z.File {
			names = append(names, f.Name)
		}
		return nil, nil, nil, a.errf("no array %q (found %v); expected A, B and dims", name, names)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, nil, nil, a.errf("array %s: %v", name, err)
	}
	br := bufio.NewReaderSize(rc, 1<<16)
	h, err := npy.ReadHeader(br)
	if err != nil {
		rc.Close()
		return nil, nil, nil, a.errf("array %s: %v", name, err)
	}
	want := memlimit.Add(h.Offset, h.DataBytes())
	if have := f.UncompressedSize64; have != uint64(want) {
		rc.Close()
		return nil, nil, nil, a.errf("array %s: the entry holds %d bytes, its header (shape %s, dtype %s) promises %d",
			name, have, npy.ShapeString(h.Shape), h.Dtype.Descr, want)
	}
	return h, br, func() { rc.Close() }, nil
}

// dims reads the array dims, [N M m].
func (a *npzArchive) dims() (n, mB, m int, err error) {
	h, r, done, err := a.open("dims")
	if err != nil {
		return 0, 0, 0, err
	}
	defer done()
	if len(h.Shape) != 1 || h.Shape[0] != 3 {
		return 0, 0, 0, a.errf("array dims has shape %s, expected (3,): [N M m]", npy.ShapeString(h.Shape))
	}
	d, err := npy.ReadInt64s(r, h, 3)
	if err != nil {
		return 0, 0, 0, a.errf("array dims: %v, expected integers [N M m]", err)
	}
	for _, v := range d {
		if v < 0 || v > math.MaxInt32 {
			return 0, 0, 0, a.errf("array dims = %v, expected three sizes [N M m] from 0 to 2^31−1", d)
		}
	}
	return int(d[0]), int(d[1]), int(d[2]), nil
}

// vectors reads array A or B into side s of x.
func (a *npzArchive) vectors(x *Instance, s Side) error {
	name := s.String()
	h, r, done, err := a.open(name)
	if err != nil {
		return err
	}
	defer done()
	rows, m := x.Len(s), x.Dim()
	ok := len(h.Shape) == 2 && h.Shape[0] == rows && h.Shape[1] == m || rows*m == 0 && h.Count() == 0 // npyio writes empty matrices with odd shapes
	if !ok {
		return a.errf("array %s has shape %s, dims say (%d, %d)", name, npy.ShapeString(h.Shape), rows, m)
	}
	if rows*m == 0 {
		return nil
	}
	err = npy.ReadBitsFunc(r, h, func(off int, bits []byte) {
		for k, b := range bits {
			if b == 0 {
				continue
			}
			i, c := (off+k)/m, (off+k)%m
			if h.Fortran {
				i, c = (off+k)%rows, (off+k)/rows
			}
			x.data[s][i*x.words+c>>6] |= 1 << (uint(c) & 63)
		}
	})
	var be *npy.BitError
	switch {
	case errors.As(err, &be):
		i, c := be.Index/m, be.Index%m
		if h.Fortran {
			i, c = be.Index%rows, be.Index/rows
		}
		return a.errf("%s[%d][%d] = %s, expected 0 or 1", name, i, c, be.Value)
	case err != nil:
		return a.errf("array %s: %v (dtype %s, expected uint8)", name, err, h.Dtype.Descr)
	}
	return nil
}

// ann reads the optional array ann, [t ε], and checks it against x.
func (a *npzArchive) ann(x *Instance) (*Hamming, error) {
	if a.find("ann") == nil {
		return nil, nil
	}
	h, r, done, err := a.open("ann")
	if err != nil {
		return nil, err
	}
	defer done()
	if len(h.Shape) != 1 || h.Shape[0] != 2 {
		return nil, a.errf("array ann has shape %s, expected (2,): [t eps]", npy.ShapeString(h.Shape))
	}
	p, err := npy.ReadFloat64s(r, h, 2)
	if err != nil {
		return nil, a.errf("array ann: %v, expected float64 [t eps]", err)
	}
	if p[0] < 0 || p[0] != math.Trunc(p[0]) || p[0] > math.MaxInt32 || !(p[1] > 0) || math.IsInf(p[1], 0) {
		return nil, a.errf("array ann = %v, expected [t eps] with an integer t ≥ 0 and ε > 0", p)
	}
	hm := &Hamming{Instance: x, T: int(p[0]), Eps: p[1]}
	if err := hm.check(x.Dim()); err != nil {
		return nil, a.errf("array ann: %v", err)
	}
	return hm, nil
}
