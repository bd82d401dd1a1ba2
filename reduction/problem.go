package reduction

import (
	"context"
	"fmt"
	"math"
	"math/bits"

	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/sat"
	"gonum.org/v1/gonum/mat"
)

// A Problem is one of the three inputs of the reduction (docs/design.md
// §2): a CNF formula ([CNFProblem]), an OV instance ([OVProblem]) or a
// Hamming Gap-ANN instance ([ANNProblem]). [Solve] runs the same
// pipeline on each; the Problem supplies what differs: how the input is
// described, which constants the construction uses, the rows of Q and of
// K, V (any contiguous range of them, so that a shard builds only its own
// query rows and the keys a tile at a time), how a YES row is decoded into
// a witness, and the independent check.
type Problem interface {
	// Route names the construction ("ov" or "ann").
	Route() Route
	// QueryRows is N, the number of rows of Q and T: what shards divide.
	QueryRows() int
	// describe fills the report's account of the input and validates opt;
	// it returns the bytes the input holds in memory.
	describe(r *Report, opt Options) (inputBytes float64, err error)
	// params chooses the gap (measuring it if asked) and returns the
	// construction's constants.
	params(ctx context.Context, r *Report, opt Options) (Params, error)
	// rows returns rows [lo, hi) of Q (side A) or of K and V (side B).
	queries(ctx context.Context, p Params, lo, hi int) (*mat.Dense, error)
	keys(ctx context.Context, p Params, lo, hi int) (k, v *mat.Dense, err error)
	// fillKeys writes rows [lo, lo + rows of k) of K and V into k and v,
	// overwriting them (so that a run streaming tiles reuses two buffers).
	fillKeys(ctx context.Context, p Params, lo int, k, v *mat.Dense) error
	// heaviest returns the indices of a query row and of the key rows of
	// largest norm (so that the logit radius of the whole instance can be
	// computed without building it).
	heaviest(ctx context.Context, p Params) (q int, k []int, err error)
	// decode turns a SAT decision into a witness, or a decoding failure.
	decode(ctx context.Context, r *Report) error
	// check runs the independent answer and sets r.Check.
	check(ctx context.Context, r *Report, opt Options) error
}

// vectors is where a route's bit vectors come from: an instance in memory,
// or a formula's split-and-list, listed on demand.
type vectors interface {
	// list returns vectors [lo, hi) of side s packed, words() words each;
	// the slice may alias the instance and must not be modified.
	list(ctx context.Context, s ovp.Side, lo, hi int) ([]uint64, error)
	words() int
	dim() int
	len(s ovp.Side) int
}

// instanceVectors are the vectors of an instance in memory.
type instanceVectors struct{ x *ovp.Instance }

func (v instanceVectors) list(_ context.Context, s ovp.Side, lo, hi int) ([]uint64, error) {
	w := v.x.Words()
	return v.x.Data(s)[lo*w : hi*w], nil
}
func (v instanceVectors) words() int         { return v.x.Words() }
func (v instanceVectors) dim() int           { return v.x.Dim() }
func (v instanceVectors) len(s ovp.Side) int { return v.x.Len(s) }

// listedVectors are the split-and-list vectors of a formula, never held
// whole: each call lists the range asked for (ovp.Lister).
type listedVectors struct {
	side [2]*ovp.Lister
	m    int
}

func (v listedVectors) list(ctx context.Context, s ovp.Side, lo, hi int) ([]uint64, error) {
	dst := make([]uint64, (hi-lo)*v.words())
	return dst, v.side[s].List(ctx, dst, lo, hi)
}
func (v listedVectors) words() int         { return ovp.WordsFor(v.m) }
func (v listedVectors) dim() int           { return v.m }
func (v listedVectors) len(s ovp.Side) int { return v.side[s].Len() }

// scanTile is the number of vectors a scan over a side lists at a time.
const scanTile = 1 << 14

// scanSide calls f(j, b_j) for every vector of side s in order until f
// returns true, listing tile by tile; it returns the j where f stopped,
// −1 if it never did. Cost O(len·m/64) plus f.
func scanSide(ctx context.Context, vec vectors, s ovp.Side, f func(j int, row []uint64) bool) (int, error) {
	w, n := vec.words(), vec.len(s)
	for j0 := 0; j0 < n; j0 += scanTile {
		j1 := min(j0+scanTile, n)
		rows, err := vec.list(ctx, s, j0, j1)
		if err != nil {
			return -1, err
		}
		for j := j0; j < j1; j++ {
			if f(j, rows[(j-j0)*w:(j-j0+1)*w]) {
				return j, nil
			}
		}
	}
	return -1, ctx.Err()
}

// heaviestOf returns the index of a vector of side s of largest weight.
func heaviestOf(ctx context.Context, vec vectors, s ovp.Side) (int, error) {
	best, bestW := 0, -1
	_, err := scanSide(ctx, vec, s, func(j int, row []uint64) bool {
		if w := popcount(row); w > bestW {
			best, bestW = j, w
		}
		return false
	})
	return best, err
}

func popcount(row []uint64) int {
	n := 0
	for _, w := range row {
		n += bits.OnesCount64(w)
	}
	return n
}

// ovRoute is the OV construction on vectors from an instance (OVProblem)
// or a formula (CNFProblem, with f set).
type ovRoute struct {
	vec vectors
	x   *ovp.Instance // the instance in memory, if any (OVProblem, or a measured gap)
	f   *sat.Formula  // CNF route only
	h   int           // split, CNF route only
}

// CNFProblem is a formula reduced by split-and-list at h variables (0
// means ⌊v/2⌋): the OV route, checked by gini. The vectors are listed on
// demand, never held whole unless the gap is measured.
func CNFProblem(f *sat.Formula, h int) (Problem, error) {
	v := f.Vars
	if h == 0 {
		h = ovp.DefaultSplit(v)
	}
	if h < 0 || h > v || h > ovp.MaxSplitVars || v-h > ovp.MaxSplitVars {
		return nil, fmt.Errorf("reduction: split %d out of range for %d variables (want 0..%d, at most %d per side)", h, v, v, ovp.MaxSplitVars)
	}
	a, err := ovp.NewLister(f, h, ovp.A)
	if err != nil {
		return nil, err
	}
	b, err := ovp.NewLister(f, h, ovp.B)
	if err != nil {
		return nil, err
	}
	return &ovRoute{vec: listedVectors{side: [2]*ovp.Lister{a, b}, m: len(f.Clauses)}, f: f, h: h}, nil
}

// OVProblem is the OV instance x (a planted Gap-OV one, say): the OV
// route, checked by a brute-force search for an orthogonal pair.
func OVProblem(x *ovp.Instance) Problem { return &ovRoute{vec: instanceVectors{x}, x: x} }

func (*ovRoute) Route() Route { return RouteOV }

func (o *ovRoute) QueryRows() int { return o.vec.len(ovp.A) }

func (o *ovRoute) describe(r *Report, opt Options) (float64, error) {
	if opt.Gap != 0 && !(opt.Gap > 0 && opt.Gap <= 1) {
		return 0, fmt.Errorf("reduction: gap δ = %g, want 0 < δ ≤ 1", opt.Gap)
	}
	n, m, dim := o.vec.len(ovp.A), o.vec.len(ovp.B), o.vec.dim()
	r.Route = RouteOV
	r.OV = OVInfo{N: n, M: m, Dim: dim, Bytes: int64(ovp.Bytes(float64(n), float64(m), dim))}
	if o.f == nil {
		return float64(r.OV.Bytes), nil
	}
	v := o.f.Vars
	r.Formula = &FormulaInfo{Vars: v, Clauses: dim, Lits: o.f.NumLits()}
	r.OV.Split = o.h
	if opt.MeasureGap { // the quadratic pass needs the whole instance
		return ovp.CNFBytes(v, o.h, max(dim, 1), o.f.NumLits()), nil
	}
	return float64(16*o.f.NumLits() + 16*dim + 64*v), nil // the listers' occurrence lists
}

func (o *ovRoute) params(ctx context.Context, r *Report, opt Options) (Params, error) {
	if o.x == nil && opt.MeasureGap {
		err := r.stage(StageOV, opt, func() error {
			cnf, err := ovp.FromCNFContext(ctx, o.f, ovp.CNFOptions{Split: o.h, MaxMemory: opt.MaxMemory})
			if err == nil {
				o.x, o.vec = cnf.Instance, instanceVectors{cnf.Instance}
			}
			return err
		})
		if err != nil {
			return Params{}, err
		}
	}
	var delta float64
	switch {
	case opt.MeasureGap:
		d, err := r.measureGap(ctx, o.x, opt)
		if err != nil {
			return Params{}, err
		}
		delta = d
	case opt.Gap != 0:
		r.Gap = GapInfo{Source: "promised", Delta: opt.Gap}
		delta = opt.Gap
	default:
		r.Gap = GapInfo{Source: "guaranteed", Delta: 1 / float64(max(o.vec.dim(), 1))}
		delta = r.Gap.Delta
	}
	n, m, dim := o.vec.len(ovp.A), o.vec.len(ovp.B), max(o.vec.dim(), 1)
	switch opt.Form {
	case FormTight:
		return TightOVParams(n, m, dim, delta, TightTolerance)
	case FormPaper:
		e, err := o.shift(ctx)
		if err != nil {
			return Params{}, err
		}
		return PaperOVParams(n, m, dim, e, delta)
	}
	return OVParams(n, m, dim, delta)
}

// shift returns e = min(max_i |a_i|, max_j |b_j|) ≥ every ⟨a_i, b_j⟩: the
// shift coordinates of the paper's form. Cost O((N+M)·m/64).
func (o *ovRoute) shift(ctx context.Context) (int, error) {
	e := o.vec.dim()
	for _, s := range []ovp.Side{ovp.A, ovp.B} {
		i, err := heaviestOf(ctx, o.vec, s)
		if err != nil {
			return 0, err
		}
		row, err := o.vec.list(ctx, s, i, i+1)
		if err != nil {
			return 0, err
		}
		e = min(e, popcount(row))
	}
	return e, nil
}

// queries: q_i = β·a_i (a dimension-0 instance gets one zero column);
// in the paper's form followed by e shift coordinates β.
func (o *ovRoute) queries(ctx context.Context, p Params, lo, hi int) (*mat.Dense, error) {
	return inTiles(ctx, lo, hi, p.D, func(dst *mat.Dense, i0, i1 int) error {
		rows, err := o.vec.list(ctx, ovp.A, i0, i1)
		if err != nil {
			return err
		}
		fillBits(dst, rows, o.vec.words(), i1-i0, p.Scale)
		shiftColumns(dst, p)
		return nil
	})
}

// shiftColumns sets the e shift coordinates of the paper's OV form, the
// last e columns, to β in every row of m.
func shiftColumns(m *mat.Dense, p Params) {
	if p.Shift == 0 {
		return
	}
	rows, _ := m.Dims()
	for i := range rows {
		fill(m.RawRowView(i)[p.D-p.Shift:], p.Scale)
	}
}

// keys: k_j = −β·b_j, v_j = 1 for j < M; k_j = 0, v_j = 0 for the
// reference keys (M of them, one in the tight form); in the paper's form
// every key ends with e shift coordinates β.
func (o *ovRoute) keys(ctx context.Context, p Params, lo, hi int) (*mat.Dense, *mat.Dense, error) {
	k, v := mat.NewDense(hi-lo, p.D, nil), mat.NewDense(hi-lo, 1, nil)
	return k, v, o.fillKeys(ctx, p, lo, k, v)
}

func (o *ovRoute) fillKeys(ctx context.Context, p Params, lo int, k, v *mat.Dense) error {
	n, _ := k.Dims()
	real := min(lo+n, p.M)
	k.Zero()
	if lo < real {
		rows, err := o.vec.list(ctx, ovp.B, lo, real)
		if err != nil {
			return err
		}
		fillBits(k, rows, o.vec.words(), real-lo, -p.Scale)
	}
	shiftColumns(k, p)
	fillReferenceValues(v, p.M, lo)
	return nil
}

func (o *ovRoute) heaviest(ctx context.Context, p Params) (int, []int, error) {
	i, err := heaviestOf(ctx, o.vec, ovp.A)
	if err != nil {
		return 0, nil, err
	}
	j, err := heaviestOf(ctx, o.vec, ovp.B)
	return i, []int{j}, err
}

// decode finds the first orthogonal partner of the arg-max row of a YES
// decision by a scan of B and, for a formula, verifies the assignment. If
// that fails it proves a promised gap false on that row (Report.Promise)
// and tries the other rows above τ in decreasing order of T ([decodeRows]).
func (o *ovRoute) decode(ctx context.Context, r *Report) error {
	witness := func(i int) (*Witness, error) { return o.witness(ctx, i) }
	return decodeRows(ctx, r, witness, func(i int) (*Violation, error) {
		if r.Gap.Source != "promised" {
			return nil, nil
		}
		return o.disprove(ctx, i, r.Gap.Delta)
	})
}

// witness decodes row i: its first orthogonal partner and, for a formula,
// the verified assignment.
func (o *ovRoute) witness(ctx context.Context, i int) (*Witness, error) {
	a, err := o.vec.list(ctx, ovp.A, i, i+1)
	if err != nil {
		return nil, err
	}
	j, err := scanSide(ctx, o.vec, ovp.B, func(_ int, b []uint64) bool { return dot(a, b) == 0 })
	if err != nil {
		return nil, err
	}
	w := &Witness{Row: i, Partner: j, Dot: -1, ArgMax: -1}
	if j < 0 {
		w.Error = fmt.Sprintf("row %d is above τ but a_%d has no orthogonal partner b_j", i, i)
		return w, nil
	}
	w.Dot, w.Verified = 0, true
	if o.f == nil {
		return w, nil
	}
	asg := ovp.SplitAssignment(o.f.Vars, o.h, i, j)
	w.Assignment = asg.Lits()
	if err := sat.Verify(o.f, asg); err != nil {
		w.Error, w.Verified = err.Error(), false
	}
	return w, nil
}

// disprove scans row i for its least nonzero inner product and returns
// the violation if it is below δ·m ([Disprove] on listed vectors).
func (o *ovRoute) disprove(ctx context.Context, i int, delta float64) (*Violation, error) {
	a, err := o.vec.list(ctx, ovp.A, i, i+1)
	if err != nil {
		return nil, err
	}
	best, bestDot := -1, 0
	_, err = scanSide(ctx, o.vec, ovp.B, func(j int, b []uint64) bool {
		if d := dot(a, b); d > 0 && (best < 0 || d < bestDot) {
			best, bestDot = j, d
		}
		return false
	})
	if err != nil {
		return nil, err
	}
	need := delta * float64(max(o.vec.dim(), 1))
	if best < 0 || float64(bestDot) >= need*(1-1e-12) {
		return nil, nil
	}
	return &Violation{Delta: delta, Row: i, Partner: best, Dot: bestDot, Need: need}, nil
}

// decodeRows decodes a YES decision: the arg-max row's witness; if it
// does not verify, the violation of the promise on that row (if any), and
// then the other rows above τ in decreasing order of T (Decision.Top, at
// most TopRows of them, the same in a sharded and an unsharded run), the
// first verified witness making the verdict SAT. Otherwise the verdict
// is a decoding failure with the arg-max row's witness.
func decodeRows(ctx context.Context, r *Report, witness func(int) (*Witness, error), disprove func(int) (*Violation, error)) error {
	if r.Decision.Verdict != Sat {
		return nil
	}
	i := r.Decision.Row
	w, err := witness(i)
	if err != nil {
		return err
	}
	r.Witness = w
	if w.Verified {
		return nil
	}
	if r.Promise, err = disprove(i); err != nil {
		return err
	}
	for k, top := range r.Decision.Top {
		row := top.Row
		if row == i {
			continue
		}
		v, err := witness(row)
		if err != nil {
			return err
		}
		if v.Verified {
			v.ArgMax, v.Tried, v.ArgMaxError = i, k+1, w.Error
			r.Witness = v
			return nil
		}
	}
	w.Tried = max(1, len(r.Decision.Top))
	r.Verdict = DecodingFailure
	return nil
}

func dot(a, b []uint64) int {
	n := 0
	for k, w := range a {
		n += bits.OnesCount64(w & b[k])
	}
	return n
}

// check: gini on a formula, a brute-force search on an instance.
func (o *ovRoute) check(ctx context.Context, r *Report, opt Options) error {
	if o.f != nil {
		res, err := sat.Solve(ctx, o.f)
		r.Check = &CheckInfo{By: "gini"}
		if res != nil {
			r.Check.Verdict, r.Check.Seconds = Verdict(res.Status), Seconds(res.Elapsed.Seconds())
		}
		return err
	}
	res, err := ovp.FindOrthogonal(ctx, o.x, ovp.Options{})
	r.Check = &CheckInfo{By: "brute force", Verdict: Unknown}
	if err != nil {
		return err
	}
	r.Check.Verdict = Unsat
	if res.Found {
		r.Check.Verdict = Sat
	}
	return nil
}

// annRoute is the Gap-ANN construction on a Hamming instance.
type annRoute struct {
	x   *ovp.Instance
	t   int
	eps float64
}

// ANNProblem is the Hamming Gap-ANN instance x with distance threshold t
// and gap ε: the Gap-ANN route, checked by a brute-force scan of all pairs
// for the minimum distance. It returns an error when t or ε is out of
// range.
func ANNProblem(x *ovp.Instance, t int, eps float64) (Problem, error) {
	if _, err := ANNParams(x.N(), x.M(), x.Dim(), t, eps); err != nil {
		return nil, err
	}
	return &annRoute{x: x, t: t, eps: eps}, nil
}

func (*annRoute) Route() Route { return RouteANN }

func (a *annRoute) QueryRows() int { return a.x.N() }

func (a *annRoute) describe(r *Report, _ Options) (float64, error) {
	x := a.x
	r.Route = RouteANN
	r.OV = OVInfo{N: x.N(), M: x.M(), Dim: x.Dim(), Bytes: int64(ovp.Bytes(float64(x.N()), float64(x.M()), x.Dim()))}
	r.Gap = GapInfo{Source: "instance", Pairs: x.Pairs()}
	return float64(r.OV.Bytes), nil
}

func (a *annRoute) params(_ context.Context, _ *Report, opt Options) (Params, error) {
	if opt.Form == FormPaper {
		return PaperANNParams(a.x.N(), a.x.M(), a.x.Dim(), a.t, a.eps)
	}
	return ANNParams(a.x.N(), a.x.M(), a.x.Dim(), a.t, a.eps)
}

// queries: q_i = s√d·(a_i, 1−a_i).
func (a *annRoute) queries(ctx context.Context, p Params, lo, hi int) (*mat.Dense, error) {
	return inTiles(ctx, lo, hi, p.D, func(dst *mat.Dense, i0, i1 int) error {
		dst.Copy(equalisedRows(a.x, ovp.A, a.scale(p), i0, i1))
		return nil
	})
}

// keys: s√d·(b_j, 1−b_j) with v_j = 1 for j < M; the M reference keys
// s√d·(1 − t/d0)·𝟏 with v_j = 0 (s√d·𝟏 in the paper's form).
func (a *annRoute) keys(ctx context.Context, p Params, lo, hi int) (*mat.Dense, *mat.Dense, error) {
	k, v := mat.NewDense(hi-lo, p.D, nil), mat.NewDense(hi-lo, 1, nil)
	return k, v, a.fillKeys(ctx, p, lo, k, v)
}

func (a *annRoute) fillKeys(_ context.Context, p Params, lo int, k, v *mat.Dense) error {
	n, _ := k.Dims()
	hi := lo + n
	c := a.scale(p)
	real := min(hi, p.M)
	k.Zero()
	if lo < real {
		k.Slice(0, real-lo, 0, p.D).(*mat.Dense).Copy(equalisedRows(a.x, ovp.B, c, lo, real))
	}
	ref := c * (1 - float64(a.t)/float64(a.x.Dim()))
	if p.Form == FormPaper {
		ref = c // the row maximum s²·d0
	}
	for j := max(lo, p.M); j < hi; j++ {
		row := k.RawRowView(j - lo)
		for c := range row {
			row[c] = ref
		}
	}
	fillReferenceValues(v, p.M, lo)
	return nil
}

func (a *annRoute) scale(p Params) float64 { return p.Scale * math.Sqrt(float64(p.D)) }

// heaviest: every equalised row has the same norm; the reference keys
// have another.
func (a *annRoute) heaviest(context.Context, Params) (int, []int, error) {
	return 0, []int{0, a.x.M()}, nil
}

// decode checks the arg-max row of a YES decision for a partner within
// distance t (the nearest one), and then the other rows above τ
// ([decodeRows]; the check counts the pairs that break the promise).
func (a *annRoute) decode(ctx context.Context, r *Report) error {
	return decodeRows(ctx, r, func(i int) (*Witness, error) {
		w := &Witness{Row: i, Partner: NearPartner(a.x, i, a.t), Dot: -1, ArgMax: -1}
		if w.Partner < 0 {
			w.Error = fmt.Sprintf("row %d is above τ but a_%d has no partner within distance %d", i, i, a.t)
			return w, ctx.Err()
		}
		w.Dot, w.Verified = a.x.Dist(i, w.Partner), true
		return w, nil
	}, func(int) (*Violation, error) { return nil, nil })
}

// check scans all pairs for the minimum distance (ovp.MinDistance) and
// counts the pairs that break the gap promise.
func (a *annRoute) check(ctx context.Context, r *Report, opt Options) error {
	st, err := ovp.MinDistance(ctx, a.x, ovp.Options{Progress: opt.GapProgress})
	r.Check = &CheckInfo{By: "brute force", Verdict: Unknown}
	if err != nil {
		return err
	}
	r.Check.MinDist, r.Check.Verdict = st.Min, Unsat
	if st.Min <= a.t {
		r.Check.Verdict = Sat
	}
	for dist := a.t + 1; dist < r.Params.Far && dist < len(st.Hist); dist++ {
		r.Check.GapViolations += st.Hist[dist]
	}
	return nil
}
