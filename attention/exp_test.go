package attention

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// ulpDiff is the number of float64 values strictly between a and b plus
// one (0 when equal), for finite non-negative a, b: the distance in units
// in the last place, counting subnormal spacing as an ulp too.
func ulpDiff(a, b float64) uint64 {
	ia, ib := math.Float64bits(a), math.Float64bits(b)
	if ia > ib {
		return ia - ib
	}
	return ib - ia
}

// TestExpSweep compares Exp with math.Exp on a dense sweep of [−745.2, 709.8]
// (every step is an irrational-ish 1/4099 apart, so all table indices and
// reduced arguments are hit) plus random points.
func TestExpSweep(t *testing.T) {
	const lo, hi = -745.2, 709.8
	step := 1.0 / 4099
	if testing.Short() {
		step = 1.0 / 997
	}
	var worst uint64
	var worstX float64
	check := func(x float64) {
		got, want := Exp(x), refExp(x)
		if d := ulpDiff(got, want); d > worst {
			worst, worstX = d, x
		}
		if x <= 0 {
			if g := expNonPos(x); math.Float64bits(g) != math.Float64bits(got) {
				t.Fatalf("expNonPos(%v) = %v; want Exp's %v", x, g, got)
			}
		}
	}
	n := 0
	for x := lo; x <= hi; x += step {
		check(x)
		n++
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for range 1 << 20 {
		check(lo + (hi-lo)*rng.Float64())
		check(rng.NormFloat64())
		check(math.Ldexp(rng.Float64()-0.5, -rng.IntN(60))) // tiny arguments
	}
	t.Logf("worst %d ulp at x = %v over %d sweep points", worst, worstX, n)
	if worst > 2 {
		t.Errorf("Exp(%v) = %v; want %v (%d ulp apart, limit 2)", worstX, Exp(worstX), refExp(worstX), worst)
	}
}

// refExp is math.Exp, except where math.Exp overflows early: Go's amd64
// assembly returns +Inf for some x below ln(MaxFloat64) ≈ 709.78 (it does
// for 709.78), where bigExp gives the finite value.
func refExp(x float64) float64 {
	w := math.Exp(x)
	if math.IsInf(w, 1) && x <= 709.782712893384 {
		return bigExp(x)
	}
	return w
}

// TestExpExact compares Exp with eˣ computed to 200 bits by big.Float on
// random points of the whole range, subnormal results included, so the bound does not rely on math.Exp.
func TestExpExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for range 3000 {
		x := -745.13 + 1454.9*rng.Float64()
		want := bigExp(x)
		if d := ulpDiff(Exp(x), want); d > 1 {
			t.Errorf("Exp(%v) = %v; want %v (%d ulp)", x, Exp(x), want, d)
		}
	}
}

// bigExp returns eˣ correctly rounded (with overwhelming probability) by
// summing the Taylor series of e^(x/2^s) to 200 bits and squaring s times.
func bigExp(x float64) float64 {
	f, _ := bigExpOf(new(big.Float).SetPrec(200).SetFloat64(x)).Float64()
	return f
}

func TestExpSpecial(t *testing.T) {
	tests := []struct {
		x, want float64
	}{
		{0, 1},
		{math.Copysign(0, -1), 1},
		{math.Inf(1), math.Inf(1)},
		{math.Inf(-1), 0},
		{1e300, math.Inf(1)},
		{-1e300, 0},
		{math.MaxFloat64, math.Inf(1)},
		{-math.MaxFloat64, 0},
		{709.79, math.Inf(1)},
		{709.78, bigExp(709.78)},
		{709.782712893384, bigExp(709.782712893384)},
		{-745.2, 0},
		{-745.1332191019411, math.Exp(-745.1332191019411)}, // smallest subnormal
		{-745.13321910194122, 0},
		{-740, math.Exp(-740)},
		{-708.5, math.Exp(-708.5)},
		{-708.3964185322641, math.Exp(-708.3964185322641)}, // near MinNormal
		{1e-300, 1},
		{-1e-300, 1},
		{5e-324, 1},
		{1e-17, 1},
		{-1e-17, 1},
		{1, math.E},
		{math.Ln2, 2},
		{-math.Ln2, 0.5},
		{10 * math.Ln2, 1024},
	}
	for _, tt := range tests {
		got := Exp(tt.x)
		if ulpDiff(got, tt.want) > 1 || math.IsInf(tt.want, 1) != math.IsInf(got, 1) {
			t.Errorf("Exp(%v) = %v; want %v", tt.x, got, tt.want)
		}
	}
	if got := Exp(math.NaN()); !math.IsNaN(got) {
		t.Errorf("Exp(NaN) = %v; want NaN", got)
	}
	if got := expNonPos(math.Inf(-1)); got != 0 {
		t.Errorf("expNonPos(-Inf) = %v; want 0", got)
	}
}

// TestExpTable checks the Cody–Waite split and the table against big.Float.
func TestExpTable(t *testing.T) {
	if m := math.Float64bits(expLn2HiN) & (1<<18 - 1); m != 0 {
		t.Errorf("expLn2HiN has low mantissa bits %#x; want 0 (so k·hi is exact)", m)
	}
	ln2, _ := new(big.Float).SetPrec(300).SetString("0.69314718055994530941723212145817656807550013436025525412068")
	sum := new(big.Float).SetPrec(300).Add(new(big.Float).SetFloat64(expLn2HiN), new(big.Float).SetFloat64(expLn2LoN))
	sum.Mul(sum, big.NewFloat(expN)).Sub(sum, ln2)
	if f, _ := sum.Float64(); !(math.Abs(f) <= 1e-26) {
		t.Errorf("N·(hi + lo) − ln 2 = %v; want below 1e-26", f)
	}
	for i, e := range expTable {
		v := math.Float64frombits(e.bits + uint64(i)<<(52-expBits))
		// (v·(1+tail))^N must be 2^i to about 2⁻¹⁰⁰ relative.
		y := new(big.Float).SetPrec(300).SetFloat64(v)
		y.Add(y, new(big.Float).SetPrec(300).Mul(new(big.Float).SetFloat64(v), new(big.Float).SetFloat64(e.tail)))
		p := new(big.Float).SetPrec(300).SetInt64(1)
		for range expN {
			p.Mul(p, y)
		}
		p.SetMantExp(p, -i)
		p.Sub(p, big.NewFloat(1))
		if f, _ := p.Float64(); !(math.Abs(f) <= 1e-26) {
			t.Errorf("expTable[%d]^%d/2^%d − 1 = %v; want ~0", i, expN, i, f)
		}
		if !(math.Abs(e.tail) <= 0x1p-53) {
			t.Errorf("expTable[%d].tail = %v; want |tail| ≤ 2⁻⁵³ (value correctly rounded)", i, e.tail)
		}
	}
}

func BenchmarkExp(b *testing.B) {
	xs := make([]float64, 4096)
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range xs {
		xs[i] = -20 * rng.Float64()
	}
	b.Run("fast", func(b *testing.B) {
		s := 0.0
		for b.Loop() {
			for _, x := range xs {
				s += Exp(x)
			}
		}
		sink = s
	})
	b.Run("math", func(b *testing.B) {
		s := 0.0
		for b.Loop() {
			for _, x := range xs {
				s += math.Exp(x)
			}
		}
		sink = s
	})
}

var sink float64
