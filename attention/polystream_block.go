package attention

// Blocked kernels of polyStream. A worker takes polyB rows at a time and
// keeps, per block, the features feature-major: fb[f·polyB + i] is feature
// f of row i of the block, for the parents f < start[g] (the last degree is
// generated on the fly and never stored). Every loop is then a contiguous
// multiply over the block's rows, which the AVX2 kernels of
// polystream_amd64.s do 4 rows per instruction. Padding rows are zero (in
// X and in [V 1]), so they add exact zeros.

// polyB is the number of rows of a block (4 YMM registers of float64).
const polyB = 16

// polyKernel is a pair of block kernels; polyGoKernel is the pure-Go one,
// polySIMDKernel the AVX2 + FMA one and polyAVX512Kernel the AVX-512 one
// (nil without them).
type polyKernel struct {
	name string
	// acc: for f in [lo, hi): y = fb[parent[f]]·x[coord[f]] (row-wise),
	// stored as fb[f] when f < nstore, and acc[f·width + c] += Σ_i y_i·vt[c][i]
	// for c < width. Cost (hi−lo)·polyB·(2·width + 1) flops.
	acc func(acc, fb, x, vt []float64, parent, coord []int32, lo, hi, nstore, width int)
	// dot3: for f in [lo, hi): y as in acc (stored when f < nstore), and
	// t[j·polyB + i] += y_i·m[3f + j] for j < 3. Cost (hi−lo)·polyB·7 flops.
	dot3 func(t, fb, x, m []float64, parent, coord []int32, lo, hi, nstore int)
}

var polyGoKernel = &polyKernel{name: "go", acc: polyAccGo, dot3: polyDot3Go}

// polyKernels returns the fastest available block kernels.
func polyKernels() *polyKernel {
	if polyAVX512Kernel != nil {
		return polyAVX512Kernel
	}
	if polySIMDKernel != nil {
		return polySIMDKernel
	}
	return polyGoKernel
}

// polyFeature sets y = fb[p]·x[c] row-wise for feature f and stores it as
// fb[f] when f < nstore. Cost polyB flops.
func polyFeature(y *[polyB]float64, fb, x []float64, p, c, f, nstore int) {
	fp, xc := fb[p*polyB:][:polyB], x[c*polyB:][:polyB]
	for i := range y {
		y[i] = fp[i] * xc[i]
	}
	if f < nstore {
		copy(fb[f*polyB:][:polyB], y[:])
	}
}

// polyAccGo is the pure-Go acc kernel (see polyKernel).
func polyAccGo(acc, fb, x, vt []float64, parent, coord []int32, lo, hi, nstore, width int) {
	var y [polyB]float64
	for f := lo; f < hi; f++ {
		polyFeature(&y, fb, x, int(parent[f]), int(coord[f]), f, nstore)
		a := acc[f*width:][:width]
		for c := range a {
			vc := vt[c*polyB:][:polyB]
			var s0, s1, s2, s3 float64
			for i := 0; i < polyB; i += 4 {
				s0 += y[i] * vc[i]
				s1 += y[i+1] * vc[i+1]
				s2 += y[i+2] * vc[i+2]
				s3 += y[i+3] * vc[i+3]
			}
			a[c] += (s0 + s1) + (s2 + s3)
		}
	}
}

// polyDot3Go is the pure-Go dot3 kernel (see polyKernel).
func polyDot3Go(t, fb, x, m []float64, parent, coord []int32, lo, hi, nstore int) {
	var y [polyB]float64
	t0, t1, t2 := t[:polyB], t[polyB:2*polyB], t[2*polyB:3*polyB]
	for f := lo; f < hi; f++ {
		polyFeature(&y, fb, x, int(parent[f]), int(coord[f]), f, nstore)
		m0, m1, m2 := m[3*f], m[3*f+1], m[3*f+2]
		for i, yi := range y {
			t0[i] += yi * m0
			t1[i] += yi * m1
			t2[i] += yi * m2
		}
	}
}
