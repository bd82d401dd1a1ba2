package ovp

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"codeberg.org/sbinet/npyio/npz"
	"github.com/hardnesslab/hardness/internal/memlimit"
)

// writeNPZ writes the arrays A, B (uint8, one row per vector), dims
// (int64 [N M m]) and, for Gap-ANN, ann (float64 [t eps]) as an
// uncompressed zip of .npy files, as numpy.savez does. The .npy files are
// written here (format version 1.0, NEP 1) rather than by npyio, whose
// writer reflects on every row (6 s for 2^15 rows of 192 coordinates
// against 0.1 s); they are read back with npyio.
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

// writeNPY adds name.npy to z: the magic, version 1.0, the header
// dictionary padded with spaces to a multiple of 64 bytes, and data.
func writeNPY(z *zip.Writer, name, descr string, shape []int, data []byte) error {
	f, err := z.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: zip.Store})
	if err != nil {
		return err
	}
	dims := make([]string, len(shape))
	for k, d := range shape {
		dims[k] = strconv.Itoa(d)
	}
	tuple := "(" + strings.Join(dims, ", ") + ")"
	if len(shape) == 1 {
		tuple = "(" + dims[0] + ",)"
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, tuple)
	pad := 63 - (10+len(dict))%64 // 10 bytes of preamble; the dict ends in '\n'
	hdr := append([]byte("\x93NUMPY\x01\x00"), 0, 0)
	binary.LittleEndian.PutUint16(hdr[8:], uint16(len(dict)+pad+1))
	hdr = append(hdr, dict...)
	hdr = append(hdr, strings.Repeat(" ", pad)...)
	hdr = append(hdr, '\n')
	if _, err := f.Write(hdr); err != nil {
		return err
	}
	_, err = f.Write(data)
	return err
}

// readNPZ reads an archive written by writeNPZ.
func readNPZ(path string, maxMemory int64) (*Instance, *Hamming, error) {
	// npyio reads arrays in small pieces; from the file each would be a
	// system call (16 s for 2^17 rows of 192 bytes), so read it whole.
	// Refuse first what could not fit: the file is about (N+M)·m bytes.
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if err := memlimit.Check("reading "+path, st.Size(), maxMemory, "raise --max-memory if the file is right"); err != nil {
		return nil, nil, err
	}
	buf, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	z, err := npz.NewReader(bytes.NewReader(buf), int64(len(buf)))
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", path, err)
	}
	errf := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...))
	}
	keys := z.Keys()
	// key returns the entry of array name: "name.npy" as numpy.savez
	// writes it, or "name" as npyio's npz.Write does.
	key := func(name string) (string, bool) {
		for _, k := range []string{name + ".npy", name} {
			if slices.Contains(keys, k) {
				return k, true
			}
		}
		return "", false
	}
	var names [3]string
	for n, k := range []string{"A", "B", "dims"} {
		var ok bool
		if names[n], ok = key(k); !ok {
			return nil, nil, errf("no array %q (found %v); expected A, B and dims", k, keys)
		}
	}
	var dims []int64
	if err := z.Read(names[2], &dims); err != nil {
		return nil, nil, errf("array dims: %v, expected int64 [N M m]", err)
	}
	if len(dims) != 3 || dims[0] < 0 || dims[1] < 0 || dims[2] < 0 || dims[0] > math.MaxInt32 || dims[1] > math.MaxInt32 || dims[2] > math.MaxInt32 {
		return nil, nil, errf("array dims = %v, expected three sizes [N M m]", dims)
	}
	n, mB, m := int(dims[0]), int(dims[1]), int(dims[2])
	if err := memlimit.Check(fmt.Sprintf("instance of %d + %d vectors of dimension %d", n, mB, m),
		int64(Bytes(float64(n), float64(mB), m)+float64(max(n, mB)*m)), maxMemory, "raise --max-memory if the file is right"); err != nil {
		return nil, nil, errf("%v", err)
	}
	x := New(n, mB, m)
	for _, s := range []Side{A, B} {
		name := s.String()
		hdr := z.Header(names[s])
		rows := x.Len(s)
		shape := hdr.Descr.Shape
		ok := len(shape) == 2 && shape[0] == rows && shape[1] == m || rows*m == 0 // nothing to read; npyio writes empty matrices with odd shapes
		if !ok {
			return nil, nil, errf("array %s has shape %v, dims say (%d, %d)", name, shape, rows, m)
		}
		if hdr.Descr.Fortran {
			return nil, nil, errf("array %s is in Fortran order, expected C order", name)
		}
		var data []uint8
		if rows*m > 0 {
			if err := z.Read(names[s], &data); err != nil {
				return nil, nil, errf("array %s: %v (dtype %s, expected uint8)", name, err, hdr.Descr.Type)
			}
		}
		for i := range rows {
			for c, v := range data[i*m : (i+1)*m] {
				if v > 1 {
					return nil, nil, errf("%s[%d][%d] = %d, expected 0 or 1", name, i, c, v)
				}
			}
			x.SetVector(s, i, data[i*m:(i+1)*m])
		}
	}
	annKey, ok := key("ann")
	if !ok {
		return x, nil, nil
	}
	var p []float64
	if err := z.Read(annKey, &p); err != nil {
		return nil, nil, errf("array ann: %v, expected float64 [t eps]", err)
	}
	if len(p) != 2 || p[0] < 0 || p[0] != math.Trunc(p[0]) || p[0] > math.MaxInt32 || !(p[1] > 0) || math.IsInf(p[1], 0) {
		return nil, nil, errf("array ann = %v, expected [t eps] with an integer t ≥ 0 and ε > 0", p)
	}
	return x, &Hamming{Instance: x, T: int(p[0]), Eps: p[1]}, nil
}
