package suite

import (
	"math"
	"math/rand/v2"
)

// written is an instance as the files hold it: permuted, rotated,
// pre-scaled for the logit convention and rounded to the dtype.
type written struct {
	q, k, v  []float64 // row-major: nq×d, nk×d, nk×dv; values exactly as stored
	nq, nk   int
	d, dv    int
	col      int   // the decisive column of V and T
	qperm    []int // file row r holds original query qperm[r]
	kperm    []int
	rot      []float64 // d×d, nil without disguise
	defect   float64   // bound on ‖RᵀR − I‖₂
	noise    []int     // noise columns of V
	sigma    float64   // Q's pre-scale for the logit convention
	logitErr float64   // bound on |logit(files) − logit(instance)|
	radius   float64   // max‖q‖·max‖k‖/d of the instance
	b        float64   // max |entry| in the paper's convention
	bStored  float64   // max |entry| of the files
}

const (
	u64 = 0x1p-53 // unit roundoff of float64
	u32 = 0x1p-24 // unit roundoff of float32
)

// logitScale returns σ, the factor Q is multiplied by so that
// softmax(σQ·Kᵀ/D)·V = softmax(Q·Kᵀ/d)·V for the convention's divisor D
// (d, √d or 1): σ = D/d.
func logitScale(conv string, d int) float64 {
	switch conv {
	case "sqrt-d":
		return 1 / math.Sqrt(float64(d))
	case "1":
		return 1 / float64(d)
	}
	return 1
}

// transform writes p's Q, K, V in the suite's conventions. With disguise
// it permutes queries and keys, rotates the feature space by a Haar-random
// orthogonal R (Q·R, K·R: the logits ⟨q,k⟩ are unchanged up to rounding)
// and adds noise columns to V, all drawn from rng.
//
// Rounding (see the package documentation, "Rounding"): with
// ‖file q − σ·q·R‖ ≤ ε_Q·σ‖q‖ and likewise ε_K for keys, every logit of
// the files differs from the instance's by at most
// η = (‖q‖‖k‖/d)·(f + r·(ε_Q + ε_K) + ε_Q·ε_K), f ≥ ‖RᵀR − I‖₂,
// r ≥ ‖R‖₂; logitErr is η with the largest norms.
func transform(p *problem, o *Options, rng *rand.Rand) *written {
	nq, nk, d := p.x.N(), 2*p.x.M(), p.d
	w := &written{nq: nq, nk: nk, d: d, dv: 1, sigma: logitScale(o.LogitScale, d)}
	w.qperm, w.kperm = identity(nq), identity(nk)
	if o.Disguise {
		w.qperm, w.kperm = rng.Perm(nq), rng.Perm(nk)
		w.rot = haar(rng, d)
		w.defect = orthoDefect(w.rot, d)
		w.dv = 1 + o.NoiseCols
		w.col = rng.IntN(w.dv)
	}
	round := func(x float64) float64 { return x }
	uf := 0.0
	if o.DType == "float32" {
		round = func(x float64) float64 { return float64(float32(x)) }
		uf = u32
	}
	w.q = w.rows(p.q, w.qperm, w.sigma, round)
	w.k = w.rows(p.k, w.kperm, 1, round)
	w.v = make([]float64, nk*w.dv)
	for r, j := range w.kperm {
		for c := range w.dv {
			if c == w.col {
				w.v[r*w.dv+c] = p.v[j]
			} else {
				w.v[r*w.dv+c] = float64(rng.IntN(2))
			}
		}
	}
	for c := range w.dv {
		if c != w.col {
			w.noise = append(w.noise, c)
		}
	}
	w.bound(p, uf)
	w.entryBounds()
	return w
}

// rows returns the rows of src (len(perm) rows of d) in the order perm,
// times R if set, times sigma, rounded. The product is summed in index
// order, so the error bound γ_d holds.
func (w *written) rows(src []float64, perm []int, sigma float64, round func(float64) float64) []float64 {
	d := w.d
	out := make([]float64, len(perm)*d)
	for r, i := range perm {
		a := src[i*d : (i+1)*d]
		dst := out[r*d : (r+1)*d]
		if w.rot == nil {
			copy(dst, a)
		} else {
			for j := range d {
				s := 0.0
				for k := range d {
					s += a[k] * w.rot[k*d+j]
				}
				dst[j] = s
			}
		}
		for j := range dst {
			if sigma != 1 {
				dst[j] *= sigma
			}
			dst[j] = round(dst[j])
		}
	}
	return out
}

// bound sets radius and logitErr (see transform). uf is the unit roundoff
// of the dtype (0 for float64).
func (w *written) bound(p *problem, uf float64) {
	d := w.d
	w.radius = maxNorm(p.q, d) * maxNorm(p.k, d) / float64(d)
	rho, r2 := 0.0, 1.0 // rotation: product error, ‖R‖₂
	if w.rot != nil {
		gamma := float64(d) * u64 / (1 - float64(d)*u64)
		rho = gamma * math.Sqrt(float64(d)*(1+w.defect)) // γ_d·‖R‖_F
		r2 = math.Sqrt(1 + w.defect)
	}
	us := 0.0
	if w.sigma != 1 {
		us = 2 * u64 // σ itself and the product are rounded
	}
	eq := rho + (us+uf*(1+us))*(r2+rho)
	ek := rho + uf*(r2+rho)
	kappa := w.defect + r2*(eq+ek) + eq*ek
	w.logitErr = 1.01 * w.radius * kappa
}

// roundingBound is the largest change of any T_i from the rounding: the
// logits move by ≤ η, so the log-odds of T_i move by ≤ 2η and T_i by
// ≤ 2η/4 (dT/dθ = T(1−T) ≤ 1/4); evaluating T from the table adds
// (M+4)·u relative error on S_i, 8u·R on the exponents and 3u on the
// division.
func (w *written) roundingBound(m int) float64 {
	theta := float64(m+4)*u64 + 8*u64*w.radius + 2*u64
	return 1.01 * ((2*w.logitErr+theta)/4 + 3*u64)
}

// entryBounds sets b (paper convention: Q divided by σ) and bStored.
func (w *written) entryBounds() {
	mq, mk, mv := maxAbs(w.q), maxAbs(w.k), maxAbs(w.v)
	w.bStored = max(mq, mk, mv)
	w.b = max(mq/w.sigma, mk, mv)
}

// haar returns a d×d orthogonal matrix (row-major) distributed by Haar
// measure: Gram–Schmidt, applied twice for accuracy, to the columns of a
// Gaussian matrix (the Q of its QR factorisation with R's diagonal > 0).
func haar(rng *rand.Rand, d int) []float64 {
	g := make([]float64, d*d)
	for i := range g {
		g[i] = rng.NormFloat64()
	}
	for j := range d {
		for pass := 0; pass < 2; pass++ {
			for i := range j {
				dot := 0.0
				for k := range d {
					dot += g[k*d+i] * g[k*d+j]
				}
				for k := range d {
					g[k*d+j] -= dot * g[k*d+i]
				}
			}
		}
		nrm := 0.0
		for k := range d {
			nrm += g[k*d+j] * g[k*d+j]
		}
		nrm = math.Sqrt(nrm)
		for k := range d {
			g[k*d+j] /= nrm
		}
	}
	return g
}

// orthoDefect returns a bound on ‖RᵀR − I‖₂: the Frobenius norm of the
// computed RᵀR − I plus 2d·γ_d for the rounding of that computation.
func orthoDefect(r []float64, d int) float64 {
	s := 0.0
	for i := range d {
		for j := range d {
			dot := 0.0
			for k := range d {
				dot += r[k*d+i] * r[k*d+j]
			}
			if i == j {
				dot--
			}
			s += dot * dot
		}
	}
	gamma := float64(d+1) * u64 / (1 - float64(d+1)*u64)
	return math.Sqrt(s)*(1+4*u64) + 2*float64(d)*gamma
}

func identity(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}

func maxNorm(a []float64, d int) float64 {
	m := 0.0
	for i := 0; i < len(a); i += d {
		s := 0.0
		for _, x := range a[i : i+d] {
			s += x * x
		}
		m = max(m, s)
	}
	return math.Sqrt(m) * (1 + float64(d)*u64)
}

func maxAbs(a []float64) float64 {
	m := 0.0
	for _, x := range a {
		m = max(m, math.Abs(x))
	}
	return m
}
