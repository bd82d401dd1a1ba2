package suite

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/hardnesslab/hardness/internal/npy"
)

// Array is an n-dimensional array of float64 values read from or written to
// a .npy file, in C order. DType is the file's element type ("float64" or
// "float32"); values are always held as float64.
type Array struct {
	Shape []int
	DType string
	Data  []float64
}

// npyDescr maps a dtype name to its .npy descriptor and element size.
var npyDescr = map[string]struct {
	descr string
	size  int
}{
	"float64": {"<f8", 8},
	"float32": {"<f4", 4},
}

// EncodeNPY writes a as a version 1.0 .npy file (little endian, C order)
// that numpy.load reads. dtype float32 rounds each value to nearest; the
// bytes are a pure function of a, so equal arrays give equal files.
func EncodeNPY(w io.Writer, a *Array) error {
	d, ok := npyDescr[a.DType]
	if !ok {
		return fmt.Errorf("suite: writing dtype %q; want float64 or float32", a.DType)
	}
	if n := shapeLen(a.Shape); n != len(a.Data) {
		return fmt.Errorf("suite: shape %s holds %d values, have %d", shapeString(a.Shape), n, len(a.Data))
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", d.descr, shapeString(a.Shape))
	// magic (6) + version (2) + length (2) + dict + padding + '\n' ≡ 0 mod 64
	pad := 63 - (10+len(dict))%64
	hdr := dict + strings.Repeat(" ", pad) + "\n"
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("\x93NUMPY\x01\x00")
	binary.Write(bw, binary.LittleEndian, uint16(len(hdr)))
	bw.WriteString(hdr)
	var buf [8]byte
	for _, x := range a.Data {
		if d.size == 8 {
			binary.LittleEndian.PutUint64(buf[:], math.Float64bits(x))
		} else {
			binary.LittleEndian.PutUint32(buf[:], math.Float32bits(float32(x)))
		}
		bw.Write(buf[:d.size])
	}
	return bw.Flush()
}

// ReadNPY reads a .npy file of any rank with dtype float64 or float32
// (either byte order, C or Fortran order), parsing the header with
// internal/npy as numpy.load does. Errors name the file and what was
// expected; values are not checked for NaN (see [Array.FirstNaN]).
func ReadNPY(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return DecodeNPY(bufio.NewReaderSize(f, 1<<16), path)
}

// DecodeNPY is [ReadNPY] on a reader; name is used in errors.
func DecodeNPY(r io.Reader, name string) (*Array, error) {
	h, err := npy.ReadHeader(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if h.Dtype.Kind != 'f' {
		return nil, fmt.Errorf("%s: dtype %s; want float64 ('<f8') or float32 ('<f4')", name, h.Dtype.Descr)
	}
	if h.Count() > math.MaxInt32*16 {
		return nil, fmt.Errorf("%s: shape %s is too large", name, shapeString(h.Shape))
	}
	data, err := npy.ReadFloat64s(r, h, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if extra, _ := io.Copy(io.Discard, io.LimitReader(r, 1<<20)); extra > 0 {
		return nil, fmt.Errorf("%s: %d bytes after the %d entries of the array; want nothing", name, extra, len(data))
	}
	dtype := "float64"
	if h.Dtype.Size == 4 {
		dtype = "float32"
	}
	a := &Array{Shape: h.Shape, DType: dtype, Data: data}
	if h.Fortran && len(h.Shape) > 1 {
		a.Data = fromFortran(data, h.Shape)
	}
	return a, nil
}

// fromFortran reorders column-major data to row-major.
func fromFortran(data []float64, shape []int) []float64 {
	out := make([]float64, len(data))
	idx := make([]int, len(shape))
	for f := range data { // f is the Fortran offset of idx
		c := 0
		for k := range shape {
			c = c*shape[k] + idx[k]
		}
		out[c] = data[f]
		for k := range idx {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

// FirstNaN returns the flat index of the first NaN or ±Inf value, or −1.
func (a *Array) FirstNaN() int {
	for i, x := range a.Data {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return i
		}
	}
	return -1
}

// Index returns the multi-index of flat offset i, for error messages.
func (a *Array) Index(i int) []int {
	idx := make([]int, len(a.Shape))
	for k := len(a.Shape) - 1; k >= 0; k-- {
		if a.Shape[k] > 0 {
			idx[k] = i % a.Shape[k]
			i /= a.Shape[k]
		}
	}
	return idx
}

func shapeLen(s []int) int {
	n := 1
	for _, x := range s {
		n *= x
	}
	return n
}

// shapeString formats a shape as a Python tuple: (3,) or (1, 1, 4, 2).
func shapeString(s []int) string {
	if len(s) == 1 {
		return fmt.Sprintf("(%d,)", s[0])
	}
	var b bytes.Buffer
	b.WriteByte('(')
	for i, x := range s {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(x))
	}
	b.WriteByte(')')
	return b.String()
}

// ShapeString is shapeString for other packages' messages.
func ShapeString(s []int) string { return shapeString(s) }
