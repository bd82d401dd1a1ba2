package npy

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// chunk is the number of bytes read at a time.
const chunk = 1 << 16

// readElems reads n elements of h's dtype from r in chunks and passes each
// chunk's raw bytes to f. A short input is an error saying how much was
// there; capacity hints never exceed what was read plus one chunk.
func readElems(r io.Reader, h *Header, n int64, f func(b []byte) error) error {
	size := int64(h.Dtype.Size)
	buf := make([]byte, chunk-chunk%size)
	var done int64
	for done < n {
		k := min(n-done, int64(len(buf))/size)
		b := buf[:k*size]
		if got, err := io.ReadFull(r, b); err != nil {
			have := done*size + int64(got)
			return fmt.Errorf("truncated data: %d of %d bytes (%d of %d elements of shape %s); want the whole array",
				have, n*size, have/size, n, ShapeString(h.Shape))
		}
		if err := f(b); err != nil {
			return err
		}
		done += k
	}
	return nil
}

// count returns h.Count() as an int, or an error if it cannot be held.
func count(h *Header) (int, error) {
	n := h.Count()
	if int64(int(n)) != n || n > math.MaxInt/8 {
		return 0, fmt.Errorf("shape %s has too many elements", ShapeString(h.Shape))
	}
	return int(n), nil
}

// ReadFloat64s reads the data of a float header (f4 or f8, widened) from
// r, positioned after the header. The caller checks h.DataBytes() (times
// 8/size for f4) against its memory limit first; capHint is the number of
// elements to allocate up front (pass the count when the input size is
// known to match, else 0 to grow as data arrives).
func ReadFloat64s(r io.Reader, h *Header, capHint int) ([]float64, error) {
	if h.Dtype.Kind != 'f' {
		return nil, fmt.Errorf("dtype %s; want float64 ('<f8') or float32 ('<f4')", h.Dtype.Descr)
	}
	n, err := count(h)
	if err != nil {
		return nil, err
	}
	out := make([]float64, 0, max(min(capHint, n), min(n, chunk/8)))
	order := h.Dtype.Order
	err = readElems(r, h, int64(n), func(b []byte) error {
		if h.Dtype.Size == 8 {
			for i := 0; i < len(b); i += 8 {
				out = append(out, math.Float64frombits(order.Uint64(b[i:])))
			}
			return nil
		}
		for i := 0; i < len(b); i += 4 {
			out = append(out, float64(math.Float32frombits(order.Uint32(b[i:]))))
		}
		return nil
	})
	return out, err
}

// ReadInt64s reads the data of an integer or bool header from r; an
// unsigned value above MaxInt64 is an error.
func ReadInt64s(r io.Reader, h *Header, capHint int) ([]int64, error) {
	if h.Dtype.Kind == 'f' {
		return nil, fmt.Errorf("dtype %s; want an integer dtype such as '<i8'", h.Dtype.Descr)
	}
	n, err := count(h)
	if err != nil {
		return nil, err
	}
	out := make([]int64, 0, max(min(capHint, n), min(n, chunk/8)))
	err = readElems(r, h, int64(n), func(b []byte) error {
		for i := 0; i < len(b); i += h.Dtype.Size {
			v, ok := intAt(b[i:i+h.Dtype.Size], h.Dtype)
			if !ok {
				return fmt.Errorf("element %d does not fit in int64", len(out))
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// ReadBits reads the data of an integer or bool header whose elements must
// all be 0 or 1, as bytes; the error names the first other element by its
// flat (C- or Fortran-order, as stored) index.
func ReadBits(r io.Reader, h *Header, capHint int) ([]byte, error) {
	if h.Dtype.Kind == 'f' {
		return nil, fmt.Errorf("dtype %s; want uint8 ('|u1'), bool ('|b1') or another integer dtype", h.Dtype.Descr)
	}
	n, err := count(h)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, max(min(capHint, n), min(n, chunk)))
	err = readElems(r, h, int64(n), func(b []byte) error {
		for i := 0; i < len(b); i += h.Dtype.Size {
			v, ok := intAt(b[i:i+h.Dtype.Size], h.Dtype)
			if !ok || v < 0 || v > 1 {
				return &BitError{Index: len(out), Value: describeInt(b[i:i+h.Dtype.Size], h.Dtype)}
			}
			out = append(out, byte(v))
		}
		return nil
	})
	return out, err
}

// ReadBitsFunc reads a 0/1 array like [ReadBits] without holding it:
// each chunk of decoded values is passed to f with the flat index of its
// first element. It returns a *BitError at the first other value.
func ReadBitsFunc(r io.Reader, h *Header, f func(off int, bits []byte)) error {
	if h.Dtype.Kind == 'f' {
		return fmt.Errorf("dtype %s; want uint8 ('|u1'), bool ('|b1') or another integer dtype", h.Dtype.Descr)
	}
	n, err := count(h)
	if err != nil {
		return err
	}
	bits := make([]byte, 0, chunk)
	off := 0
	return readElems(r, h, int64(n), func(b []byte) error {
		bits = bits[:0]
		for i := 0; i < len(b); i += h.Dtype.Size {
			v, ok := intAt(b[i:i+h.Dtype.Size], h.Dtype)
			if !ok || v < 0 || v > 1 {
				f(off, bits)
				return &BitError{Index: off + len(bits), Value: describeInt(b[i:i+h.Dtype.Size], h.Dtype)}
			}
			bits = append(bits, byte(v))
		}
		f(off, bits)
		off += len(bits)
		return nil
	})
}

// BitError is an element of a 0/1 array that is neither.
type BitError struct {
	Index int    // flat index in storage order
	Value string // the element as read
}

func (e *BitError) Error() string {
	return fmt.Sprintf("element %d is %s, expected 0 or 1", e.Index, e.Value)
}

// intAt decodes one integer element; ok is false for a uint64 above
// MaxInt64.
func intAt(b []byte, d Dtype) (int64, bool) {
	var u uint64
	switch d.Size {
	case 1:
		u = uint64(b[0])
		if d.Kind == 'i' {
			return int64(int8(b[0])), true
		}
	case 2:
		u = uint64(d.Order.Uint16(b))
		if d.Kind == 'i' {
			return int64(int16(u)), true
		}
	case 4:
		u = uint64(d.Order.Uint32(b))
		if d.Kind == 'i' {
			return int64(int32(u)), true
		}
	case 8:
		u = d.Order.Uint64(b)
		if d.Kind == 'i' {
			return int64(u), true
		}
	}
	return int64(u), u <= math.MaxInt64
}

func describeInt(b []byte, d Dtype) string {
	if v, ok := intAt(b, d); ok {
		return fmt.Sprint(v)
	}
	return fmt.Sprint(d.Order.Uint64(b))
}

// WriteFloat64s writes a little-endian float64 array of the given shape
// (C order): the header, then data.
func WriteFloat64s(w io.Writer, shape []int, data []float64) error {
	if err := WriteHeader(w, "<f8", false, shape); err != nil {
		return err
	}
	buf := make([]byte, 0, chunk)
	for _, x := range data {
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(x))
		if len(buf) == cap(buf) {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	_, err := w.Write(buf)
	return err
}
