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
