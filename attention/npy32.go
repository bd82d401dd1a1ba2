package attention

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/hardnesslab/hardness/internal/fileio"
	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/internal/npy"
	"gonum.org/v1/gonum/mat"
)

// ReadNPY32 reads a 2-D matrix from a .npy file as float32, with the
// checks of ReadNPY. A float32 file is kept as it is (no widening, half
// the memory of ReadNPY); a float64 file is rounded to float32, which
// rounded reports (the error bound then counts the rounding), and an entry
// beyond float32's range is an error naming it.
func ReadNPY32(path string) (m *Matrix32, rounded bool, err error) {
	f, err := openNPY(path)
	if err != nil {
		return nil, false, err
	}
	defer f.close()
	if err := f.checkSize(); err != nil {
		return nil, false, err
	}
	if f.h.Dtype.Size == 8 {
		d, err := f.read()
		if err != nil {
			return nil, false, err
		}
		m, err := ToFloat32(d, path)
		return m, true, err
	}
	data := make([]float32, 0, f.rows*f.cols)
	buf := make([]byte, 1<<16)
	order := f.h.Dtype.Order
	for want := 4 * f.rows * f.cols; len(data)*4 < want; {
		b := buf[:min(len(buf), want-4*len(data))]
		if _, err := io.ReadFull(f.r, b); err != nil {
			return nil, false, fmt.Errorf("%s: truncated data: %d of %d entries; want the whole array", path, len(data), f.rows*f.cols)
		}
		for i := 0; i < len(b); i += 4 {
			data = append(data, math.Float32frombits(order.Uint32(b[i:])))
		}
	}
	if extra, _ := io.Copy(io.Discard, io.LimitReader(f.r, 1<<20)); extra > 0 {
		return nil, false, fmt.Errorf("%s: %d bytes after the %d entries of the array; want nothing", path, extra, len(data))
	}
	m = &Matrix32{Rows: f.rows, Cols: f.cols, Data: data}
	if f.h.Fortran {
		t := make([]float32, len(data))
		for i := range f.rows {
			for j := range f.cols {
				t[i*f.cols+j] = data[j*f.rows+i]
			}
		}
		m.Data = t
	}
	for i, x := range m.Data {
		if x != x || math.IsInf(float64(x), 0) {
			return nil, false, fmt.Errorf("%s: entry (%d, %d) is %v; want finite numbers", path, i/m.Cols, i%m.Cols, x)
		}
	}
	return m, false, nil
}

// ReadQKV32Limit is [ReadQKV32] after checking, from the three headers
// alone, that the shapes agree and that the float32 matrices (and the
// float64 staging of a float64 file) fit in maxMemory bytes (0:
// memlimit.Default) — before any data is read.
func ReadQKV32Limit(qPath, kPath, vPath string, maxMemory int64) (q, k, v *Matrix32, rounded bool, err error) {
	var dims [6]int
	need := int64(0)
	for i, p := range []string{qPath, kPath, vPath} {
		f, err := openNPY(p)
		if err != nil {
			return nil, nil, nil, false, err
		}
		f.close()
		dims[2*i], dims[2*i+1] = f.rows, f.cols
		per := int64(4)
		if f.h.Dtype.Size == 8 || f.h.Fortran {
			per = 12 // read as float64, then rounded (or transposed)
		}
		need = memlimit.Add(need, memlimit.Mul(int64(f.rows), int64(f.cols), per))
	}
	if err := checkShapes(qPath, kPath, vPath, dims[0], dims[1], dims[2], dims[3], dims[4], dims[5]); err != nil {
		return nil, nil, nil, false, err
	}
	what := fmt.Sprintf("reading Q %d×%d, K %d×%d and V %d×%d as float32", dims[0], dims[1], dims[2], dims[3], dims[4], dims[5])
	if err := memlimit.Check(what, need, maxMemory, "use smaller matrices or raise --max-memory"); err != nil {
		return nil, nil, nil, false, err
	}
	return ReadQKV32(qPath, kPath, vPath)
}

// ReadQKV32 reads Q, K and V with ReadNPY32 and checks their shapes as
// ReadQKV does; rounded reports whether any was rounded from float64.
func ReadQKV32(qPath, kPath, vPath string) (q, k, v *Matrix32, rounded bool, err error) {
	ms := make([]*Matrix32, 3)
	for i, p := range []string{qPath, kPath, vPath} {
		m, r, err := ReadNPY32(p)
		if err != nil {
			return nil, nil, nil, false, err
		}
		ms[i], rounded = m, rounded || r
	}
	q, k, v = ms[0], ms[1], ms[2]
	if err := checkShapes(qPath, kPath, vPath, q.Rows, q.Cols, k.Rows, k.Cols, v.Rows, v.Cols); err != nil {
		return nil, nil, nil, false, err
	}
	return q, k, v, rounded, nil
}

// WriteNPY32 writes m rounded to float32 to path as a little-endian
// float32 .npy file (C order), atomically.
func WriteNPY32(path string, m *mat.Dense) error {
	return fileio.WriteAtomic(path, func(w io.Writer) error {
		r, c := m.Dims()
		if err := npy.WriteHeader(w, "<f4", false, []int{r, c}); err != nil {
			return err
		}
		buf := make([]byte, 0, 4*c)
		for i := range r {
			buf = buf[:0]
			for _, x := range m.RawRowView(i)[:c] {
				buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(float32(x)))
			}
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
		return nil
	})
}
