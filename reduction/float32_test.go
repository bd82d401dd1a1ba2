package reduction

import (
	"context"
	"math"
	"testing"

	"github.com/hardnesslab/hardness/attention"
	"github.com/hardnesslab/hardness/ovp"
	"github.com/hardnesslab/hardness/sat"
)

// TestFloat32KeepsDecisions is the derivation below checked on instances
// built by FromOV: exact float32 attention (attention.Stream.Attend32 on Q,
// K, V rounded to float32) against exact float64 attention.
//
// With δ = 1/m, β² = m·L and L = ln(4(M+1)), a logit is −c·L for the
// count c = ⟨a, b⟩ (reference keys: 0). In float32, u = 2⁻²⁴:
//
//   - c = 0 (and every reference key): the dot product is exactly 0, the
//     row maximum is exactly 0 and the weight exactly 1;
//   - c = 1: β is rounded (2u on β²), the one product is rounded (u), and
//     the shift and scale add at most 2u: the logit is −L(1+η), |η| ≤ 5.01u,
//     so the weight has relative error ρ₁ ≤ e^{5.01·u·L}(1+8u) − 1
//     (8u: the float32 exp);
//   - c ≥ 2: the weight is at most e^{−2L}·e^{(γ_m+5.01u)·m·L}; all of
//     them together move T by at most 2·e^{−2L}·e^{(γ_m+5.01u)·m·L}
//     (the denominator is at least M, from the reference keys);
//   - P·V adds γ_{bk+1} relatively (V ∈ {0, 1}: the products are the
//     weights), bk ≤ 4096 keys per tile.
//
// So |T̂_i − T_i| ≤ ε·T_i + e_abs with ε = 2ρ₁/(1−ρ₁) + γ_{4097}(1+ρ₁)/(1−ρ₁)
// ≈ 2.5·10⁻⁴ at L ≤ 15 (M ≤ 2²¹) and e_abs ≪ 1/(M+1)². Rows near the
// threshold (T ≤ 2τ, τ = 5/(8(M+1))) are then within ε·2τ + e_abs of their
// exact value, below the reduction's tolerance 3/(8(M+1)) when ε < 0.1,
// and rows above 2τ stay above τ: every decision is the float64 one.
// The absolute tolerance can fail only on rows with T > tolerance/ε, which
// are far above the threshold.
func TestFloat32KeepsDecisions(t *testing.T) {
	var xs []*ovp.Instance
	for _, f := range randomFormulas(t, 30, 18, 11) {
		c, err := ovp.FromCNF(f, ovp.CNFOptions{})
		if err != nil {
			t.Fatal(err)
		}
		xs = append(xs, c.Instance)
	}
	if !testing.Short() { // the tool's size at v = 24 (N = 4096, 2M = 8192, m = 102)
		f, err := sat.Random(sat.GenOptions{Vars: 24, Clauses: sat.ClausesForRatio(24, 4.26), K: 3, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		c, err := ovp.FromCNF(f, ovp.CNFOptions{})
		if err != nil {
			t.Fatal(err)
		}
		xs = append(xs, c.Instance)
	}
	for s := range uint64(6) {
		xs = append(xs, randomOV(100+int(s)*50, 200+int(s)*100, 20+int(s)*20, 0.05+0.02*float64(s), 100+s))
	}
	const u = 0x1p-24
	gamma := func(n int) float64 { return float64(n) * u / (1 - float64(n)*u) }
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
		q, _ := attention.ToFloat32(in.Q, "Q")
		k, _ := attention.ToFloat32(in.K, "K")
		v, _ := attention.ToFloat32(in.V, "V")
		got, err := attention.NewStream(attention.Options{}).Attend32(context.Background(), q, k, v, true)
		if err != nil {
			t.Fatal(err)
		}
		L := math.Log(4 * float64(in.M+1))
		rho := math.Exp(5.01*u*L)*(1+8*u) - 1
		eps := 2*rho/(1-rho) + gamma(4097)*(1+rho)/(1-rho)
		eabs := 2 * math.Exp(-2*L) * math.Exp((gamma(in.D)+5.01*u)*float64(in.D)*L)
		dw, dg := Decide(want.T, in.Params), Decide(got.T, in.Params)
		if dw.Verdict != dg.Verdict || dw.Above != dg.Above {
			t.Errorf("instance %d: float32 decision %+v; float64 %+v", n, dg, dw)
		}
		verdicts[dw.Verdict]++
		for i := range in.N {
			g, w := got.T.At(i, 0), want.T.At(i, 0)
			if d := math.Abs(g - w); d > eps*w+eabs+1e-15 {
				t.Fatalf("instance %d row %d: |T32 − T64| = %.3g > ε·T + e_abs = %.3g", n, i, d, eps*w+eabs)
			}
			if w <= 2*in.Threshold && math.Abs(g-w) >= in.Tolerance {
				t.Fatalf("instance %d row %d near τ: |T32 − T64| = %.3g ≥ tolerance %.3g", n, i, math.Abs(g-w), in.Tolerance)
			}
		}
	}
	if verdicts[Sat] < 5 || verdicts[Unsat] < 5 {
		t.Errorf("verdicts %v; want both kinds at least 5 times", verdicts)
	}
}
