package ovp

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/internal/allocs"
)

// fuzzLimit is the memory limit the fuzz targets read with: the readers
// must refuse anything larger before allocating it.
const fuzzLimit = 1 << 20

// FuzzReadText: the OV and Gap-ANN text reader never panics, allocates at
// most the memory limit plus a few buffers proportional to its input, and
// what it accepts is written back (WriteText, WriteHammingText) and read
// again to the same instance.
func FuzzReadText(f *testing.F) {
	for _, s := range []string{
		"ov 2 1 3\n101\n010\n111\n", "c x\n# y\n\nov 1 1 2\n10\r\n01\n", "ov 0 0 0\n", "ov 1 1 0\n-\n-\n",
		"ann 1 1 4 1 0.5\n1010\n1011\n", "ann 2 1 3 0 1\n000\n111\n010\n", "\f", "\v", "\u0085", " \t\n",
		"ov 1 1 9223372036854775807\n", "ann 1 1 10 5 1e300\n", "ov 1 1 10\n" + strings.Repeat("1", 300) + "\n",
		"ov 4000000000 4000000000 1000\n", "ann 1 1 2 1 NaN\n", "ov 1 1 3\n1a1\n000\n",
	} {
		f.Add([]byte(s))
	}
	for _, tt := range hostileTextCases() {
		f.Add([]byte(tt))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var (
			x   *Instance
			h   *Hamming
			err error
		)
		a := allocs.Of(func() { x, h, err = ReadText(bytes.NewReader(data), "fuzz.ov", fuzzLimit) })
		if budget := uint64(fuzzLimit + 256<<10 + 4*len(data)); a > budget {
			t.Fatalf("ReadText allocated %d bytes; budget %d (limit %d, input %d bytes)", a, budget, fuzzLimit, len(data))
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.ov") && !strings.HasPrefix(err.Error(), "reading fuzz.ov") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		var buf bytes.Buffer
		if h != nil {
			err = WriteHammingText(&buf, h, "round trip")
		} else {
			err = WriteText(&buf, x, "round trip")
		}
		if err != nil {
			t.Fatal(err)
		}
		y, hy, err := ReadText(&buf, "rt.ov", fuzzLimit)
		if err != nil || !y.Equal(x) || (h == nil) != (hy == nil) || h != nil && (hy.T != h.T || math.Float64bits(hy.Eps) != math.Float64bits(h.Eps)) {
			t.Fatalf("round trip: %v; instance equal %v", err, err == nil && y.Equal(x))
		}
	})
}

// hostileTextCases are the audit's OV reproductions.
func hostileTextCases() []string {
	return []string{"\f", "\v", "\u0085", " \n", "ov 1 1 9223372036854775807\n", strings.Repeat("\x00", 5000)}
}

// FuzzReadNPZ: the .npz reader never panics (a quarter of 3,000 mutated
// archives did before), allocates at most the limit plus buffers
// proportional to its input, and what it accepts round-trips through
// EncodeNPZ. The input is either a whole archive (raw, when zipped is
// false) or the entries A.npy, B.npy, dims.npy zipped here, so that
// mutations reach the .npy headers past the zip checksums.
func FuzzReadNPZ(f *testing.F) {
	okA := npyRaw("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2), }\n", []byte{1, 0})
	okB := npyRaw("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2), }\n", []byte{0, 1})
	dims := dimsNPY(1, 1, 2)
	for k, sz := range [][3]int{{3, 2, 5}, {1, 1, 1}, {0, 2, 3}, {2, 2, 64}, {2, 1, 65}} {
		x := randomInstance(sz[0], sz[1], sz[2], 0.5, uint64(k+1))
		var buf bytes.Buffer
		var h *Hamming
		if k%2 == 1 && sz[2] > 0 {
			h = &Hamming{Instance: x, T: sz[2] / 4, Eps: 0.5}
		}
		if err := EncodeNPZ(&buf, x, h); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes(), false, okA, okB, dims)
	}
	for _, a := range [][]byte{okA, npyRaw("", []byte{0, 1}), npyRaw("{'descr': '|u7', 'fortran_order': False, 'shape': (1, 2), }\n", nil),
		npyRaw("{'descr': '|u1', 'fortran_order': False, 'shape': ('a', 32), }\n", nil), npyRaw("{'descr': '{', 'fortran_order': False, 'shape': (1, 2), }\n", nil),
		npyRaw(`{"shape": (1, 2), "fortran_order": True, "descr": "|b1"}`+"\n", []byte{0, 1}),
		npyRaw("{'descr': '<i8', 'fortran_order': False, 'shape': (1L, 2L), }\n", make([]byte, 16))} {
		f.Add([]byte(nil), true, a, okB, dims)
	}
	f.Fuzz(func(t *testing.T, raw []byte, zipped bool, a, b, dims []byte) {
		data := raw
		if zipped {
			data = npzOf(t, map[string][]byte{"A.npy": a, "B.npy": b, "dims.npy": dims})
		}
		var (
			x   *Instance
			h   *Hamming
			err error
		)
		used := allocs.Of(func() { x, h, err = ReadNPZ(bytes.NewReader(data), int64(len(data)), "fuzz.npz", fuzzLimit) })
		if budget := uint64(fuzzLimit + 1<<20 + 16*len(data)); used > budget {
			t.Fatalf("ReadNPZ allocated %d bytes; budget %d (limit %d, input %d bytes)", used, budget, fuzzLimit, len(data))
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.npz: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := EncodeNPZ(&buf, x, h); err != nil {
			t.Fatal(err)
		}
		y, hy, err := ReadNPZ(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "rt.npz", fuzzLimit)
		if err != nil || !y.Equal(x) || (h == nil) != (hy == nil) || h != nil && (hy.T != h.T || hy.Eps != h.Eps) {
			t.Fatalf("round trip: %v", fmt.Sprint(err))
		}
	})
}
