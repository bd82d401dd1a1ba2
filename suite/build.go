package suite

import (
	"context"
	"fmt"
	"math"
	"math/bits"

	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/sat"
)

// problem is the combinatorial instance behind one attention instance and
// the real-number attention instance built from it, before any disguise:
// Q is N×d, K is 2M×d (M real keys, then M reference keys), V is 2M×1.
type problem struct {
	x      *ovp.Instance
	cnf    *ovp.CNF // cnf route only
	ann    bool     // pair values are Hamming distances, not inner products
	yes    bool
	source Source
	d      int
	q, k   []float64 // row-major
	v      []float64
	// table[k] = exp(logit(k) − reference logit) for inner product (ov,
	// cnf) or distance (ann) k: the weight of a real key relative to a
	// reference key.
	table  []float64
	isYes  func(k int) bool // pair value k makes a YES pair
	gapDot int              // ov, cnf: every non-orthogonal pair has ⟨a,b⟩ ≥ gapDot
	gap    float64
	x0     float64 // largest weight of a NO pair: exp(−β²·gapDot/m) or exp(−s²(far−t))
	bBuilt float64 // the construction's entry bound
	cAuto  float64 // c = scale/√ln n of the construction's own scale
}

// makeProblem draws the combinatorial instance of cell c with seed and
// verdict yes, and builds Q, K, V at the cell's scale. Cost: the
// generator's (quadratic pair checks, gini for cnf) plus O(n·d).
func makeProblem(ctx context.Context, o *Options, c Cell, seed uint64, yes bool) (*problem, error) {
	p := &problem{yes: yes}
	var err error
	switch c.Route {
	case RouteOV:
		err = p.plantOV(ctx, o, c, seed)
	case RouteANN:
		err = p.plantANN(ctx, o, c, seed)
	case RouteCNF:
		err = p.randomCNF(ctx, o, c, seed)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (p *problem) plantOV(ctx context.Context, o *Options, c Cell, seed uint64) error {
	m := o.dim(c.N)
	pl, err := ovp.PlantGap(ctx, ovp.GapOptions{N: c.N, M: c.N / 2, Dim: m, Density: o.Density, Gap: c.Gap,
		Yes: p.yes, Seed: seed, MaxMemory: o.MaxMemory, Workers: 1})
	if err != nil {
		return err
	}
	p.x = pl.Instance
	p.source = Source{Kind: "planted Gap-OV", Seed: seed, Repaired: pl.Repaired}
	return p.buildOV(c, pl.Target, c.Gap)
}

// randomCNF draws random 3-CNF formulas with v = 2·log2(n) − 1 variables
// until gini gives the wanted verdict, and lists them with split
// h = log2 n: N = n, M = n/2.
func (p *problem) randomCNF(ctx context.Context, o *Options, c Cell, seed uint64) error {
	h := bits.Len(uint(c.N)) - 1
	v := 2*h - 1
	m := sat.ClausesForRatio(v, o.Ratio)
	for try := 0; try < o.MaxTries; try++ {
		f, err := sat.Random(sat.GenOptions{Vars: v, Clauses: m, K: 3, Seed: seed + uint64(try)})
		if err != nil {
			return err
		}
		res, err := sat.Solve(ctx, f)
		if err != nil {
			return err
		}
		if (res.Status == sat.Sat) != p.yes {
			continue
		}
		cnf, err := ovp.FromCNF(f, ovp.CNFOptions{Split: h, MaxMemory: o.MaxMemory})
		if err != nil {
			return err
		}
		st, err := ovp.MinInnerProduct(ctx, cnf.Instance, ovp.Options{Workers: 1})
		if err != nil {
			return err
		}
		g := st.MinNonzero
		if g < 1 {
			g = max(m, 1) // every pair orthogonal: any gap holds
		}
		p.x, p.cnf = cnf.Instance, cnf
		p.source = Source{Kind: "random 3-CNF", Seed: seed + uint64(try), Vars: v, Clauses: m, Split: h, Tries: try + 1, Formula: "formula.cnf"}
		return p.buildOV(c, g, float64(g)/float64(max(m, 1)))
	}
	want := "UNSAT"
	if p.yes {
		want = "SAT"
	}
	return fmt.Errorf("cell %s: no %s formula in %d random 3-CNF draws with %d variables and %d clauses; change --ratio or --yes-fraction",
		c.Key(), want, o.MaxTries, v, m)
}

// buildOV is the construction of reduction.FromOV at scale β: q_i = β·a_i,
// k_j = −β·b_j, M zero reference keys, V = 1 on real keys. Every
// non-orthogonal pair has ⟨a,b⟩ ≥ g. With c = 0, β² = ln(4(M+1))·m/g.
func (p *problem) buildOV(c Cell, g int, gap float64) error {
	x := p.x
	n, mk, m := x.N(), x.M(), x.Dim()
	d := max(m, 1)
	sq := math.Sqrt(math.Log(float64(c.N)))
	auto := math.Sqrt(math.Log(4*(float64(mk)+1)) * float64(d) / float64(g))
	beta := c.C * sq
	if c.C == 0 {
		beta = auto
	}
	p.cAuto = auto / sq
	p.d, p.gapDot, p.gap = d, g, gap
	p.q, p.k, p.v = make([]float64, n*d), make([]float64, 2*mk*d), make([]float64, 2*mk)
	for i := range n {
		for t := range m {
			if x.Bit(ovp.A, i, t) {
				p.q[i*d+t] = beta
			}
		}
	}
	for j := range mk {
		for t := range m {
			if x.Bit(ovp.B, j, t) {
				p.k[j*d+t] = -beta
			}
		}
		p.v[j] = 1
	}
	p.table = make([]float64, m+1)
	for k := range p.table {
		p.table[k] = math.Exp(-(beta * beta) * float64(k) / float64(d))
	}
	p.isYes = func(k int) bool { return k == 0 }
	p.x0 = math.Exp(-(beta * beta) * float64(g) / float64(d))
	p.bBuilt = math.Max(beta, 1)
	p.source.N, p.source.M, p.source.Dim, p.source.Scale, p.source.GapDot = n, mk, m, beta, g
	return nil
}

// plantANN draws a planted Gap-ANN instance (d0 = dim, t = round(TFrac·d0),
// gap ε) and builds reduction.FromGapANN's construction at entry
// c_e = s·√d: q_i = c_e·(a_i, 1−a_i), real keys c_e·(b_j, 1−b_j), M
// reference keys c_e(1 − t/d0)·𝟏. With c = 0, s² = ln(4(M+1))/(far − t).
func (p *problem) plantANN(ctx context.Context, o *Options, c Cell, seed uint64) error {
	d0 := o.dim(c.N)
	t := int(math.Round(o.TFrac * float64(d0)))
	pl, err := ovp.PlantANN(ctx, ovp.ANNOptions{N: c.N, M: c.N / 2, Dim: d0, T: t, Eps: c.Gap, Density: o.Density,
		Close: p.yes, Seed: seed, MaxMemory: o.MaxMemory, Workers: 1})
	if err != nil {
		return err
	}
	x := pl.Instance
	p.x, p.ann = x, true
	far := pl.Far()
	n, mk, d := x.N(), x.M(), 2*d0
	sq := math.Sqrt(math.Log(float64(c.N)))
	auto := math.Sqrt(math.Log(4*(float64(mk)+1))/float64(far-t)) * math.Sqrt(float64(d))
	ce := c.C * sq
	if c.C == 0 {
		ce = auto
	}
	p.cAuto = auto / sq
	cref := ce * (1 - float64(t)/float64(d0))
	p.d, p.gap = d, c.Gap
	p.q, p.k, p.v = make([]float64, n*d), make([]float64, 2*mk*d), make([]float64, 2*mk)
	fill := func(dst []float64, s ovp.Side, i int) {
		for k := range d0 {
			if x.Bit(s, i, k) {
				dst[k] = ce
			} else {
				dst[d0+k] = ce
			}
		}
	}
	for i := range n {
		fill(p.q[i*d:(i+1)*d], ovp.A, i)
	}
	for j := range mk {
		fill(p.k[j*d:(j+1)*d], ovp.B, j)
		p.v[j] = 1
		for k := range d {
			p.k[(mk+j)*d+k] = cref
		}
	}
	ref := ce * cref * float64(d0) / float64(d)
	p.table = make([]float64, d0+1)
	for k := range p.table {
		p.table[k] = math.Exp(ce*ce*float64(d0-k)/float64(d) - ref)
	}
	p.isYes = func(k int) bool { return k <= t }
	p.x0 = math.Exp(-(ce * ce) * float64(far-t) / float64(d))
	p.bBuilt = math.Max(ce, 1)
	p.source = Source{Kind: "planted Gap-ANN", Seed: seed, N: n, M: mk, Dim: d0, Scale: ce / math.Sqrt(float64(d)), T: t, Far: far}
	return nil
}

// exactT computes the decisive column of T = Att(Q, K, V) for the
// real-number instance from the pair values: T_i = S_i/(S_i + M) with
// S_i = Σ_j table[value(i, j)]. It also returns the YES rows and the first
// YES pair. Cost O(N·M·m/64).
func (p *problem) exactT() (t []float64, yes []bool, wi, wj int) {
	x := p.x
	n, mk := x.N(), x.M()
	t, yes = make([]float64, n), make([]bool, n)
	wi, wj = -1, -1
	for i := range n {
		s := 0.0
		for j := range mk {
			var k int
			if p.ann {
				k = x.Dist(i, j)
			} else {
				k = x.Dot(i, j)
			}
			s += p.table[k]
			if p.isYes(k) {
				yes[i] = true
				if wi < 0 {
					wi, wj = i, j
				}
			}
		}
		t[i] = s / (s + float64(mk))
	}
	return t, yes, wi, wj
}

// bounds returns the guaranteed bounds of the construction: T_i ≥ 1/(M+1)
// on YES rows (a term e⁰ = 1) and T_i ≤ x/(1+x) on NO rows (every term
// ≤ x). The instance decides only if noUpper < yesLower, i.e. M·x < 1.
func (p *problem) bounds() (yesLower, noUpper float64) {
	return 1 / (float64(p.x.M()) + 1), p.x0 / (1 + p.x0)
}
