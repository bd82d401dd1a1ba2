package sat

import (
	"bytes"
	"testing"
)

// benchText returns a random 3-SAT DIMACS text of at least size bytes
// (v = 1,000,000 variables, so literals have up to 7 digits and signs).
func benchText(b *testing.B, size int) []byte {
	b.Helper()
	const v = 1_000_000
	m := size / 20 // about 20 bytes per clause
	f, err := Random(GenOptions{Vars: v, Clauses: m, K: 3, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	buf.Grow(size + size/4)
	if err := WriteDIMACS(&buf, f, "benchmark input"); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkReadDIMACS measures parse throughput (MB/s) on a generated
// ~50 MB random 3-SAT file held in memory.
func BenchmarkReadDIMACS(b *testing.B) {
	data := benchText(b, 50<<20)
	b.Run("size=50MB", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			f, err := ReadDIMACS(bytes.NewReader(data), "bench.cnf")
			if err != nil || len(f.Clauses) == 0 {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkWriteDIMACS measures the writer on the same formula.
func BenchmarkWriteDIMACS(b *testing.B) {
	f, err := ReadDIMACS(bytes.NewReader(benchText(b, 50<<20)), "bench.cnf")
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	WriteDIMACS(&buf, f)
	n := buf.Len()
	b.Run("size=50MB", func(b *testing.B) {
		b.SetBytes(int64(n))
		for b.Loop() {
			buf.Reset()
			if err := WriteDIMACS(&buf, f); err != nil {
				b.Fatal(err)
			}
		}
	})
}
