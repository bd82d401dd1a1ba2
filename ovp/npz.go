package ovp

import (
	"fmt"
	"io"
	"math"
	"slices"

	"codeberg.org/sbinet/npyio/npz"
	"github.com/hardnesslab/hardness/internal/memlimit"
)

// writeNPZ writes the arrays A, B (uint8, one row per vector), dims
// (int64 [N M m]) and, for Gap-ANN, ann (float64 [t eps]).
func writeNPZ(w io.Writer, x *Instance, h *Hamming) error {
	z := npz.NewWriter(w)
	for _, s := range []Side{A, B} {
		rows := make([][]uint8, x.Len(s))
		for i := range rows {
			rows[i] = x.Vector(s, i)
		}
		if err := z.Write(s.String(), rows); err != nil {
			return err
		}
	}
	if err := z.Write("dims", []int64{int64(x.N()), int64(x.M()), int64(x.Dim())}); err != nil {
		return err
	}
	if h != nil {
		if err := z.Write("ann", []float64{float64(h.T), h.Eps}); err != nil {
			return err
		}
	}
	return z.Close()
}

// readNPZ reads an archive written by writeNPZ.
func readNPZ(path string, maxMemory int64) (*Instance, *Hamming, error) {
	z, err := npz.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", path, err)
	}
	defer z.Close()
	errf := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...))
	}
	keys := z.Keys()
	for _, k := range []string{"A", "B", "dims"} {
		if !slices.Contains(keys, k) {
			return nil, nil, errf("no array %q (found %v); expected A, B and dims", k, keys)
		}
	}
	var dims []int64
	if err := z.Read("dims", &dims); err != nil {
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
		hdr := z.Header(name)
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
			if err := z.Read(name, &data); err != nil {
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
	if !slices.Contains(keys, "ann") {
		return x, nil, nil
	}
	var p []float64
	if err := z.Read("ann", &p); err != nil {
		return nil, nil, errf("array ann: %v, expected float64 [t eps]", err)
	}
	if len(p) != 2 || p[0] < 0 || p[0] != math.Trunc(p[0]) || p[0] > math.MaxInt32 || !(p[1] > 0) || math.IsInf(p[1], 0) {
		return nil, nil, errf("array ann = %v, expected [t eps] with an integer t ≥ 0 and ε > 0", p)
	}
	return x, &Hamming{Instance: x, T: int(p[0]), Eps: p[1]}, nil
}
