package attention

import (
	"context"
	"math"
)

// The strip path of the streaming engine, for kernel sets with register
// tiles wider than two rows (the AVX-512 kernels of kernel512_amd64.s).
// A worker packs its query tile once, MR = 6 rows at a time, coordinate-
// major: qp[6c + i] = q_i[c], zero rows past the tile's end. K is packed
// once per run in panels of NR = 32 keys (packPanels with nr = 32). For
// each key tile the worker computes the logits of all its strips with one
// qk call, key panel by key panel: a panel (32·d values, 32 KiB at
// d = 128) comes from L2 once and is then read from L1 by every strip,
// while each strip's 6 × 32 accumulators stay in registers — the loop
// order of the BLIS macro-kernel (F. Van Zee and R. van de Geijn, ACM TOMS
// 41(3), 2015), which measured about 9% faster at d = 128, d_v = 1 than
// one strip over all panels (BenchmarkStreamShapes, medians of 7
// interleaved runs). Then, strip by strip,
// it folds each row into its online softmax and adds the 6 rows of P·V
// with pv (6 × 32 accumulators in registers, V streamed; for d_v = 1 with
// V one contiguous column, as in hardness run, along the keys instead).

const (
	stripMR    = 6
	stripNR    = 32
	stripMaxBQ = 16 * stripMR // largest query tile of stripTileSizes
	stripMaxBK = 4096         // largest key tile of stripTileSizes
)

// stripKernels are the two products of the strip path.
type stripKernels struct {
	// qk sets s[(6t+i)·lds + 32p + r] = ⟨q_{6t+i}, k_{32p+r}⟩ for the
	// packed strips t < strips of qp (6·d values each) and the panels of
	// kp (panels·32·d values). Cost 6·32·d multiply-adds per strip and
	// panel.
	qk func(s []float64, lds int, qp, kp []float64, strips, panels, d int)
	// pv adds Σ_{j<n} p[i·ldp + j]·v[j·ldv + c] to acc[i·ldacc + c] for the
	// 6 rows and c < dv. Cost 6·n·dv multiply-adds.
	pv func(acc []float64, ldacc int, p []float64, ldp int, v []float64, ldv, n, dv int)
}

// goStripKernels are the pure-Go reference strip kernels, straightforward
// loops; tests run the engine's strip path on them and compare the
// assembly ones against them.
var goStripKernels = &kernels{
	name:       "go-strip",
	maxOf:      maxOf,
	expShifted: expShifted,
	softmax:    softmaxUpdate,
	strip:      &stripKernels{qk: qkStripGo, pv: pvStripGo},
}

// qkStripGo is the reference qk.
func qkStripGo(s []float64, lds int, qp, kp []float64, strips, panels, d int) {
	for t := range strips {
		qt, st := qp[t*stripMR*d:], s[t*stripMR*lds:]
		for p := range panels {
			kpp := kp[p*stripNR*d : (p+1)*stripNR*d]
			for i := range stripMR {
				for r := range stripNR {
					sum := 0.0
					for c := range d {
						sum += qt[c*stripMR+i] * kpp[c*stripNR+r]
					}
					st[i*lds+p*stripNR+r] = sum
				}
			}
		}
	}
}

// pvStripGo is the reference pv.
func pvStripGo(acc []float64, ldacc int, p []float64, ldp int, v []float64, ldv, n, dv int) {
	for i := range stripMR {
		a := acc[i*ldacc : i*ldacc+dv]
		for j, pj := range p[i*ldp : i*ldp+n] {
			for c, x := range v[j*ldv : j*ldv+dv] {
				a[c] += pj * x
			}
		}
	}
}

// packPanels returns K packed in panels of nr keys for the micro-kernels:
// ⌈n_k/nr⌉ panels of nr·d values, kp[g·nr·d + nr·c + r] = K[nr·g+r][c],
// zero past the last key. It returns ctx's error if ctx is done (checked
// every 4096 keys), so a cancelled run does not wait for a large pack.
// Time and memory O(n_k·d).
func packPanels(ctx context.Context, k []float64, nk, d, stride, nr int) ([]float64, error) {
	groups := (nk + nr - 1) / nr
	kp := make([]float64, groups*nr*d)
	for j := range nk {
		if j%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		g, r := j/nr, j%nr
		dst := kp[g*nr*d:]
		for c, x := range k[j*stride : j*stride+d] {
			dst[nr*c+r] = x
		}
	}
	return kp, nil
}

// packQStrip sets qp[6c + i] = q[(i0+i)·ldq + c] for the rows i0+i < i1
// (at most 6) and 0 for the rest of the strip.
func packQStrip(qp, q []float64, ldq, i0, i1, d int) {
	qp = qp[:stripMR*d]
	clear(qp)
	for i := range min(stripMR, i1-i0) {
		for c, x := range q[(i0+i)*ldq : (i0+i)*ldq+d] {
			qp[c*stripMR+i] = x
		}
	}
}

// stripTileSizes picks the tiles of the strip path from the per-core cache
// sizes: a key tile of K and V takes at most half of L2 and a strip's
// logits (6 rows of the key tile) at most half of L1, so the exp and P·V
// passes find them in cache; key tiles are whole panels. Query tiles are
// whole strips, up to 96 rows (16 strips over each key tile), halved until
// there are 4 per worker for balance.
func stripTileSizes(nq, d, dv, workers int, c cacheInfo) (bq, bk int) {
	bk = min(c.l2/2/(8*(d+dv)), c.l1/2/(8*stripMR))
	bk = min(max(bk/stripNR*stripNR, stripNR), stripMaxBK)
	bq = stripMaxBQ
	for bq > stripMR && (nq+bq-1)/bq < 4*workers {
		bq = max(bq/2/stripMR*stripMR, stripMR)
	}
	return bq, bk
}

// stripWorker is a worker's scratch for the strip path.
type stripWorker struct {
	qp  []float64 // packed query tile: strips of 6·d
	s   []float64 // 6 × lds logits, then weights, of one strip
	lds int
}

func (w *worker) initStrip() {
	strips := (w.bq + stripMR - 1) / stripMR
	bk := min(w.bk, w.nk)                      // no wider than the keys
	w.lds = (bk+stripNR-1)/stripNR*stripNR + 8 // rows not 4 KiB apart: no 4K aliasing
	w.qp = make([]float64, strips*stripMR*w.d)
	w.s = make([]float64, strips*stripMR*w.lds)
	w.m = make([]float64, strips*stripMR)
	w.l = make([]float64, strips*stripMR)
	w.acc = make([]float64, strips*stripMR*w.dv)
}

// queryTileStrip is queryTile on the strip path.
func (w *worker) queryTileStrip(i0, i1 int) bool {
	n, d, dv := i1-i0, w.d, w.dv
	strips := (n + stripMR - 1) / stripMR
	for st := range strips {
		packQStrip(w.qp[st*stripMR*d:], w.q.Data, w.q.Stride, i0+st*stripMR, i1, d)
	}
	for r := range strips * stripMR {
		w.m[r], w.l[r] = math.Inf(-1), 0
	}
	clear(w.acc[:strips*stripMR*dv])
	for j0 := 0; j0 < w.nk; j0 += w.bk {
		if w.ctx.Err() != nil {
			return false
		}
		kn := min(w.bk, w.nk-j0)
		panels := (kn + stripNR - 1) / stripNR
		kp := w.kp[j0*d : (j0+panels*stripNR)*d]
		vt := w.v.Data[j0*w.v.Stride:]
		w.k.strip.qk(w.s, w.lds, w.qp, kp, strips, panels, d)
		for st := range strips {
			s, acc := w.s[st*stripMR*w.lds:], w.acc[st*stripMR*dv:]
			for i := range min(stripMR, n-st*stripMR) {
				r := st*stripMR + i
				w.k.softmax(s[i*w.lds:i*w.lds+kn], &w.m[r], &w.l[r], acc[i*dv:(i+1)*dv], w.invd)
			}
			w.k.strip.pv(acc, dv, s, w.lds, vt, w.v.Stride, kn, dv)
		}
	}
	w.finish(i0, i1)
	return true
}
