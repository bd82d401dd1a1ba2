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
)

// Array is an n-dimensional array of float64 values read from or written to
// a .npy file, in C order. DType is the file's element type ("float64",
// "float32" or "float16"); values are always held as float64.
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
	"float16": {"<f2", 2},
}

// EncodeNPY writes a as a version 1.0 .npy file (little endian, C order)
// that numpy.load reads. dtype float32 rounds each value to nearest; the
// bytes are a pure function of a, so equal arrays give equal files.
func EncodeNPY(w io.Writer, a *Array) error {
	d, ok := npyDescr[a.DType]
	if !ok || a.DType == "float16" {
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

// ReadNPY reads a .npy file of any rank with dtype float64, float32 or
// float16 (either byte order, C or Fortran order). Errors name the file and
// what was expected; values are not checked for NaN (see [Array.FirstNaN]).
func ReadNPY(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return DecodeNPY(bufio.NewReaderSize(f, 1<<16), path)
}

// maxHeader bounds the header a reader accepts (NumPy writes < 1 KiB).
const maxHeader = 1 << 16

// DecodeNPY is [ReadNPY] on a reader; name is used in errors.
func DecodeNPY(r io.Reader, name string) (*Array, error) {
	var pre [10]byte
	if _, err := io.ReadFull(r, pre[:8]); err != nil {
		return nil, fmt.Errorf("%s: truncated .npy header", name)
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return nil, fmt.Errorf("%s: not a .npy file (no \\x93NUMPY magic); want a file written by numpy.save", name)
	}
	var hlen int
	switch pre[6] {
	case 1:
		if _, err := io.ReadFull(r, pre[8:10]); err != nil {
			return nil, fmt.Errorf("%s: truncated .npy header", name)
		}
		hlen = int(binary.LittleEndian.Uint16(pre[8:10]))
	case 2, 3:
		var l [4]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return nil, fmt.Errorf("%s: truncated .npy header", name)
		}
		hlen = int(binary.LittleEndian.Uint32(l[:]))
	default:
		return nil, fmt.Errorf("%s: .npy format version %d.%d; want 1.0, 2.0 or 3.0", name, pre[6], pre[7])
	}
	if hlen > maxHeader {
		return nil, fmt.Errorf("%s: .npy header of %d bytes; want at most %d", name, hlen, maxHeader)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, fmt.Errorf("%s: truncated .npy header", name)
	}
	descr, fortran, shape, err := parseHeader(string(hdr))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	dtype, size, order, err := parseDescr(descr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	n := 1
	for _, s := range shape {
		if s < 0 || s > math.MaxInt32 || (s > 0 && n > math.MaxInt/16/s) {
			return nil, fmt.Errorf("%s: shape %s is too large", name, shapeString(shape))
		}
		n *= s
	}
	data, err := readValues(r, name, n, size, order)
	if err != nil {
		return nil, err
	}
	a := &Array{Shape: shape, DType: dtype, Data: data}
	if fortran && len(shape) > 1 {
		a.Data = fromFortran(data, shape)
	}
	return a, nil
}

// parseHeader reads the Python dict literal of a .npy header.
func parseHeader(h string) (descr string, fortran bool, shape []int, err error) {
	bad := func(what string) error {
		return fmt.Errorf("malformed .npy header %q: %s", strings.TrimSpace(h), what)
	}
	field := func(key string) (string, bool) {
		i := strings.Index(h, "'"+key+"'")
		if i < 0 {
			return "", false
		}
		rest := strings.TrimLeft(h[i+len(key)+2:], " ")
		if !strings.HasPrefix(rest, ":") {
			return "", false
		}
		return strings.TrimLeft(rest[1:], " "), true
	}
	d, ok := field("descr")
	if !ok || len(d) < 2 || (d[0] != '\'' && d[0] != '"') {
		return "", false, nil, bad("no 'descr'")
	}
	end := strings.IndexByte(d[1:], d[0])
	if end < 0 {
		return "", false, nil, bad("unterminated 'descr'")
	}
	descr = d[1 : 1+end]
	f, ok := field("fortran_order")
	if !ok {
		return "", false, nil, bad("no 'fortran_order'")
	}
	fortran = strings.HasPrefix(f, "True")
	s, ok := field("shape")
	if !ok || !strings.HasPrefix(s, "(") || !strings.Contains(s, ")") {
		return "", false, nil, bad("no 'shape' tuple")
	}
	for _, p := range strings.Split(s[1:strings.IndexByte(s, ')')], ",") {
		p = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(p), "L"))
		if p == "" {
			continue
		}
		v, err := strconv.Atoi(p)
		if err != nil {
			return "", false, nil, bad("shape entry " + strconv.Quote(p))
		}
		shape = append(shape, v)
	}
	return descr, fortran, shape, nil
}

// parseDescr returns the dtype name, element size and byte order of a
// float descriptor such as '<f4'.
func parseDescr(descr string) (string, int, binary.ByteOrder, error) {
	err := fmt.Errorf("dtype %q; want float64 ('<f8'), float32 ('<f4') or float16 ('<f2')", descr)
	if len(descr) != 3 || descr[1] != 'f' {
		return "", 0, nil, err
	}
	var order binary.ByteOrder
	switch descr[0] {
	case '<', '|':
		order = binary.LittleEndian
	case '=':
		order = binary.NativeEndian
	case '>':
		order = binary.BigEndian
	default:
		return "", 0, nil, err
	}
	switch descr[2] {
	case '8':
		return "float64", 8, order, nil
	case '4':
		return "float32", 4, order, nil
	case '2':
		return "float16", 2, order, nil
	}
	return "", 0, nil, err
}

// readValues reads n elements in chunks (a header promising more than the
// file holds fails without allocating for it) and checks nothing follows.
func readValues(r io.Reader, name string, n, size int, order binary.ByteOrder) ([]float64, error) {
	data := make([]float64, 0, min(n, 1<<20))
	buf := make([]byte, 1<<16)
	for len(data) < n {
		b := buf[:min(n-len(data), len(buf)/size)*size]
		if got, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("%s: truncated data: %d of %d entries; want the whole array", name, len(data)+got/size, n)
		}
		for i := 0; i < len(b); i += size {
			switch size {
			case 8:
				data = append(data, math.Float64frombits(order.Uint64(b[i:])))
			case 4:
				data = append(data, float64(math.Float32frombits(order.Uint32(b[i:]))))
			default:
				data = append(data, halfToFloat(order.Uint16(b[i:])))
			}
		}
	}
	if extra, _ := io.Copy(io.Discard, r); extra > 0 {
		return nil, fmt.Errorf("%s: %d bytes after the %d entries of the array; want nothing", name, extra, n)
	}
	return data, nil
}

// halfToFloat converts an IEEE 754 binary16 value.
func halfToFloat(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp, frac := int(h>>10&0x1f), float64(h&0x3ff)
	switch exp {
	case 0:
		return sign * math.Ldexp(frac, -24)
	case 0x1f:
		if frac != 0 {
			return math.NaN()
		}
		return math.Inf(int(sign))
	}
	return sign * math.Ldexp(1024+frac, exp-25)
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
