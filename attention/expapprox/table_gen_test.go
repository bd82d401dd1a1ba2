package expapprox

import (
	"bytes"
	"flag"
	"os"
	"runtime"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "regenerate table.bin (slow: minutes on all cores)")

// TestTableRegenerate writes table.bin with -update (go generate runs it).
func TestTableRegenerate(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate table.bin")
	}
	n := tableHi - tableLo + 1
	pts := make([]tablePoint, n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				pts[i] = genTablePoint(tableRadius(tableLo + i))
			}
		}()
	}
	// Largest radii first: they take longest.
	for i := n - 1; i >= 0; i-- {
		next <- i
	}
	close(next)
	wg.Wait()
	b := encodeTable(pts)
	if got, err := decodeTable(b); err != nil || len(got) != n {
		t.Fatalf("decode of the new table: %v", err)
	}
	old, _ := os.ReadFile("table.bin")
	if bytes.Equal(old, b) {
		t.Logf("table.bin unchanged (%d bytes)", len(b))
		return
	}
	if err := os.WriteFile("table.bin", b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote table.bin: %d points, %d bytes", n, len(b))
}
