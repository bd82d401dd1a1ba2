package attention

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/hardnesslab/hardness/internal/fileio"
	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/internal/npy"
	"gonum.org/v1/gonum/mat"
)

// ReadNPY reads a 2-D matrix from the NumPy .npy file at path (or a
// batch of one, shape [1, …, 1, n, d], as gen suite --layout bhnd writes).
// The dtype must be float64 or float32 (widened to float64), either byte
// order, C or Fortran order; the header is parsed as numpy.load parses it (package
// internal/npy). Every error names the file and says what was expected:
// wrong dtype, wrong rank, empty, truncated or over-long data, and NaN or
// ±Inf entries (with their row and column, counted from 0). The file's
// size is checked against its header before the data is allocated.
func ReadNPY(path string) (*mat.Dense, error) {
	f, err := openNPY(path)
	if err != nil {
		return nil, err
	}
	defer f.close()
	if err := f.checkSize(); err != nil {
		return nil, err
	}
	return f.read()
}

// DecodeNPY reads a .npy matrix from r as ReadNPY does; name is used in
// error messages. The data is read in chunks, so a header promising more
// than r holds fails without allocating for it.
func DecodeNPY(r io.Reader, name string) (*mat.Dense, error) {
	f := &npyFile{name: name, r: r}
	if err := f.header(); err != nil {
		return nil, err
	}
	return f.read()
}

// npyFile is a .npy matrix whose header has been read.
type npyFile struct {
	name       string
	r          io.Reader
	osf        *os.File // nil for DecodeNPY
	h          *npy.Header
	rows, cols int
	known      bool // the input's size matches the header: allocate at once
}

// openNPY opens path and reads and checks its header.
func openNPY(path string) (*npyFile, error) { return openNPYContext(context.Background(), path) }

// openNPYContext is openNPY reading through fileio.ContextReader, so that
// reading a large matrix stops when ctx ends.
func openNPYContext(ctx context.Context, path string) (*npyFile, error) {
	osf, err := os.Open(path)
	if err != nil {
		return nil, err // *PathError names the file
	}
	f := &npyFile{name: path, r: bufio.NewReaderSize(fileio.ContextReader(ctx, osf), 1<<16), osf: osf}
	if err := f.header(); err != nil {
		osf.Close()
		return nil, err
	}
	return f, nil
}

func (f *npyFile) close() {
	if f.osf != nil {
		f.osf.Close()
	}
}

// header reads the header and checks dtype and shape.
func (f *npyFile) header() error {
	h, err := npy.ReadHeader(f.r)
	if err != nil {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	f.h = h
	if h.Dtype.Kind != 'f' {
		return fmt.Errorf("%s: dtype '%s'; want float64 ('<f8') or float32 ('<f4')", f.name, h.Dtype.Descr)
	}
	shape := h.Shape
	for len(shape) > 2 && shape[0] == 1 {
		shape = shape[1:] // a batch of one, e.g. [1, 1, n, d] (gen suite --layout bhnd): the same bytes as [n, d]
	}
	if len(shape) != 2 {
		return fmt.Errorf("%s: array of rank %d (shape %s); want a 2-D matrix [n, d] (or [1, …, 1, n, d])", f.name, len(h.Shape), npy.ShapeString(h.Shape))
	}
	f.rows, f.cols = shape[0], shape[1]
	if f.rows <= 0 || f.cols <= 0 {
		return fmt.Errorf("%s: empty or invalid shape %s; want at least one row and one column", f.name, npy.ShapeString(h.Shape))
	}
	if f.rows > math.MaxInt32 || f.cols > math.MaxInt32 || memlimit.Mul(int64(f.rows), int64(f.cols), 8) > memlimit.MaxLimit {
		return fmt.Errorf("%s: shape %s is too large", f.name, npy.ShapeString(h.Shape))
	}
	return nil
}

// bytes returns the memory the matrix takes once read: 8·rows·cols, twice
// for Fortran order (the transpose is a copy).
func (f *npyFile) bytes() int64 {
	b := memlimit.Mul(int64(f.rows), int64(f.cols), 8)
	if f.h.Fortran {
		b = memlimit.Mul(b, 2)
	}
	return b
}

// checkSize compares the file's size with the header's promise, before
// any data is read.
func (f *npyFile) checkSize() error {
	st, err := f.osf.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil // a pipe or device: read in chunks and see
	}
	want := memlimit.Add(f.h.Offset, f.h.DataBytes())
	switch have := st.Size(); {
	case have < want:
		n := (have - f.h.Offset) / int64(f.h.Dtype.Size)
		return fmt.Errorf("%s: truncated data: %d of %d bytes (%d of %d entries); want the whole array",
			f.name, have-f.h.Offset, f.h.DataBytes(), n, f.h.Count())
	case have > want:
		return fmt.Errorf("%s: %d bytes after the %d entries of the array; want nothing", f.name, have-want, f.h.Count())
	}
	f.known = true
	return nil
}

// read reads the data and returns the matrix.
func (f *npyFile) read() (*mat.Dense, error) {
	capHint := 0
	if f.known {
		capHint = f.rows * f.cols
	}
	data, err := npy.ReadFloat64s(f.r, f.h, capHint)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	if extra, _ := io.Copy(io.Discard, io.LimitReader(f.r, 1<<20)); extra > 0 {
		return nil, fmt.Errorf("%s: %d bytes after the %d entries of the array; want nothing", f.name, extra, len(data))
	}
	m := mat.NewDense(f.rows, f.cols, data)
	if f.h.Fortran {
		t := mat.NewDense(f.rows, f.cols, nil)
		t.Copy(mat.NewDense(f.cols, f.rows, data).T())
		m = t
	}
	if err := checkFinite(m, f.name); err != nil {
		return nil, err
	}
	return m, nil
}

// checkFinite returns an error naming the first NaN or infinite entry.
func checkFinite(m *mat.Dense, name string) error {
	r, c := m.Dims()
	for i := range r {
		for j, x := range m.RawRowView(i)[:c] {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("%s: entry at row %d, column %d is %v; want finite numbers (rows and columns count from 0)", name, i, j, x)
			}
		}
	}
	return nil
}

// WriteNPY writes m to path as a little-endian float64 .npy file (C
// order) that numpy.load reads, atomically: a reader never sees a partial
// file.
func WriteNPY(path string, m *mat.Dense) error {
	return fileio.WriteAtomic(path, func(w io.Writer) error { return EncodeNPY(w, m) })
}

// EncodeNPY writes m to w as a little-endian float64 .npy file (C order,
// format version 1.0, the header padded to 64 bytes as numpy.save pads it).
func EncodeNPY(w io.Writer, m *mat.Dense) error {
	r, c := m.Dims()
	if err := npy.WriteHeader(w, "<f8", false, []int{r, c}); err != nil {
		return err
	}
	buf := make([]byte, 0, 8*c)
	for i := range r {
		buf = buf[:0]
		for _, x := range m.RawRowView(i)[:c] {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(x))
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// ReadQKV reads Q, K and V from three .npy files and checks that their
// shapes agree (Q n_q×d, K n_k×d, V n_k×d_v), with an error naming the
// files otherwise. See [ReadQKVLimit].
func ReadQKV(qPath, kPath, vPath string) (q, k, v *mat.Dense, err error) {
	return ReadQKVLimit(qPath, kPath, vPath, 0)
}

// ReadQKVLimit reads Q, K and V like [ReadQKV], but first reads the three
// headers alone and refuses, with a *memlimit.Error, matrices that
// together would exceed maxMemory bytes (0: memlimit.Default), and shapes
// that disagree — before any data is read.
func ReadQKVLimit(qPath, kPath, vPath string, maxMemory int64) (q, k, v *mat.Dense, err error) {
	return ReadQKVContext(context.Background(), qPath, kPath, vPath, maxMemory)
}

// ReadQKVContext is [ReadQKVLimit] that stops reading when ctx ends, with
// ctx's error.
func ReadQKVContext(ctx context.Context, qPath, kPath, vPath string, maxMemory int64) (q, k, v *mat.Dense, err error) {
	var fs [3]*npyFile
	defer func() {
		for _, f := range fs {
			if f != nil {
				f.close()
			}
		}
	}()
	need := int64(0)
	for i, p := range []string{qPath, kPath, vPath} {
		if fs[i], err = openNPYContext(ctx, p); err != nil {
			return nil, nil, nil, err
		}
		need = memlimit.Add(need, fs[i].bytes())
	}
	if err := checkShapes(qPath, kPath, vPath, fs[0].rows, fs[0].cols, fs[1].rows, fs[1].cols, fs[2].rows, fs[2].cols); err != nil {
		return nil, nil, nil, err
	}
	what := fmt.Sprintf("reading Q %d×%d, K %d×%d and V %d×%d", fs[0].rows, fs[0].cols, fs[1].rows, fs[1].cols, fs[2].rows, fs[2].cols)
	if err := memlimit.Check(what, need, maxMemory, "use smaller matrices or raise --max-memory"); err != nil {
		return nil, nil, nil, err
	}
	var ms [3]*mat.Dense
	for i, f := range fs {
		if err := f.checkSize(); err != nil {
			return nil, nil, nil, err
		}
		if ms[i], err = f.read(); err != nil {
			return nil, nil, nil, err
		}
	}
	return ms[0], ms[1], ms[2], nil
}

// CheckQKV returns an error, naming the files, unless Q is n_q×d, K is
// n_k×d and V is n_k×d_v with all sizes positive.
func CheckQKV(qName, kName, vName string, q, k, v *mat.Dense) error {
	nq, d := q.Dims()
	nk, dk := k.Dims()
	nv, dv := v.Dims()
	return checkShapes(qName, kName, vName, nq, d, nk, dk, nv, dv)
}

func checkShapes(qName, kName, vName string, nq, d, nk, dk, nv, dv int) error {
	switch {
	case nq == 0 || d == 0 || nk == 0 || dk == 0 || nv == 0 || dv == 0:
		return fmt.Errorf("empty matrix: %s is %d×%d, %s is %d×%d, %s is %d×%d", qName, nq, d, kName, nk, dk, vName, nv, dv)
	case dk != d:
		return fmt.Errorf("%s has %d columns but %s has %d; want Q and K with the same number of columns d", qName, d, kName, dk)
	case nv != nk:
		return fmt.Errorf("%s has %d rows but %s has %d; want one value row per key", vName, nv, kName, nk)
	}
	return nil
}
