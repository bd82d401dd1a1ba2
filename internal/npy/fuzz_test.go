package npy

import (
	"bytes"
	"math"
	"reflect"
	"testing"

	"github.com/hardnesslab/hardness/internal/allocs"
)

// FuzzReadHeader: the header parser and the data readers never panic,
// allocate at most a few times their input (whatever shape the header
// declares), accept only well-formed results, and what they accept
// round-trips through WriteHeader and WriteFloat64s.
func FuzzReadHeader(f *testing.F) {
	for _, d := range []string{
		"{'descr': '<f8', 'fortran_order': False, 'shape': (64, 8), }",
		"{'shape': (2, 3), 'fortran_order': False, 'descr': '<f8'}",
		`{"descr": "<f8", "fortran_order": False, "shape": (2, 3)}`,
		"{'descr': '<d', 'fortran_order': True, 'shape': (2L, 3L), }",
		"{'descr': '|u1', 'fortran_order': False, 'shape': ((3),(2)), }",
		"{'descr': '>f4', 'fortran_order': False, 'shape': (), }",
		"{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }",
		"{'descr': '|u7', 'fortran_order': False, 'shape': ('a', 32), }",
		"{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,)}",
		"", "{", "(((((", "{'descr': u'\\x3cf8' 'x', # c\n 'shape': (0x10, 0o7, 0b1, 1_0)}",
	} {
		f.Add(npyFile(d, make([]byte, 48)))
		f.Add(npyFileVersion(3, d, make([]byte, 24)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var (
			h    *Header
			err  error
			xs   []float64
			xerr error
		)
		used := allocs.Of(func() {
			r := bytes.NewReader(data)
			h, err = ReadHeader(r)
			if err == nil && h.Dtype.Kind == 'f' {
				xs, xerr = ReadFloat64s(r, h, 0)
			} else if err == nil {
				_, xerr = ReadInt64s(r, h, 0)
			}
		})
		if budget := uint64(256<<10 + 256*len(data)); used > budget {
			t.Fatalf("ReadHeader and data allocated %d bytes; budget %d (input %d bytes)", used, budget, len(data))
		}
		if err != nil {
			return
		}
		if h.Offset > int64(len(data)) || h.Offset < 10 {
			t.Fatalf("Offset %d outside the input of %d bytes", h.Offset, len(data))
		}
		for _, d := range h.Shape {
			if d < 0 {
				t.Fatalf("negative shape %v accepted", h.Shape)
			}
		}
		if h.Dtype.Kind != 'f' || xerr != nil || h.Fortran {
			return
		}
		var buf bytes.Buffer
		if err := WriteFloat64s(&buf, h.Shape, xs); err != nil {
			t.Fatal(err)
		}
		r := bytes.NewReader(buf.Bytes())
		h2, err := ReadHeader(r)
		if err != nil || !reflect.DeepEqual(h2.Shape, h.Shape) || h2.Offset%64 != 0 {
			t.Fatalf("round trip header: %v, %+v; want shape %v", err, h2, h.Shape)
		}
		ys, err := ReadFloat64s(r, h2, 0)
		if err != nil || len(ys) != len(xs) {
			t.Fatalf("round trip data: %v, %d of %d values", err, len(ys), len(xs))
		}
		for i := range xs {
			if math.Float64bits(xs[i]) != math.Float64bits(ys[i]) && !(h.Dtype.Size == 4 && math.IsNaN(xs[i])) {
				t.Fatalf("round trip value %d: %v, want %v", i, ys[i], xs[i])
			}
		}
	})
}
