package npy

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"strings"
	"testing"
)

// npyFile returns a version-1.0 file with the given header dict (padded as
// NumPy pads it) followed by data.
func npyFile(dict string, data []byte) []byte {
	return npyFileVersion(1, dict, data)
}

func npyFileVersion(major byte, dict string, data []byte) []byte {
	b := []byte(Magic)
	b = append(b, major, 0)
	pre := 10
	if major > 1 {
		pre = 12
	}
	body := dict + strings.Repeat(" ", 63-(pre+len(dict))%64) + "\n"
	if major == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(body)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(body)))
	}
	b = append(b, body...)
	return append(b, data...)
}

// TestReadHeaderNumPyAccepts lists headers numpy.load accepts (per
// numpy/lib/format.py: ast.literal_eval of the dict, the "L" filter for
// versions 1.0 and 2.0, exactly three keys in any order).
func TestReadHeaderNumPyAccepts(t *testing.T) {
	le := binaryOrder("<")
	tests := []struct {
		name, dict string
		major      byte
		want       Header
	}{
		{"numpy.save", "{'descr': '<f8', 'fortran_order': False, 'shape': (64, 8), }", 1, Header{Dtype: Dtype{'f', 8, le, "<f8"}, Shape: []int{64, 8}}},
		{"key order", "{'shape': (64, 8), 'fortran_order': False, 'descr': '<f8'}", 1, Header{Dtype: Dtype{'f', 8, le, "<f8"}, Shape: []int{64, 8}}},
		{"double-quoted keys", `{"descr": "<f8", "fortran_order": False, "shape": (64, 8)}`, 1, Header{Dtype: Dtype{'f', 8, le, "<f8"}, Shape: []int{64, 8}}},
		{"<d", "{'descr': '<d', 'fortran_order': False, 'shape': (64, 8)}", 1, Header{Dtype: Dtype{'f', 8, le, "<d"}, Shape: []int{64, 8}}},
		{"f8", "{'descr': 'f8', 'fortran_order': False, 'shape': (64, 8)}", 1, Header{Dtype: Dtype{'f', 8, le, "f8"}, Shape: []int{64, 8}}},
		{"float64", "{'descr': 'float64', 'fortran_order': False, 'shape': (64, 8)}", 1, Header{Dtype: Dtype{'f', 8, le, "float64"}, Shape: []int{64, 8}}},
		{"Python 2 longs", "{'descr': '<f8', 'fortran_order': False, 'shape': (64L, 8L), }", 1, Header{Dtype: Dtype{'f', 8, le, "<f8"}, Shape: []int{64, 8}}},
		{"Python 2 longs v2", "{'descr': '<f8', 'fortran_order': False, 'shape': (64L, 8L), }", 2, Header{Dtype: Dtype{'f', 8, le, "<f8"}, Shape: []int{64, 8}}},
		{"grouping parens", "{'descr': '<f8', 'fortran_order': False, 'shape': ((64),(8))}", 1, Header{Dtype: Dtype{'f', 8, le, "<f8"}, Shape: []int{64, 8}}},
		{"one dim", "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", 1, Header{Dtype: Dtype{'i', 8, le, "<i8"}, Shape: []int{3}}},
		{"scalar", "{'descr': '<i8', 'fortran_order': False, 'shape': ()}", 1, Header{Dtype: Dtype{'i', 8, le, "<i8"}, Shape: []int{}}},
		{"fortran, big endian", "{'descr': '>f4', 'fortran_order': True, 'shape': (2, 3)}", 3, Header{Dtype: Dtype{'f', 4, binaryOrder(">"), ">f4"}, Fortran: true, Shape: []int{2, 3}}},
		{"uint8", "{'descr': '|u1', 'fortran_order': False, 'shape': (4, 7), }", 1, Header{Dtype: Dtype{'u', 1, le, "|u1"}, Shape: []int{4, 7}}},
		{"bool", "{'descr': '|b1', 'fortran_order': False, 'shape': (4, 7), }", 1, Header{Dtype: Dtype{'b', 1, le, "|b1"}, Shape: []int{4, 7}}},
		{"code ?", "{'descr': '?', 'fortran_order': False, 'shape': (4, 7), }", 1, Header{Dtype: Dtype{'b', 1, le, "?"}, Shape: []int{4, 7}}},
		{"comment, newlines", "{'descr': '<f8', # the dtype\n 'fortran_order': False,\n 'shape': (0o10, 0b11)}", 1, Header{Dtype: Dtype{'f', 8, le, "<f8"}, Shape: []int{8, 3}}},
		{"hex and underscores", "{'descr': '<f8', 'fortran_order': False, 'shape': (0x40, 1_0)}", 1, Header{Dtype: Dtype{'f', 8, le, "<f8"}, Shape: []int{64, 10}}},
		{"adjacent strings", "{'descr': '<' 'f8', 'fortran_order': False, 'shape': (2, 2)}", 1, Header{Dtype: Dtype{'f', 8, le, "<f8"}, Shape: []int{2, 2}}},
		{"u prefix", "{u'descr': u'<f8', 'fortran_order': False, 'shape': (2, 2)}", 1, Header{Dtype: Dtype{'f', 8, le, "<f8"}, Shape: []int{2, 2}}},
		{"duplicate key, last wins", "{'descr': '<i8', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)}", 1, Header{Dtype: Dtype{'f', 8, le, "<f8"}, Shape: []int{2, 2}}},
		{"bool in shape", "{'descr': '<f8', 'fortran_order': False, 'shape': (True, 2)}", 1, Header{Dtype: Dtype{'f', 8, le, "<f8"}, Shape: []int{1, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := ReadHeader(bytes.NewReader(npyFileVersion(tt.major, tt.dict, nil)))
			if err != nil {
				t.Fatalf("ReadHeader(%q): %v", tt.dict, err)
			}
			if h.Dtype != tt.want.Dtype || h.Fortran != tt.want.Fortran || !reflect.DeepEqual(h.Shape, tt.want.Shape) {
				t.Errorf("ReadHeader(%q) = %+v %v %v; want %+v %v %v", tt.dict, h.Dtype, h.Fortran, h.Shape, tt.want.Dtype, tt.want.Fortran, tt.want.Shape)
			}
			if h.Offset%64 != 0 {
				t.Errorf("Offset = %d; want a multiple of 64", h.Offset)
			}
		})
	}
}

func binaryOrder(s string) binary.ByteOrder {
	if s == ">" {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// TestReadHeaderRejects lists headers numpy.load rejects, each with the
// reason the error must give.
func TestReadHeaderRejects(t *testing.T) {
	tests := []struct{ name, file, want string }{
		{"empty", "", "truncated .npy preamble"},
		{"no magic", "PK\x03\x04abcdefgh", "not a .npy file"},
		{"version", Magic + "\x04\x00\x10\x00", "format version 4.0"},
		{"huge header", Magic + "\x02\x00\xff\xff\xff\x7f", "numpy.load refuses headers above 10000"},
		{"truncated header", Magic + "\x01\x00\x40\x00{'descr'", "truncated .npy header"},
		{"empty header", string(npyFile("", nil)), "unexpected end of header"},
		{"not a dict", string(npyFile("('<f8', False, (2,))", nil)), "is a tuple, want a dict"},
		{"missing key", string(npyFile("{'descr': '<f8', 'shape': (2,)}", nil)), "no key 'fortran_order'"},
		{"extra key", string(npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}", nil)), "want exactly"},
		{"shape not a tuple", string(npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': [64, 8]}", nil)), "shape is [64, 8]; want a tuple"},
		{"shape of str", string(npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': ('a', 32)}", nil)), "shape entry 0 is 'a'"},
		{"negative shape", string(npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (-1, 32)}", nil)), "shape entry 0 is -1"},
		{"huge shape", string(npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999, 32)}", nil)), "shape entry 0"},
		{"fortran not bool", string(npyFile("{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}", nil)), "fortran_order is 0"},
		{"dtype |u7", string(npyFile("{'descr': '|u7', 'fortran_order': False, 'shape': (2,)}", nil)), "dtype '|u7'"},
		{"dtype {", string(npyFile("{'descr': '{', 'fortran_order': False, 'shape': (2,)}", nil)), "dtype '{'"},
		{"structured", string(npyFile("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,)}", nil)), "dtype [('a', '<f8')] is a structured"},
		{"complex", string(npyFile("{'descr': '<c16', 'fortran_order': False, 'shape': (2,)}", nil)), "dtype '<c16'"},
		{"lowercase l suffix", string(npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (64l, 8)}", nil)), "invalid number"},
		{"L in version 3", string(npyFileVersion(3, "{'descr': '<f8', 'fortran_order': False, 'shape': (64L, 8)}", nil)), "invalid number"},
		{"unterminated", string(npyFile("{'descr: '<f8'}", nil)), "want ':'"},
		{"deep nesting", string(npyFile(strings.Repeat("(", 300), nil)), "nested deeper than 200"},
		{"bare name", string(npyFile("{descr: 1}", nil)), "name \"descr\" is not a literal"},
		{"trailing junk", string(npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)} x", nil)), "after the dict"},
		{"leading zero", string(npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (08,)}", nil)), "leading zero"},
		{"bytes key", string(npyFile("{b'descr': '<f8', 'fortran_order': False, 'shape': (2,)}", nil)), "is a bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadHeader(strings.NewReader(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadHeader = %v; want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	for _, shape := range [][]int{{}, {0}, {3}, {2, 3}, {1, 1, 4}} {
		n := 1
		for _, d := range shape {
			n *= d
		}
		data := make([]float64, n)
		for i := range data {
			data[i] = float64(i)*1.5 - 2
		}
		var buf bytes.Buffer
		if err := WriteFloat64s(&buf, shape, data); err != nil {
			t.Fatal(err)
		}
		r := bytes.NewReader(buf.Bytes())
		h, err := ReadHeader(r)
		if err != nil {
			t.Fatalf("shape %v: %v", shape, err)
		}
		if h.Offset%64 != 0 || !reflect.DeepEqual(h.Shape, shape) {
			t.Errorf("shape %v: header %+v", shape, h)
		}
		got, err := ReadFloat64s(r, h, 0)
		if err != nil || !reflect.DeepEqual(got, data) {
			t.Errorf("shape %v: data %v, %v; want %v", shape, got, err, data)
		}
	}
}

func TestReadData(t *testing.T) {
	h := &Header{Dtype: Dtype{'f', 8, binaryOrder("<"), "<f8"}, Shape: []int{1000000, 1000}}
	_, err := ReadFloat64s(bytes.NewReader(make([]byte, 100)), h, 0)
	if err == nil || !strings.Contains(err.Error(), "truncated data: 100 of 8000000000 bytes") {
		t.Errorf("ReadFloat64s(short) = %v; want a truncation error", err)
	}
	hb := &Header{Dtype: Dtype{'u', 1, binaryOrder("<"), "|u1"}, Shape: []int{2, 2}}
	_, err = ReadBits(bytes.NewReader([]byte{0, 1, 2, 0}), hb, 0)
	if err == nil || err.Error() != "element 2 is 2, expected 0 or 1" {
		t.Errorf("ReadBits = %v; want element 2 is 2", err)
	}
	hi := &Header{Dtype: Dtype{'u', 8, binaryOrder(">"), ">u8"}, Shape: []int{2}}
	got, err := ReadInt64s(bytes.NewReader([]byte{0, 0, 0, 0, 0, 0, 0, 5, 0xff, 0, 0, 0, 0, 0, 0, 0}), hi, 0)
	if err == nil || len(got) != 1 || got[0] != 5 {
		t.Errorf("ReadInt64s = %v, %v; want [5] then an overflow error", got, err)
	}
}
