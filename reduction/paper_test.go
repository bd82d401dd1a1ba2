package reduction

import (
	"math"
	"testing"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/ovp"
)

// measuredGap returns the least nonzero ⟨a_i, b_j⟩/m of x (1 if none).
func measuredGap(x *ovp.Instance) float64 {
	minDot := -1
	for i := range x.N() {
		for j := range x.M() {
			if d := x.Dot(i, j); d > 0 && (minDot < 0 || d < minDot) {
				minDot = d
			}
		}
	}
	if minDot < 0 {
		return 1
	}
	return float64(minDot) / float64(x.Dim())
}

// TestFromOVPaperClosedForm checks, on random instances with their
// measured gap, every entry bound, the paper's properties (logits in
// [0, B'], half of each row at B', V ∈ {0,1}), T_i = S_i/(S_i + M) with
// S_i = Σ_j exp(−β²⟨a_i,b_j⟩/(m+e)), the YES/NO bounds, and the verdict
// of Decide against a brute-force scan.
func TestFromOVPaperClosedForm(t *testing.T) {
	for seed := range uint64(40) {
		n, m, dim := 3+int(seed%5), 2+int(seed%7), 6+int(seed%4)
		x := randomOV(n, m, dim, 0.25+0.05*float64(seed%6), seed)
		delta := measuredGap(x)
		in, err := FromOVPaper(x, delta)
		if err != nil {
			t.Fatal(err)
		}
		if in.D != dim+in.Shift || in.Shift > dim || in.Form != FormPaper {
			t.Fatalf("seed %d: d = %d, e = %d, form %q", seed, in.D, in.Shift, in.Form)
		}
		if got := math.Max(maxAbs(in.Q.RawMatrix().Data), maxAbs(in.K.RawMatrix().Data)); got > in.B*(1+1e-12) {
			t.Errorf("seed %d: max |entry| = %v > B = %v", seed, got, in.B)
		}
		for _, p := range CheckProperties(in.Q, in.K, in.V, in.Params)[:3] {
			if p.Status != Holds {
				t.Errorf("seed %d: property %q %s (%s)", seed, p.Name, p.Status, p.Value)
			}
		}
		T := attention.Naive(in.Q, in.K, in.V).T
		b2 := in.Scale * in.Scale / float64(in.D)
		anyYes := false
		for i := range n {
			s, yes := 0.0, false
			for j := range m {
				s += math.Exp(-b2 * float64(x.Dot(i, j)))
				yes = yes || x.Dot(i, j) == 0
			}
			anyYes = anyYes || yes
			got, want := T.At(i, 0), s/(s+float64(m))
			if !(math.Abs(got-want) <= 1e-13) {
				t.Errorf("seed %d: T[%d] = %v; want %v", seed, i, got, want)
			}
			if yes && got < in.YesLower*(1-1e-12) || !yes && got > in.NoUpper*(1+1e-12) {
				t.Errorf("seed %d: row %d (YES %v): T = %v outside [NO ≤ %v, YES ≥ %v]", seed, i, yes, got, in.NoUpper, in.YesLower)
			}
		}
		if dec := Decide(T, in.Params); (dec.Verdict == Sat) != anyYes {
			t.Errorf("seed %d: verdict %v; brute force YES = %v", seed, dec.Verdict, anyYes)
		}
	}
}

// TestFromGapANNPaperClosedForm checks the Gap-ANN construction in the
// paper's form on random promise instances, YES and NO: the properties,
// T_i = S_i/(S_i + M·w) with S_i = Σ_j exp(s²(t − dist)) and w = e^(s²t),
// the derived bounds and threshold, and the verdict against brute force.
func TestFromGapANNPaperClosedForm(t *testing.T) {
	cases := []struct {
		n, m, d0, t int
		eps         float64
	}{{8, 8, 32, 6, 1}, {6, 10, 24, 3, 2}, {5, 5, 16, 0, 1}, {8, 4, 40, 10, 0.5}}
	for _, c := range cases {
		for seed := range uint64(8) {
			yes := seed%2 == 0
			x := hammingInstance(t, c.n, c.m, c.d0, c.t, c.eps, yes, seed+uint64(c.d0))
			in, err := FromGapANNPaper(x, c.t, c.eps)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range CheckProperties(in.Q, in.K, in.V, in.Params)[:3] {
				if p.Status != Holds {
					t.Errorf("%+v seed %d: property %q %s (%s)", c, seed, p.Name, p.Status, p.Value)
				}
			}
			T := attention.Naive(in.Q, in.K, in.V).T
			s2 := in.Scale * in.Scale
			w := math.Exp(s2 * float64(c.t))
			anyYes := false
			for i := range c.n {
				s, rowYes := 0.0, false
				for j := range c.m {
					s += math.Exp(s2 * float64(c.t-x.Dist(i, j)))
					rowYes = rowYes || x.Dist(i, j) <= c.t
				}
				anyYes = anyYes || rowYes
				got, want := T.At(i, 0), s/(s+float64(c.m)*w)
				if !(math.Abs(got-want) <= 1e-12*want) {
					t.Errorf("%+v seed %d: T[%d] = %v; want %v", c, seed, i, got, want)
				}
				if rowYes && got < in.YesLower*(1-1e-12) || !rowYes && got > in.NoUpper*(1+1e-12) {
					t.Errorf("%+v seed %d: row %d (YES %v): T = %v outside [NO ≤ %v, YES ≥ %v]", c, seed, i, rowYes, got, in.NoUpper, in.YesLower)
				}
			}
			if dec := Decide(T, in.Params); (dec.Verdict == Sat) != anyYes || anyYes != yes {
				t.Errorf("%+v seed %d: verdict %v; brute force YES = %v (planted %v)", c, seed, dec.Verdict, anyYes, yes)
			}
		}
	}
}

// TestPaperANNParamsByHand checks the derived constants for M = 3, t = 2,
// far = 4 (ε = 1): s² = ln 16/2, w = e^(s²·2) = 16, YES ≥ 1/(1+48),
// NO ≤ 1/(1+16·16).
func TestPaperANNParamsByHand(t *testing.T) {
	p, err := PaperANNParams(2, 3, 10, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !near(p.Scale*p.Scale, math.Log(16)/2) || !near(p.YesLower, 1.0/49) || !near(p.NoUpper, 1.0/257) ||
		!near(p.Threshold, (1.0/49+1.0/257)/2) || !near(p.Tolerance, (1.0/49-1.0/257)/2) {
		t.Errorf("params %+v", p)
	}
	if _, err := PaperANNParams(2, 1<<20, 2000, 1000, 0.001); err == nil {
		t.Errorf("tolerance (4(M+1))^(−1000) accepted; want an error")
	}
}

// TestPropertiesOfTheOtherForms records where the other constructions
// break the paper's properties, as the package documentation says: the
// default OV form has logits ≤ 0; the scaled Gap-ANN form loses the
// half-row property on a YES row with a pair closer than t.
func TestPropertiesOfTheOtherForms(t *testing.T) {
	x := randomOV(6, 6, 8, 0.3, 3)
	in, err := FromOV(x, measuredGap(x))
	if err != nil {
		t.Fatal(err)
	}
	props := CheckProperties(in.Q, in.K, in.V, in.Params)
	if props[0].Status != Fails || props[1].Status != Holds || props[2].Status != Holds {
		t.Errorf("default OV form: %+v; want logits in [0, B'] to fail, the half rows and V to hold", props[:3])
	}
	h := ovp.New(2, 2, 8)
	h.SetVector(ovp.A, 0, []uint8{1, 1, 0, 0, 0, 0, 0, 0})
	h.SetVector(ovp.B, 0, []uint8{1, 1, 0, 0, 0, 0, 0, 0}) // distance 0 < t = 1
	h.SetVector(ovp.A, 1, []uint8{0, 0, 0, 0, 1, 1, 1, 1})
	h.SetVector(ovp.B, 1, []uint8{0, 0, 0, 0, 1, 1, 1, 1})
	ann, err := FromGapANN(h, 1, 4)
	if err != nil {
		t.Fatal(err)
	}
	if props := CheckProperties(ann.Q, ann.K, ann.V, ann.Params); props[1].Status != Fails {
		t.Errorf("scaled Gap-ANN form with a pair at distance 0 < t: %+v; want the half-row property to fail", props[1])
	}
	pap, err := FromGapANNPaper(h, 1, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range CheckProperties(pap.Q, pap.K, pap.V, pap.Params)[:3] {
		if p.Status != Holds {
			t.Errorf("paper form: %+v; want it to hold", p)
		}
	}
}
