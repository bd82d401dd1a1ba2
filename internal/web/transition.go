package web

import (
	"context"
	"net/http"
	"sync"

	"github.com/hardnesslab/hardness/experiments"
	"github.com/hardnesslab/hardness/reduction"
)

// curveNs are the sizes of the predicted-exponent curves, as in the
// transition experiment's figure; curveCs a grid of c = B/√ln n (half as
// fine as the experiment's, to keep the server's warm-up short).
var (
	curveNs = []int{1 << 10, 1 << 14, 1 << 18, 1 << 22}
	curveCs = func() []float64 {
		var cs []float64
		for k := 1; k <= 20; k++ {
			cs = append(cs, float64(k)*0.1)
		}
		return cs
	}()
)

// pointJSON is one point of a curve; Exponent is +Inf where no float64
// polynomial certifies ε = 1/n.
type pointJSON struct {
	C         float64          `json:"c"`
	Degree    int              `json:"degree"`
	Rank      reduction.Number `json:"rank"`
	Exponent  reduction.Number `json:"exponent"`
	Certified bool             `json:"certified"`
}

type curveJSON struct {
	N      int         `json:"n"`
	D      int         `json:"d"`
	Points []pointJSON `json:"points"`
}

// curves caches the predicted curves: they depend on nothing the page
// sends, so one process computes them once.
type curves struct {
	once sync.Once
	data []curveJSON
}

var sharedCurves curves

// get computes the curves on first use. Each curve ends at the first c
// where the degree search finds no certified float64 polynomial reaching
// ε = 1/n, as the experiment's figure does.
func (c *curves) get() []curveJSON {
	c.once.Do(func() {
		for _, n := range curveNs {
			cv := curveJSON{N: n}
			for _, x := range curveCs {
				p := experiments.PredictTransition(n, x)
				cv.D = p.D
				cv.Points = append(cv.Points, pointJSON{C: x, Degree: p.Degree, Rank: reduction.Number(p.Rank),
					Exponent: reduction.Number(p.Exponent), Certified: p.Certified})
				if !p.Certified {
					break
				}
			}
			c.data = append(c.data, cv)
		}
	})
	return c.data
}

// transition answers GET /api/transition: the curves of the transition
// experiment's predicted exponent log_n(n·r·d) against c.
func (s *server) transition(ctx context.Context, r *http.Request) (any, error) {
	return map[string]any{"curves": sharedCurves.get(), "exact": 2}, nil
}
