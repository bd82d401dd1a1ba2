package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hardnesslab/hardness/internal/memlimit"
)

// Magic is the first six bytes of every .npy file.
const Magic = "\x93NUMPY"

// MaxHeader is the longest header accepted, numpy.load's default
// (format.py's _MAX_HEADER_SIZE).
const MaxHeader = 10000

// Header is a parsed .npy header.
type Header struct {
	Major, Minor byte  // format version: 1.0, 2.0 or 3.0
	Dtype        Dtype // element type
	Fortran      bool  // column-major data
	Shape        []int // dimensions; () is a scalar
	Offset       int64 // bytes before the data: preamble and header
}

// Count returns the number of elements, the product of the shape, or
// memlimit.Overflow if it overflows.
func (h *Header) Count() int64 {
	n := int64(1)
	for _, d := range h.Shape {
		n = memlimit.Mul(n, int64(d))
	}
	return n
}

// DataBytes returns the size of the data, Count()·Dtype.Size, or
// memlimit.Overflow.
func (h *Header) DataBytes() int64 { return memlimit.Mul(h.Count(), int64(h.Dtype.Size)) }

// ShapeString returns the shape as Python writes it: "(64, 8)", "(3,)", "()".
func ShapeString(shape []int) string {
	if len(shape) == 1 {
		return fmt.Sprintf("(%d,)", shape[0])
	}
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// ReadHeader reads the magic, version, header length and header dict from
// r, leaving r at the first byte of the data. Errors say what was found
// and what was expected, without a file name (callers add it).
func ReadHeader(r io.Reader) (*Header, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, fmt.Errorf("truncated .npy preamble: %w", noEOF(err))
	}
	if string(pre[:6]) != Magic {
		return nil, errors.New(`not a .npy file (no "\x93NUMPY" magic); want a file written by numpy.save`)
	}
	h := &Header{Major: pre[6], Minor: pre[7]}
	lenBytes := 0
	switch {
	case h.Major == 1 && h.Minor == 0:
		lenBytes = 2
	case (h.Major == 2 || h.Major == 3) && h.Minor == 0:
		lenBytes = 4
	default:
		return nil, fmt.Errorf(".npy format version %d.%d; want 1.0, 2.0 or 3.0", h.Major, h.Minor)
	}
	var lb [4]byte
	if _, err := io.ReadFull(r, lb[:lenBytes]); err != nil {
		return nil, fmt.Errorf("truncated .npy header length: %w", noEOF(err))
	}
	n := int64(binary.LittleEndian.Uint32(lb[:]))
	if n > MaxHeader {
		return nil, fmt.Errorf(".npy header of %d bytes; numpy.load refuses headers above %d bytes", n, MaxHeader)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("truncated .npy header (%d bytes declared): %w", n, noEOF(err))
	}
	h.Offset = int64(8+lenBytes) + n
	if err := h.parseDict(body); err != nil {
		var de *DtypeError
		if errors.As(err, &de) {
			return nil, err // a well-formed header of a dtype we do not read
		}
		return nil, fmt.Errorf("malformed .npy header %s: %w", quote(body), err)
	}
	return h, nil
}

// parseDict evaluates the header dict and checks it as format.py does.
func (h *Header) parseDict(body []byte) error {
	text := string(body)
	if h.Major < 3 {
		text = latin1(body) // versions 1.0 and 2.0 are latin-1, 3.0 utf-8
	}
	v, err := evalLiteral(text, h.Major <= 2)
	if err != nil {
		return err
	}
	if v.kind != kindDict {
		return fmt.Errorf("the header is a %s, want a dict", v.kind)
	}
	d := map[string]*value{}
	for i, k := range v.keys {
		if k.kind != kindStr {
			return fmt.Errorf("key %s is a %s; want the str keys 'descr', 'fortran_order' and 'shape'", k, k.kind)
		}
		d[k.s] = v.items[i]
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if d[k] == nil {
			return fmt.Errorf("no key '%s'; want exactly the keys 'descr', 'fortran_order' and 'shape' (found %s)", k, keyList(v))
		}
	}
	if len(d) != 3 {
		return fmt.Errorf("keys %s; want exactly 'descr', 'fortran_order' and 'shape'", keyList(v))
	}
	if fo := d["fortran_order"]; fo.kind != kindBool {
		return fmt.Errorf("fortran_order is %s; want True or False", fo)
	} else {
		h.Fortran = fo.b
	}
	if h.Shape, err = shapeOf(d["shape"]); err != nil {
		return err
	}
	ds := d["descr"]
	if ds.kind == kindList || ds.kind == kindTuple {
		return &DtypeError{Descr: ds.String(), Why: "is a structured or sub-array dtype"}
	}
	if ds.kind != kindStr {
		return fmt.Errorf("descr is %s; want a dtype string such as '<f8'", ds)
	}
	h.Dtype, err = ParseDtype(ds.s)
	return err
}

// shapeOf converts a tuple of integers (bools count as 0 and 1, as in
// Python) to a shape.
func shapeOf(v *value) ([]int, error) {
	if v.kind != kindTuple {
		return nil, fmt.Errorf("shape is %s; want a tuple of integers such as (64, 8)", v)
	}
	shape := make([]int, len(v.items))
	for i, x := range v.items {
		switch {
		case x.kind == kindBool && x.b:
			shape[i] = 1
		case x.kind == kindBool:
			shape[i] = 0
		case x.kind != kindInt:
			return nil, fmt.Errorf("shape entry %d is %s; want a tuple of integers", i, x)
		case x.big || x.i < 0 || x.i > memlimit.MaxLimit:
			return nil, fmt.Errorf("shape entry %d is %s; want a size from 0 to 2^62", i, x)
		default:
			shape[i] = int(x.i)
		}
		if int64(shape[i]) != x.i && x.kind == kindInt {
			return nil, fmt.Errorf("shape entry %d is %s; too large for this platform", i, x)
		}
	}
	if len(shape) > 64 {
		return nil, fmt.Errorf("shape has %d dimensions; NumPy allows at most 64", len(shape))
	}
	return shape, nil
}

func keyList(v *value) string {
	ks := make([]string, len(v.keys))
	for i, k := range v.keys {
		ks[i] = k.String()
	}
	return "{" + strings.Join(ks, ", ") + "}"
}

func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// quote shows a header in a message, cut to 200 bytes.
func quote(b []byte) string {
	b = bytes.TrimRight(b, " \n")
	if len(b) > 200 {
		return strconv.Quote(string(b[:200])) + "…"
	}
	return strconv.Quote(string(b))
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// WriteHeader writes the preamble and the header of an array of dtype
// descr (e.g. "<f8") and shape, in C order unless fortran: version 1.0
// when the header fits in 65535 bytes, else 2.0; padded with spaces so
// that the data starts at a multiple of 64 bytes, as numpy.save does.
func WriteHeader(w io.Writer, descr string, fortran bool, shape []int) error {
	fo := "False"
	if fortran {
		fo = "True"
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr, fo, ShapeString(shape))
	pre := 10
	if len(dict)+1+63+10 > 65535 {
		pre = 12
	}
	pad := 63 - (pre+len(dict))%64 // the dict ends in '\n'
	var hdr []byte
	hdr = append(hdr, Magic...)
	if pre == 10 {
		hdr = append(hdr, 1, 0)
		hdr = binary.LittleEndian.AppendUint16(hdr, uint16(len(dict)+pad+1))
	} else {
		hdr = append(hdr, 2, 0)
		hdr = binary.LittleEndian.AppendUint32(hdr, uint32(len(dict)+pad+1))
	}
	hdr = append(hdr, dict...)
	hdr = append(hdr, bytes.Repeat([]byte{' '}, pad)...)
	hdr = append(hdr, '\n')
	_, err := w.Write(hdr)
	return err
}
