package attention

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/internal/allocs"
	"gonum.org/v1/gonum/mat"
)

// FuzzDecodeNPY: DecodeNPY never panics, allocates at most a few times its
// input whatever shape the header declares, accepts only finite 2-D
// matrices, and what it accepts round-trips through EncodeNPY.
func FuzzDecodeNPY(f *testing.F) {
	good := f64Bytes(binary.LittleEndian, 1, 2, 3, 4, 5, 0.25)
	for _, d := range []string{
		dict("<f8", false, "(2, 3)"), dict("<f4", false, "(2, 3)"), dict(">f8", true, "(3, 2)"),
		"{'shape': (2, 3), 'fortran_order': False, 'descr': '<f8'}", `{"descr": "<d", "fortran_order": False, "shape": (2L, 3L)}`,
		dict("<f8", false, "((2),(3))"), dict("<i8", false, "(2, 3)"), dict("<f8", false, "(100000, 100000)"), "{'descr'",
	} {
		f.Add(npyBytes(d, good))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var (
			m   *mat.Dense
			err error
		)
		used := allocs.Of(func() { m, err = DecodeNPY(bytes.NewReader(data), "fuzz.npy") })
		if budget := uint64(256<<10 + 256*len(data)); used > budget {
			t.Fatalf("DecodeNPY allocated %d bytes; budget %d (input %d bytes)", used, budget, len(data))
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.npy: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		r, c := m.Dims()
		for i := range r {
			for _, x := range m.RawRowView(i)[:c] {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					t.Fatalf("accepted a non-finite entry %v", x)
				}
			}
		}
		var buf bytes.Buffer
		if err := EncodeNPY(&buf, m); err != nil {
			t.Fatal(err)
		}
		back, err := DecodeNPY(&buf, "rt.npy")
		if err != nil || !mat.Equal(back, m) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
