package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/internal/explain"
	"github.com/hardnesslab/hardness/reduction"
	"gonum.org/v1/gonum/mat"
)

// The slider's instance: d and d_v fixed, the target relative error of P
// fixed; n, c and the seed come from the page.
const (
	sliderD   = 8
	sliderDV  = 1
	sliderEps = 1e-3
)

// SliderPoint is one position of the slider, the answer of /api/poly.
type SliderPoint struct {
	N       int     `json:"n"`
	D       int     `json:"d"`
	DV      int     `json:"dv"`
	Seed    uint64  `json:"seed"`
	C       float64 `json:"c"`
	B       float64 `json:"B"`
	SqrtLnN float64 `json:"sqrt_ln_n"`
	Eps     float64 `json:"eps"`
	R       float64 `json:"R"`
	// Need is what ε asks for; when its rank exceeds n the method runs
	// squeezed into r ≤ n (Squeezed), as `--max-rank n` would.
	NeedDegree int              `json:"need_degree"`
	NeedRank   reduction.Number `json:"need_rank"`
	NeedCert   reduction.Number `json:"need_cert"`
	Squeezed   bool             `json:"squeezed"`
	Degree     int              `json:"degree"`
	Rank       reduction.Number `json:"rank"`
	CertErr    reduction.Number `json:"cert_err"`  // relative error of P, certified
	ErrBound   reduction.Number `json:"err_bound"` // additive error on T, certified
	Measured   reduction.Number `json:"measured"`  // max |T̃ − T| against exact attention
	ExactMs    float64          `json:"exact_ms"`
	PolyMs     float64          `json:"poly_ms"`
	Note       string           `json:"note,omitempty"`
	// Status is the page's one-line verdict on the method at this c,
	// worded from the numbers above ([SliderPoint.status]).
	Status   string   `json:"status"`
	Commands []string `json:"commands"` // the CLI commands that reproduce the run
}

// sliderInstance draws Q (n×d), K (n×d) and V (n×d_v) with entries
// uniform in [−b, b], in that order from PCG(seed, seed): exactly what
// `hardness gen qkv --n n --d 8 --dv 1 --B b --seed seed` writes.
func sliderInstance(n int, b float64, seed uint64) (q, k, v *mat.Dense) {
	rng := rand.New(rand.NewPCG(seed, seed))
	draw := func(r, c int) *mat.Dense {
		data := make([]float64, r*c)
		for i := range data {
			data[i] = b * (2*rng.Float64() - 1)
		}
		return mat.NewDense(r, c, data)
	}
	q = draw(n, sliderD)
	k = draw(n, sliderD)
	v = draw(n, sliderDV)
	return q, k, v
}

// poly answers GET /api/poly?n=&c=&seed=.
func (s *server) poly(ctx context.Context, r *http.Request) (any, error) {
	n, err := intParam(r, "n", 1024, 16, MaxN)
	if err != nil {
		return nil, err
	}
	c, err := floatParam(r, "c", 0.5, 0.01, 3)
	if err != nil {
		return nil, err
	}
	seed, err := intParam(r, "seed", 1, 0, math.MaxInt32)
	if err != nil {
		return nil, err
	}
	return Slider(ctx, n, c, uint64(seed))
}

// Slider computes one position of the page's slider: the instance, the
// polynomial method's plan and run, and exact attention, compared.
func Slider(ctx context.Context, n int, c float64, seed uint64) (*SliderPoint, error) {
	lnN := math.Log(float64(n))
	b := c * math.Sqrt(lnN)
	q, k, v := sliderInstance(n, b, seed)
	bs := strconv.FormatFloat(b, 'g', -1, 64)
	out := &SliderPoint{N: n, D: sliderD, DV: sliderDV, Seed: seed, C: c, B: b, SqrtLnN: math.Sqrt(lnN), Eps: sliderEps,
		Commands: []string{
			fmt.Sprintf("hardness gen qkv --n %d --d %d --dv %d --B %s --seed %d -o inst", n, sliderD, sliderDV, bs, seed),
			fmt.Sprintf("hardness attention --q inst/Q.npy --k inst/K.npy --v inst/V.npy -o inst/T.npy --algo poly --eps %g", sliderEps),
		}}
	need, err := planPoly(attention.Options{Eps: sliderEps}, q, k, v)
	if err != nil {
		return nil, err
	}
	out.R, out.NeedDegree, out.NeedRank, out.NeedCert = need.R, need.Degree, reduction.Number(need.Rank), reduction.Number(need.CertRelErr)
	o := attention.Options{Eps: sliderEps}
	if need.Rank > float64(n) {
		// What is run is the squeezed method; running the one ε asks for
		// would take rank need.Rank (the CLI does, if asked).
		o, out.Squeezed = attention.Options{MaxRank: n}, true
		out.Commands[1] = fmt.Sprintf("hardness attention --q inst/Q.npy --k inst/K.npy --v inst/V.npy -o inst/T.npy --algo poly --max-rank %d", n)
	}
	err = out.run(ctx, o, q, k, v)
	out.Status = out.status()
	return out, err
}

// status says what the method certifies at this c, true of the numbers
// shown: a squeezed method certifies nothing only when its certificate is
// vacuous (≥ 1), and an unsqueezed one is "certified" only when its
// certificate reaches ε.
func (out *SliderPoint) status() string {
	c := fmt.Sprintf("c = %.3g: ", out.C)
	cert := float64(out.CertErr)
	switch {
	case out.Squeezed && !(cert < 1):
		return c + fmt.Sprintf("the rank needed passes n = %d; squeezed, the method certifies nothing (its certificate is vacuous).", out.N)
	case out.Squeezed:
		return c + fmt.Sprintf("the rank needed passes n = %d; squeezed, the method certifies a relative error of only %.3g on exp, above ε = %g.", out.N, cert, out.Eps)
	case cert <= out.Eps:
		return c + fmt.Sprintf("rank %s ≤ n = %d, certified.", explain.Count(float64(out.Rank)), out.N)
	}
	return c + fmt.Sprintf("rank %s ≤ n = %d, but no degree the search tried certifies ε = %g (best %.3g).", explain.Count(float64(out.Rank)), out.N, out.Eps, cert)
}

func planPoly(o attention.Options, q, k, v *mat.Dense) (*attention.PolyInfo, error) {
	pm, err := attention.NewPoly(o)
	if err != nil {
		return nil, err
	}
	return pm.Analyze(q, k, v)
}

// run runs the polynomial method under o and exact attention, and fills
// the plan, the times and the measured error.
func (out *SliderPoint) run(ctx context.Context, o attention.Options, q, k, v *mat.Dense) error {
	pm, err := attention.NewPoly(o)
	if err != nil {
		return err
	}
	info, err := pm.Analyze(q, k, v)
	if err != nil {
		return err
	}
	out.Degree, out.Rank, out.CertErr, out.ErrBound = info.Degree, reduction.Number(info.Rank),
		reduction.Number(info.CertRelErr), reduction.Number(info.ErrBound)
	exact, err := attention.New("exact", attention.Options{})
	if err != nil {
		return err
	}
	start := time.Now()
	ref, err := exact.Attend(ctx, q, k, v)
	if err != nil {
		return err
	}
	out.ExactMs = ms(time.Since(start))
	start = time.Now()
	got, err := pm.Attend(ctx, q, k, v)
	out.PolyMs = ms(time.Since(start))
	switch {
	case errors.Is(err, attention.ErrNonPositiveNormaliser):
		out.Measured, out.Note = reduction.Number(math.Inf(1)), "no output: a row sum of P came out ≤ 0"
		return nil
	case err != nil:
		return err
	}
	m := 0.0
	nq, dv := got.T.Dims()
	for i := range nq {
		for j := range dv {
			m = math.Max(m, math.Abs(got.T.At(i, j)-ref.T.At(i, j)))
		}
	}
	out.Measured = reduction.Number(m)
	return nil
}

func ms(d time.Duration) float64 { return math.Round(float64(d.Microseconds())) / 1000 }

func intParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	x, err := strconv.Atoi(s)
	if err != nil || x < lo || x > hi {
		return 0, badInput("%s = %q: want a whole number in [%d, %d]", name, s, lo, hi)
	}
	return x, nil
}

func floatParam(r *http.Request, name string, def, lo, hi float64) (float64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || !(x >= lo && x <= hi) {
		return 0, badInput("%s = %q: want a number in [%g, %g]", name, s, lo, hi)
	}
	return x, nil
}
