package reduction

import (
	"context"
	"math"
	"testing"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/ovp"
)

// TestBitpackedDecisionsIdentical runs the generic exact engine and the
// bit-packed algorithm on instances built by FromOV (from random formulas
// and from random OV instances, both verdicts) and checks that every row's
// decision T_i > τ, the verdicts and the arg-max rows are identical, and T
// agrees to 1e-12.
func TestBitpackedDecisionsIdentical(t *testing.T) {
	bp, err := attention.New("bitpacked", attention.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var xs []*ovp.Instance
	for _, f := range randomFormulas(t, 40, 16, 7) {
		c, err := ovp.FromCNF(f, ovp.CNFOptions{})
		if err != nil {
			t.Fatal(err)
		}
		xs = append(xs, c.Instance)
	}
	for s := range uint64(10) {
		xs = append(xs, randomOV(40+int(s)*7, 50, 20+int(s)*13, 0.1+0.03*float64(s), s))
	}
	verdicts := map[Verdict]int{}
	for n, x := range xs {
		in, err := FromOV(x, 1/float64(max(x.Dim(), 1)))
		if err != nil {
			t.Fatal(err)
		}
		want, err := exactAlgo(t).Attend(context.Background(), in.Q, in.K, in.V)
		if err != nil {
			t.Fatal(err)
		}
		got, err := bp.Attend(context.Background(), in.Q, in.K, in.V)
		if err != nil {
			t.Fatalf("instance %d: %v", n, err)
		}
		dw, dg := Decide(want.T, in.Params), Decide(got.T, in.Params)
		if dw.Verdict != dg.Verdict || dw.Row != dg.Row || dw.Above != dg.Above {
			t.Errorf("instance %d: bitpacked decision %+v; exact %+v", n, dg, dw)
		}
		verdicts[dw.Verdict]++
		for i := range in.N {
			g, w := got.T.At(i, 0), want.T.At(i, 0)
			if (g > in.Threshold) != (w > in.Threshold) || !(math.Abs(g-w) <= 1e-12) {
				t.Fatalf("instance %d row %d: bitpacked T = %v, exact %v (τ = %v)", n, i, g, w, in.Threshold)
			}
		}
	}
	if verdicts[Sat] < 5 || verdicts[Unsat] < 5 {
		t.Errorf("verdicts %v; want both kinds at least 5 times", verdicts)
	}
}
