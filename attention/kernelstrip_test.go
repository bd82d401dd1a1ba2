package attention

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// stripSets returns the kernel sets of the strip path other than the
// pure-Go reference.
func stripSets() []*kernels {
	var ks []*kernels
	for _, k := range kernelSets() {
		if k.strip != nil && k != goStripKernels {
			ks = append(ks, k)
		}
	}
	return ks
}

// TestStripKernelsAgree compares each strip kernel set's qk and pv with
// the reference loops on random inputs: panel counts 1–5, d and d_v across
// the 8- and 32-column blocks and their masked tails, strides wider than
// the data, and guard values past every output that must stay untouched.
func TestStripKernelsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	vec := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = 2*rng.Float64() - 1
		}
		return x
	}
	for _, k := range stripSets() {
		t.Run(k.name, func(t *testing.T) {
			for _, sp := range [][2]int{{1, 1}, {1, 2}, {1, 3}, {1, 5}, {2, 1}, {3, 2}, {16, 3}} {
				strips, panels := sp[0], sp[1]
				for _, d := range []int{1, 2, 7, 16, 33, 64, 128} {
					qp, kp := vec(strips*stripMR*d), vec(panels*stripNR*d)
					lds := panels*stripNR + 3
					want, got := vec(strips*stripMR*lds), make([]float64, strips*stripMR*lds)
					copy(got, want) // the 3 guard columns of each row must stay
					qkStripGo(want, lds, qp, kp, strips, panels, d)
					k.strip.qk(got, lds, qp, kp, strips, panels, d)
					for i, w := range want {
						if !(math.Abs(got[i]-w) <= 1e-14*float64(d)) { // NaN fails too
							t.Fatalf("qk(strips=%d, panels=%d, d=%d)[%d] = %v; want %v", strips, panels, d, i, got[i], w)
						}
					}
				}
			}
			for _, n := range []int{1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 100} {
				for _, dv := range []int{1, 3, 7, 8, 9, 16, 24, 31, 32, 33, 40, 64, 65, 128} {
					for _, pads := range [][2]int{{0, 0}, {5, 5}, {5, 0}} {
						// pads[1] = 0 with pads[0] = 5: ld_v = d_v beside
						// padded p, which is the one-column kernel's case
						// at d_v = 1.
						pad := pads[0]
						ldacc, ldp, ldv := dv+pad, n+pad, dv+pads[1]
						p, v := vec(stripMR*ldp), vec(n*ldv)
						for i := range stripMR {
							for j := n; j < ldp; j++ {
								p[i*ldp+j] = math.NaN() // past row i's n weights: never read
							}
						}
						want := vec(stripMR * ldacc)
						got := append([]float64(nil), want...)
						pvStripGo(want, ldacc, p, ldp, v, ldv, n, dv)
						k.strip.pv(got, ldacc, p, ldp, v, ldv, n, dv)
						for i, w := range want {
							if !(math.Abs(got[i]-w) <= 1e-14*float64(n)) {
								t.Fatalf("pv(n=%d, dv=%d, pad=%d)[%d] = %v; want %v", n, dv, pad, i, got[i], w)
							}
						}
					}
				}
			}
		})
	}
}

// TestPackPanels checks the panel layout against its definition and that
// a cancelled context stops the packing with the context's error.
func TestPackPanels(t *testing.T) {
	const nk, d, stride = 37, 3, 5
	k := make([]float64, nk*stride)
	for i := range k {
		k[i] = float64(i)
	}
	for _, nr := range []int{kr, stripNR} {
		kp, err := packPanels(context.Background(), k, nk, d, stride, nr)
		if err != nil {
			t.Fatal(err)
		}
		if want := (nk + nr - 1) / nr * nr * d; len(kp) != want {
			t.Fatalf("nr=%d: len = %d; want %d", nr, len(kp), want)
		}
		for j := range (nk + nr - 1) / nr * nr {
			for c := range d {
				want := 0.0
				if j < nk {
					want = k[j*stride+c]
				}
				if got := kp[j/nr*nr*d+nr*c+j%nr]; got != want {
					t.Fatalf("nr=%d: key %d coordinate %d = %v; want %v", nr, j, c, got, want)
				}
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := packPanels(ctx, k, nk, d, stride, stripNR); err != context.Canceled {
		t.Errorf("packPanels after cancel: err = %v; want context.Canceled", err)
	}
}

// TestStripTileSizes checks the tiles against the cache budget they are
// derived from, for this machine's caches and the default ones.
func TestStripTileSizes(t *testing.T) {
	for _, c := range []cacheInfo{caches(), defaultCache, {l1: 48 << 10, l2: 2 << 20}} {
		for _, sh := range [][2]int{{16, 16}, {64, 64}, {128, 128}, {128, 1}, {4096, 4096}} {
			d, dv := sh[0], sh[1]
			bq, bk := stripTileSizes(100000, d, dv, 2, c)
			if bk%stripNR != 0 || bk < stripNR || bq%stripMR != 0 || bq < stripMR {
				t.Errorf("%+v d=%d dv=%d: tiles %d × %d not whole strips and panels", c, d, dv, bq, bk)
			}
			if bk > stripNR && (8*bk*(d+dv) > c.l2/2 || 8*stripMR*bk > c.l1/2) {
				t.Errorf("%+v d=%d dv=%d: key tile %d over the cache budget", c, d, dv, bk)
			}
		}
	}
	if bq, _ := stripTileSizes(10, 16, 16, 2, defaultCache); bq != stripMR {
		t.Errorf("10 queries on 2 workers: bq = %d; want %d", bq, stripMR)
	}
}

// TestReadCaches reads a fake sysfs tree and falls back to the defaults
// on missing or absurd values.
func TestReadCaches(t *testing.T) {
	dir := t.TempDir()
	write := func(i int, level, typ, size string) {
		d := filepath.Join(dir, fmt.Sprintf("index%d", i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, v := range map[string]string{"level": level, "type": typ, "size": size} {
			if err := os.WriteFile(filepath.Join(d, name), []byte(v+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(0, "1", "Data", "48K")
	write(1, "1", "Instruction", "64K")
	write(2, "2", "Unified", "2M")
	if got, want := readCaches(dir), (cacheInfo{l1: 48 << 10, l2: 2 << 20}); got != want {
		t.Errorf("readCaches = %+v; want %+v", got, want)
	}
	write(2, "2", "Unified", "garbage")
	write(0, "1", "Data", "1K")
	if got := readCaches(dir); got != defaultCache {
		t.Errorf("readCaches with bad sizes = %+v; want the defaults %+v", got, defaultCache)
	}
	if got := readCaches(filepath.Join(dir, "missing")); got != defaultCache {
		t.Errorf("readCaches of a missing directory = %+v; want %+v", got, defaultCache)
	}
}
