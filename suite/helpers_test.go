package suite

import (
	"context"
	"math"
	"path/filepath"
	"testing"
)

// attend is the obviously-correct softmax attention in float64:
// T = softmax(Q·Kᵀ/div)·V, row maximum subtracted. Q is nq×d, K nk×d, V nk×dv.
func attend(q, k, v []float64, nq, nk, d, dv int, div float64) []float64 {
	t := make([]float64, nq*dv)
	logit := make([]float64, nk)
	for i := range nq {
		mx := math.Inf(-1)
		for j := range nk {
			s := 0.0
			for c := range d {
				s += q[i*d+c] * k[j*d+c]
			}
			logit[j] = s / div
			mx = max(mx, logit[j])
		}
		den := 0.0
		for j := range nk {
			w := math.Exp(logit[j] - mx)
			den += w
			for c := range dv {
				t[i*dv+c] += w * v[j*dv+c]
			}
		}
		for c := range dv {
			t[i*dv+c] /= den
		}
	}
	return t
}

// loaded is an instance read back from its directory.
type loaded struct {
	key     *Key
	q, k, v *Array
	t       *Array // answer_T.npy
}

func load(t *testing.T, dir string) *loaded {
	t.Helper()
	key, err := ReadKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	l := &loaded{key: key}
	for _, f := range []struct {
		name string
		dst  **Array
	}{{"Q.npy", &l.q}, {"K.npy", &l.k}, {"V.npy", &l.v}, {"answer_T.npy", &l.t}} {
		a, err := ReadNPY(filepath.Join(dir, f.name))
		if err != nil {
			t.Fatal(err)
		}
		*f.dst = a
	}
	return l
}

// divisor returns the logit divisor of a convention for d columns.
func divisor(conv string, d int) float64 {
	switch conv {
	case "sqrt-d":
		return math.Sqrt(float64(d))
	case "1":
		return 1
	}
	return float64(d)
}

func generate(t *testing.T, o Options) (string, []Entry) {
	t.Helper()
	dir := t.TempDir()
	o.Version = "test"
	o.Command = "hardness gen suite (test)"
	entries, err := Generate(context.Background(), dir, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	return dir, entries
}
