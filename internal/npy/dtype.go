package npy

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// Dtype is a plain numeric NumPy dtype.
type Dtype struct {
	Kind  byte             // 'f' float, 'i' signed integer, 'u' unsigned integer, 'b' bool
	Size  int              // bytes per element
	Order binary.ByteOrder // byte order of multi-byte elements
	Descr string           // as written in the header
}

// String returns the dtype as NumPy's dtype.str writes it, e.g. "<f8".
func (d Dtype) String() string {
	o := "|"
	if d.Size > 1 {
		o = "<"
		if d.Order == binary.BigEndian {
			o = ">"
		}
	}
	return fmt.Sprintf("%s%c%d", o, d.Kind, d.Size)
}

// DtypeError is a dtype the package does not read (it may be valid NumPy).
type DtypeError struct {
	Descr string // as written, quoted
	Why   string
}

func (e *DtypeError) Error() string {
	return fmt.Sprintf("dtype %s %s; want a float (f4, f8), integer (i1…i8, u1…u8) or bool (b1) dtype", e.Descr, e.Why)
}

// names maps NumPy's type names and one-character codes (for a 64-bit
// Linux NumPy; 'l' and 'int' are int64 there and in NumPy 2 everywhere) to
// kind and size.
var names = map[string]struct {
	kind byte
	size int
}{
	"?": {'b', 1}, "bool": {'b', 1}, "bool_": {'b', 1}, "bool8": {'b', 1},
	"b": {'i', 1}, "int8": {'i', 1}, "byte": {'i', 1},
	"B": {'u', 1}, "uint8": {'u', 1}, "ubyte": {'u', 1},
	"h": {'i', 2}, "int16": {'i', 2}, "short": {'i', 2},
	"H": {'u', 2}, "uint16": {'u', 2}, "ushort": {'u', 2},
	"i": {'i', 4}, "int32": {'i', 4}, "intc": {'i', 4},
	"I": {'u', 4}, "uint32": {'u', 4}, "uintc": {'u', 4},
	"l": {'i', 8}, "q": {'i', 8}, "int64": {'i', 8}, "int": {'i', 8}, "int_": {'i', 8}, "longlong": {'i', 8}, "intp": {'i', 8}, "p": {'i', 8},
	"L": {'u', 8}, "Q": {'u', 8}, "uint64": {'u', 8}, "uint": {'u', 8}, "ulonglong": {'u', 8}, "uintp": {'u', 8}, "P": {'u', 8},
	"f": {'f', 4}, "float32": {'f', 4}, "single": {'f', 4},
	"d": {'f', 8}, "float64": {'f', 8}, "double": {'f', 8}, "float": {'f', 8}, "float_": {'f', 8},
}

// ParseDtype parses a dtype string as numpy.dtype does for plain numeric
// types: an optional byte order ('<' little, '>' big, '=' native, '|' not
// applicable) followed by a kind and size ("f8", "u1", "b1") or a type code
// ("d", "B", "?"), or a name ("float64", "uint8"). Other dtypes (complex,
// strings, datetimes, objects, float16, long double) are errors naming it.
func ParseDtype(s string) (Dtype, error) {
	d := Dtype{Descr: s, Order: binary.LittleEndian} // the native order of every platform Go supports here
	t := s
	if t != "" && strings.ContainsRune("<>=|", rune(t[0])) {
		if t[0] == '>' {
			d.Order = binary.BigEndian
		}
		t = t[1:]
	}
	bad := func(why string) (Dtype, error) { return Dtype{}, &DtypeError{Descr: "'" + cut(s) + "'", Why: why} }
	if n, ok := names[t]; ok && (t == s || len(t) == 1) {
		d.Kind, d.Size = n.kind, n.size
		return d, nil
	}
	if len(t) < 2 || !strings.ContainsRune("fiub", rune(t[0])) {
		return bad("is not supported")
	}
	size, err := strconv.Atoi(t[1:])
	if err != nil || t[1] == '+' || t[1] == '-' {
		return bad("has no valid size")
	}
	d.Kind, d.Size = t[0], size
	switch {
	case d.Kind == 'f' && (size == 4 || size == 8):
	case (d.Kind == 'i' || d.Kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8):
	case d.Kind == 'b' && size == 1:
	default:
		return bad("is not supported")
	}
	return d, nil
}
