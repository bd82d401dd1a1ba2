package experiments

import (
	"encoding/json"
	"math"
	"strconv"
)

// The points recorded in shard files are JSON. Their Go types keep their
// fields unexported, so each has a mirror with exported fields here, and
// floats go through jfloat, which keeps ±Inf and NaN (encoding/json
// refuses them) and every finite value bit for bit.

// jfloat is a float64 that encodes non-finite values as "+Inf", "-Inf"
// and "NaN" strings.
type jfloat float64

func (f jfloat) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return json.Marshal(formatFloat(x))
	}
	return []byte(strconv.FormatFloat(x, 'g', -1, 64)), nil
}

func (f *jfloat) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		x, err := strconv.ParseFloat(s, 64)
		*f = jfloat(x)
		return err
	}
	var x float64
	err := json.Unmarshal(b, &x)
	*f = jfloat(x)
	return err
}

type scalingPointJSON struct {
	Algo    string `json:"algo"`
	B       jfloat `json:"b"`
	N       int    `json:"n"`
	Seconds jfloat `json:"seconds"`
	Reps    int    `json:"reps"`
	MaxErr  jfloat `json:"max_err"`
	Bound   jfloat `json:"bound"`
	Flops   jfloat `json:"flops"`
	Notes   string `json:"notes,omitempty"`
}

func (p scalingPoint) MarshalJSON() ([]byte, error) {
	return json.Marshal(scalingPointJSON{p.algo, jfloat(p.b), p.n, jfloat(p.seconds), p.reps,
		jfloat(p.maxErr), jfloat(p.bound), jfloat(p.flops), p.notes})
}

func (p *scalingPoint) UnmarshalJSON(b []byte) error {
	var j scalingPointJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*p = scalingPoint{j.Algo, float64(j.B), j.N, float64(j.Seconds), j.Reps,
		float64(j.MaxErr), float64(j.Bound), float64(j.Flops), j.Notes}
	return nil
}

type measuredPointJSON struct {
	N       int    `json:"n"`
	C       jfloat `json:"c"`
	B       jfloat `json:"b"`
	Algo    string `json:"algo"`
	Rank    int    `json:"rank"`
	MaxErr  jfloat `json:"max_err"`
	Bound   jfloat `json:"bound"`
	Seconds jfloat `json:"seconds"`
	Note    string `json:"note,omitempty"`
}

func (p measuredPoint) MarshalJSON() ([]byte, error) {
	return json.Marshal(measuredPointJSON{p.n, jfloat(p.c), jfloat(p.b), p.algo, p.rank, jfloat(p.maxErr),
		jfloat(p.bound), jfloat(p.seconds), p.note})
}

func (p *measuredPoint) UnmarshalJSON(b []byte) error {
	var j measuredPointJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*p = measuredPoint{j.N, float64(j.C), float64(j.B), j.Algo, j.Rank, float64(j.MaxErr), float64(j.Bound),
		float64(j.Seconds), j.Note}
	return nil
}

type pipelineRowJSON struct {
	File     string            `json:"file"`
	Vars     int               `json:"vars"`
	Clauses  int               `json:"clauses"`
	N        int               `json:"n"`
	M        int               `json:"m"`
	D        int               `json:"d"`
	Delta    jfloat            `json:"delta"`
	B        jfloat            `json:"b"`
	BRatio   jfloat            `json:"b_ratio"`
	Verdict  string            `json:"verdict"`
	Gini     string            `json:"gini"`
	Agree    bool              `json:"agree"`
	Verified bool              `json:"verified"`
	Error    string            `json:"error,omitempty"`
	Stages   map[string]jfloat `json:"stages"`
	Total    jfloat            `json:"total"`
}

func (r pipelineRow) MarshalJSON() ([]byte, error) {
	st := map[string]jfloat{}
	for k, v := range r.stages {
		st[k] = jfloat(v)
	}
	return json.Marshal(pipelineRowJSON{r.file, r.vars, r.clauses, r.n, r.m, r.d, jfloat(r.delta), jfloat(r.b),
		jfloat(r.bRatio), r.verdict, r.gini, r.agree, r.verified, r.errMsg, st, jfloat(r.total)})
}

func (r *pipelineRow) UnmarshalJSON(b []byte) error {
	var j pipelineRowJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	st := map[string]float64{}
	for k, v := range j.Stages {
		st[k] = float64(v)
	}
	*r = pipelineRow{file: j.File, vars: j.Vars, clauses: j.Clauses, n: j.N, m: j.M, d: j.D, delta: float64(j.Delta),
		b: float64(j.B), bRatio: float64(j.BRatio), verdict: j.Verdict, gini: j.Gini, agree: j.Agree,
		verified: j.Verified, errMsg: j.Error, stages: st, total: float64(j.Total)}
	return nil
}

type hardnessRowJSON struct {
	Family       string `json:"family"`
	Truth        string `json:"truth"`
	Vars         int    `json:"vars"`
	Clauses      int    `json:"clauses"`
	N            int    `json:"n"`
	M            int    `json:"m"`
	Dim          int    `json:"dim"`
	Size         int    `json:"size"`
	Delta        jfloat `json:"delta"`
	B            jfloat `json:"b"`
	Sq           jfloat `json:"sqrt_ln_n"`
	Ratio        jfloat `json:"ratio"`
	Tol          jfloat `json:"tol"`
	ExactVerdict string `json:"exact_verdict"`
	ExactOK      bool   `json:"exact_ok"`
	ExactSec     jfloat `json:"exact_sec"`
	ExactFlops   jfloat `json:"exact_flops"`
	PolyDegree   int    `json:"poly_degree"`
	PolyRank     jfloat `json:"poly_rank"`
	PolyFlops    jfloat `json:"poly_flops"`
	PolyBound    jfloat `json:"poly_bound"`
	PolyErr      jfloat `json:"poly_err"`
	PolyTrusted  bool   `json:"poly_trusted"`
	PolyOK       bool   `json:"poly_ok"`
	PolyVerdict  string `json:"poly_verdict"`
	PolySec      jfloat `json:"poly_sec"`
	Note         string `json:"note,omitempty"`
}

func (h hardnessRow) MarshalJSON() ([]byte, error) {
	return json.Marshal(hardnessRowJSON{h.family, h.truth, h.vars, h.clauses, h.n, h.m, h.dim, h.size,
		jfloat(h.delta), jfloat(h.b), jfloat(h.sq), jfloat(h.ratio), jfloat(h.tol), h.exactVerdict, h.exactOK,
		jfloat(h.exactSec), jfloat(h.exactFlops), h.polyDegree, jfloat(h.polyRank), jfloat(h.polyFlops),
		jfloat(h.polyBound), jfloat(h.polyErr), h.polyTrusted, h.polyOK, h.polyVerdict, jfloat(h.polySec), h.note})
}

func (h *hardnessRow) UnmarshalJSON(b []byte) error {
	var j hardnessRowJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*h = hardnessRow{family: j.Family, truth: j.Truth, vars: j.Vars, clauses: j.Clauses, n: j.N, m: j.M, dim: j.Dim,
		size: j.Size, delta: float64(j.Delta), b: float64(j.B), sq: float64(j.Sq), ratio: float64(j.Ratio),
		tol: float64(j.Tol), exactVerdict: j.ExactVerdict, exactOK: j.ExactOK, exactSec: float64(j.ExactSec),
		exactFlops: float64(j.ExactFlops), polyDegree: j.PolyDegree, polyRank: float64(j.PolyRank),
		polyFlops: float64(j.PolyFlops), polyBound: float64(j.PolyBound), polyErr: float64(j.PolyErr),
		polyTrusted: j.PolyTrusted, polyOK: j.PolyOK, polyVerdict: j.PolyVerdict, polySec: float64(j.PolySec), note: j.Note}
	return nil
}
