package explain

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/reduction"
	"gonum.org/v1/gonum/mat"
)

// The sizes, constants c = B/√ln n and seed of step 10. Runs of the
// polynomial method are capped at scalingMaxFlops predicted flops (about a
// tenth of a second) so that the step takes a few seconds in all.
var (
	scalingLogN = []int{10, 12, 14, 16}
	scalingCs   = []float64{0.25, 0.5, 0.75}
)

const (
	scalingSeed     = 1
	scalingSample   = 16 // rows checked against the definition
	scalingMaxFlops = 2e8
)

// Scaling is the computation of step 10: the polynomial method on random
// instances of growing n in the theorem's regime d = log2 n, B = c·√ln n.
type Scaling struct {
	Eps  float64    `json:"eps"`
	Seed uint64     `json:"seed"`
	Rows []ScaleRow `json:"rows"`
}

// ScaleRow is one (n, c) of [Scaling].
type ScaleRow struct {
	N, D    int
	C, B, R float64
	Degree  int
	CertErr reduction.Number
	Rank    reduction.Number
	RankN   reduction.Number // r/n
	// Speedup is exact attention's predicted flops over the polynomial
	// method's (attention.Poly.Analyze): above 1 the fast path pays.
	Speedup reduction.Number
	Ran     bool             // run (predicted flops ≤ scalingMaxFlops)
	Error   reduction.Number // max |T̃ − T| on sampled rows, when Ran
}

var scalingMemo struct {
	sync.Mutex
	m map[float64]*Scaling
}

// computeScaling returns step 10's computation for target relative error
// eps, memoised per eps (it depends on nothing else).
func computeScaling(ctx context.Context, eps float64) (*Scaling, error) {
	scalingMemo.Lock()
	defer scalingMemo.Unlock()
	if s, ok := scalingMemo.m[eps]; ok {
		return s, nil
	}
	s := &Scaling{Eps: eps, Seed: scalingSeed}
	for _, c := range scalingCs {
		for _, lg := range scalingLogN {
			row, err := scaleRow(ctx, 1<<lg, c, eps)
			if err != nil {
				return nil, err
			}
			s.Rows = append(s.Rows, row)
		}
	}
	if scalingMemo.m == nil {
		scalingMemo.m = map[float64]*Scaling{}
	}
	scalingMemo.m[eps] = s
	return s, nil
}

// scaleRow draws Q, K with entries ±B (so R = B²) and V uniform in [0, 1],
// plans the polynomial method for eps, and runs it when cheap, checking
// sampled rows against the definition (attention.Naive).
func scaleRow(ctx context.Context, n int, c, eps float64) (ScaleRow, error) {
	d := int(math.Round(math.Log2(float64(n))))
	b := c * math.Sqrt(math.Log(float64(n)))
	rng := rand.New(rand.NewPCG(scalingSeed, uint64(n)))
	q, k, v := signs(rng, n, d, b), signs(rng, n, d, b), mat.NewDense(n, 1, nil)
	for i := range n {
		v.Set(i, 0, rng.Float64())
	}
	pm, err := attention.NewPoly(attention.Options{Eps: eps})
	if err != nil {
		return ScaleRow{}, err
	}
	info, err := pm.Analyze(q, k, v)
	if err != nil {
		return ScaleRow{}, err
	}
	row := ScaleRow{N: n, D: d, C: c, B: b, R: info.R, Degree: info.Degree, CertErr: reduction.Number(info.CertRelErr),
		Rank: reduction.Number(info.Rank), RankN: reduction.Number(info.Rank / float64(n)),
		Speedup: reduction.Number(info.ExactFlops / info.Flops)}
	if info.Flops > scalingMaxFlops {
		return row, nil
	}
	out, err := pm.Attend(ctx, q, k, v)
	if err != nil {
		return row, fmt.Errorf("step 10 at n = %d, c = %g: %w", n, c, err)
	}
	rows := make([]int, scalingSample)
	for i := range rows {
		rows[i] = rng.IntN(n)
	}
	qs := mat.NewDense(len(rows), d, nil)
	for i, r := range rows {
		qs.SetRow(i, q.RawRowView(r))
	}
	ref := attention.Naive(qs, k, v)
	row.Ran = true
	for i, r := range rows {
		row.Error = reduction.Number(math.Max(float64(row.Error), math.Abs(out.T.At(r, 0)-ref.T.At(i, 0))))
	}
	return row, nil
}

// signs returns an n×d matrix of entries ±b, each sign a fair coin.
func signs(rng *rand.Rand, n, d int, b float64) *mat.Dense {
	x := mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			if rng.IntN(2) == 0 {
				x.Set(i, j, b)
			} else {
				x.Set(i, j, -b)
			}
		}
	}
	return x
}

// scaling is step 10.
func (l *lesson) scaling() {
	s := l.scale
	d := l.doc
	d.Heading(2, "10. The same method at scale")
	d.Para("At n = %d nothing is fast. In the theorem's regime d = log2 n and "+
		"B = c·√ln n, take random Q and K with entries ±B (so R = B²), V in "+
		"[0, 1], the same ε = %s, and n = 2^%d … 2^%d. The solver plans "+
		"the degree and rank as in step 9; \"speed-up\" is exact attention's "+
		"predicted flops over the polynomial method's; the error is measured "+
		"against the definition on %d sampled rows (seed %d), where the run "+
		"is cheap enough for a lesson. Starred: the fast path pays (speed-up > 1).",
		l.in.Params.Size, Num(s.Eps, 3), scalingLogN[0], scalingLogN[len(scalingLogN)-1], scalingSample, s.Seed)
	t := &Table{Header: []string{"c", "n", "d", "R", "g", "rank r", "r/n", "speed-up", "error"}}
	for _, r := range s.Rows {
		e := "not run"
		if r.Ran {
			e = Sig(float64(r.Error), 2)
		}
		t.Rows = append(t.Rows, []Cell{{Text: Num(r.C, 2)}, {Text: fmt.Sprintf("2^%d", r.D)}, {Text: fmt.Sprint(r.D)},
			{Text: Num(r.R, 2)}, {Text: fmt.Sprint(r.Degree)}, {Text: Count(float64(r.Rank))},
			{Text: Sig(float64(r.RankN), 3)},
			{Text: Sig(float64(r.Speedup), 3), Mark: goodIf(r.Speedup > 1)}, {Text: e}})
	}
	d.Table(t)
	d.Para("Read each value of c down the column r/n. For small c the rank "+
		"falls behind n as n grows and the speed-up grows: the method is "+
		"subquadratic there, and near-linear as c → 0, the regime "+
		"B = o(√log n). For larger c, r/n grows with n: the cost grows "+
		"faster than n², so what the fast path gains at small n shrinks and "+
		"turns into a loss. "+
		"%s That crossing, at a constant c, is where this method stops being "+
		"subquadratic; the theorem's lower bound says that at a large enough "+
		"constant c no method is, unless SETH fails. `hardness experiment "+
		"transition` maps the crossing for n up to 2^22.", s.crossing())
}

func goodIf(b bool) Mark {
	if b {
		return Good
	}
	return None
}

// crossing says at which values of c r/n is lower at the largest n than
// at the smallest (falls) and at which it is not (rises), and names the c
// at which it does not move monotonically in between (the degree is an
// integer, so r/n jumps).
func (s *Scaling) crossing() string {
	var falls, rises, bumpy []float64
	for _, c := range scalingCs {
		var seq []reduction.Number
		for _, r := range s.Rows {
			if r.C == c {
				seq = append(seq, r.RankN)
			}
		}
		if len(seq) == 0 {
			continue
		}
		up, down := false, false
		for i := 1; i < len(seq); i++ {
			up, down = up || seq[i] > seq[i-1], down || seq[i] < seq[i-1]
		}
		if up && down {
			bumpy = append(bumpy, c)
		}
		if seq[len(seq)-1] < seq[0] {
			falls = append(falls, c)
		} else {
			rises = append(rises, c)
		}
	}
	span := fmt.Sprintf("From n = 2^%d to 2^%d", scalingLogN[0], scalingLogN[len(scalingLogN)-1])
	var out string
	switch {
	case len(falls) == 0:
		out = span + ", r/n ends no lower than it starts at every c shown"
	case len(rises) == 0:
		out = span + ", r/n ends lower than it starts at every c shown"
	default:
		out = fmt.Sprintf("%s, r/n falls at c = %s and rises at c = %s", span, joinNums(falls), joinNums(rises))
	}
	if len(bumpy) > 0 {
		out += fmt.Sprintf(" (not monotonically at c = %s: the degree is an integer, so r/n jumps)", joinNums(bumpy))
	}
	return out + "."
}

func joinNums(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = Num(x, 2)
	}
	return strings.Join(parts, ", ")
}
