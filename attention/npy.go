package attention

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"codeberg.org/sbinet/npyio"
	"github.com/hardnesslab/hardness/internal/fileio"
	"gonum.org/v1/gonum/mat"
)

// maxNPYHeader bounds the header length read from a file, so a corrupt
// length cannot make the reader allocate gigabytes. NumPy's own headers are
// a few hundred bytes.
const maxNPYHeader = 1 << 20

// ReadNPY reads a 2-D matrix from the NumPy .npy file at path. The dtype
// must be float64 or float32 (widened to float64), either byte order, C or
// Fortran order. Every error names the file and says what was expected:
// wrong dtype, wrong rank, empty, truncated or over-long data, and NaN or
// ±Inf entries (with their row and column, counted from 0).
func ReadNPY(path string) (*mat.Dense, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *PathError names the file
	}
	defer f.Close()
	return DecodeNPY(bufio.NewReaderSize(f, 1<<16), path)
}

// DecodeNPY reads a .npy matrix from r as ReadNPY does; name is used in
// error messages.
func DecodeNPY(r io.Reader, name string) (*mat.Dense, error) {
	hdr, err := readNPYHeader(r, name)
	if err != nil {
		return nil, err
	}
	esize, order, err := npyDtype(hdr.Descr.Type)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	shape := hdr.Descr.Shape
	if len(shape) != 2 {
		return nil, fmt.Errorf("%s: array of rank %d (shape %s); want a 2-D matrix", name, len(shape), shapeString(shape))
	}
	rows, cols := shape[0], shape[1]
	if rows <= 0 || cols <= 0 {
		return nil, fmt.Errorf("%s: empty or invalid shape %s; want at least one row and one column", name, shapeString(shape))
	}
	if rows > math.MaxInt32 || cols > math.MaxInt32 || rows > math.MaxInt/8/cols {
		return nil, fmt.Errorf("%s: shape %s is too large", name, shapeString(shape))
	}
	data, err := readNPYData(r, name, rows*cols, esize, order)
	if err != nil {
		return nil, err
	}
	m := mat.NewDense(rows, cols, data)
	if hdr.Descr.Fortran {
		t := mat.NewDense(rows, cols, nil)
		t.Copy(mat.NewDense(cols, rows, data).T())
		m = t
	}
	if err := checkFinite(m, name); err != nil {
		return nil, err
	}
	return m, nil
}

// readNPYHeader parses the header with npyio after checking the magic, the
// version and the header length itself, so that malformed headers give an
// error rather than a huge allocation or a panic inside npyio.
func readNPYHeader(r io.Reader, name string) (hdr npyio.Header, err error) {
	var pre [10]byte
	if _, err := io.ReadFull(r, pre[:8]); err != nil {
		return hdr, fmt.Errorf("%s: truncated .npy header: %w", name, noEOF(err))
	}
	if !bytes.Equal(pre[:6], npyio.Magic[:]) {
		return hdr, fmt.Errorf("%s: not a .npy file (no \\x93NUMPY magic); want a file written by numpy.save", name)
	}
	var n int
	prefix := pre[:8]
	switch pre[6] {
	case 1:
		if _, err := io.ReadFull(r, pre[8:10]); err != nil {
			return hdr, fmt.Errorf("%s: truncated .npy header: %w", name, noEOF(err))
		}
		n, prefix = int(binary.LittleEndian.Uint16(pre[8:10])), pre[:10]
	case 2, 3:
		var l [4]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return hdr, fmt.Errorf("%s: truncated .npy header: %w", name, noEOF(err))
		}
		n, prefix = int(binary.LittleEndian.Uint32(l[:])), append(pre[:8:8], l[:]...)
		prefix[6] = 2 // npyio reads version 3 (utf-8 header) as version 2
	default:
		return hdr, fmt.Errorf("%s: .npy format version %d.%d; want 1.0, 2.0 or 3.0", name, pre[6], pre[7])
	}
	if n > maxNPYHeader {
		return hdr, fmt.Errorf("%s: .npy header of %d bytes; want at most %d", name, n, maxNPYHeader)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return hdr, fmt.Errorf("%s: truncated .npy header: %w", name, noEOF(err))
	}
	if !bytes.HasSuffix(bytes.TrimRight(body, " \x00"), []byte("\n")) || !bytes.Contains(body, []byte("}")) {
		return hdr, fmt.Errorf("%s: malformed .npy header %q; want a Python dict ending in a newline", name, body)
	}
	defer func() { // npyio slices the header without bounds checks
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: malformed .npy header %q", name, body)
		}
	}()
	nr, err := npyio.NewReader(io.MultiReader(bytes.NewReader(prefix), bytes.NewReader(body)))
	if err != nil {
		return hdr, fmt.Errorf("%s: malformed .npy header %q: %w", name, body, err)
	}
	return nr.Header, nil
}

// npyDtype returns the element size and byte order of a float dtype such
// as '<f8'.
func npyDtype(descr string) (int, binary.ByteOrder, error) {
	t := strings.Trim(strings.TrimSpace(descr), `'"`)
	want := "want float64 ('<f8') or float32 ('<f4')"
	if len(t) != 3 {
		return 0, nil, fmt.Errorf("dtype %s; %s", descr, want)
	}
	var order binary.ByteOrder
	switch t[0] {
	case '<', '|', '=':
		order = binary.LittleEndian
		if t[0] == '=' {
			order = binary.NativeEndian
		}
	case '>':
		order = binary.BigEndian
	default:
		return 0, nil, fmt.Errorf("dtype %s; %s", descr, want)
	}
	switch t[1:] {
	case "f8":
		return 8, order, nil
	case "f4":
		return 4, order, nil
	}
	return 0, nil, fmt.Errorf("dtype %s; %s", descr, want)
}

// readNPYData reads n elements of esize bytes in chunks, so that a header
// promising more data than the file holds fails without allocating for it,
// and then checks that nothing follows.
func readNPYData(r io.Reader, name string, n, esize int, order binary.ByteOrder) ([]float64, error) {
	data := make([]float64, 0, min(n, 1<<20))
	buf := make([]byte, 1<<16)
	for len(data) < n {
		chunk := min(n-len(data), len(buf)/esize)
		b := buf[:chunk*esize]
		if got, err := io.ReadFull(r, b); err != nil {
			have := len(data)*esize + got
			return nil, fmt.Errorf("%s: truncated data: %d of %d bytes (%d of %d entries); want the whole array", name, have, n*esize, have/esize, n)
		}
		for i := 0; i < len(b); i += esize {
			if esize == 8 {
				data = append(data, math.Float64frombits(order.Uint64(b[i:])))
			} else {
				data = append(data, float64(math.Float32frombits(order.Uint32(b[i:]))))
			}
		}
	}
	if extra, _ := io.Copy(io.Discard, r); extra > 0 {
		return nil, fmt.Errorf("%s: %d bytes after the %d entries of the array; want nothing", name, extra, n)
	}
	return data, nil
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

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func shapeString(s []int) string {
	if len(s) == 1 {
		return fmt.Sprintf("(%d,)", s[0])
	}
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = fmt.Sprint(x)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// WriteNPY writes m to path as a little-endian float64 .npy file (C
// order) that numpy.load reads, atomically: a reader never sees a partial
// file.
func WriteNPY(path string, m *mat.Dense) error {
	return fileio.WriteAtomic(path, func(w io.Writer) error { return npyio.Write(w, m) })
}

// ReadQKV reads Q, K and V from three .npy files and checks that their
// shapes agree (Q n_q×d, K n_k×d, V n_k×d_v), with an error naming the
// files otherwise.
func ReadQKV(qPath, kPath, vPath string) (q, k, v *mat.Dense, err error) {
	if q, err = ReadNPY(qPath); err != nil {
		return nil, nil, nil, err
	}
	if k, err = ReadNPY(kPath); err != nil {
		return nil, nil, nil, err
	}
	if v, err = ReadNPY(vPath); err != nil {
		return nil, nil, nil, err
	}
	if err := CheckQKV(qPath, kPath, vPath, q, k, v); err != nil {
		return nil, nil, nil, err
	}
	return q, k, v, nil
}

// CheckQKV returns an error, naming the files, unless Q is n_q×d, K is
// n_k×d and V is n_k×d_v with all sizes positive.
func CheckQKV(qName, kName, vName string, q, k, v *mat.Dense) error {
	nq, d := q.Dims()
	nk, dk := k.Dims()
	nv, dv := v.Dims()
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
