package attention

import (
	"math"
	"math/big"
)

// Exp returns eˣ with relative error at most 2 ulp against math.Exp on all
// of [−745.14, 709.79] (at most 1 ulp against a 200-bit reference in the
// tests; math.Exp itself is off by up to 2 ulp on amd64), and the special
// values of math.Exp: Exp(±0) = 1, Exp(+Inf) = +Inf, Exp(−Inf) = 0,
// Exp(NaN) = NaN, +Inf above ln(MaxFloat64) ≈ 709.78, 0 below −745.13, and
// correctly scaled subnormal results in between. It is the exp the
// streaming kernel evaluates once per logit, and costs a few nanoseconds.
//
// The method is Tang's table-driven exp (P. T. P. Tang, "Table-driven
// implementation of the exponential function in IEEE floating-point
// arithmetic", ACM TOMS 15(2), 1989): write x = (k + r·128/ln 2)·ln 2/128
// with an integer k, reduce r = x − k·ln2/128 with a Cody–Waite split of
// ln2/128 into a 35-bit head (so k·head is exact) and a tail, so |r| ≤
// ln2/256; then eˣ = 2^⌊k/128⌋ · 2^((k mod 128)/128) · eʳ, with the 128
// powers 2^(i/128) tabulated to about 2⁻¹⁰⁶ (value plus relative tail) and
// eʳ − 1 by its degree-5 Taylor polynomial (truncation below 6·10⁻¹⁹).
func Exp(x float64) float64 {
	if !(x <= expOverflow) { // also catches NaN
		if x != x {
			return x
		}
		return math.Inf(1)
	}
	if x < expUnderflow {
		return 0
	}
	if math.Abs(x) < expNearZero {
		return 1 + x
	}
	kd := x*expInvLn2N + expShift
	ki := math.Float64bits(kd)
	kd -= expShift
	r := (x - kd*expLn2HiN) - kd*expLn2LoN
	e := &expTable[ki%expN]
	r2 := r * r
	tmp := e.tail + r + r2*(1.0/2+r*(1.0/6)) + r2*r2*(1.0/24+r*(1.0/120))
	sbits := e.bits + ki<<(52-expBits)
	if x < -708 || x > 708 {
		return expScaled(tmp, sbits, x > 0)
	}
	scale := math.Float64frombits(sbits)
	return scale + scale*tmp
}

// Parameters of Exp: N = 2^expBits table entries; x·N/ln 2 is rounded to
// an integer by adding expShift = 1.5·2⁵², which leaves it in the low bits.
const (
	expBits      = 7
	expN         = 1 << expBits
	expInvLn2N   = 0x1.71547652b82fep+07 // N/ln 2
	expLn2HiN    = 0x1.62e42fef8p-08     // ln2/N rounded to 35 bits: k·expLn2HiN is exact for |k| < 2¹⁸
	expLn2LoN    = 0x1.1cf79abc9e3b4p-43 // ln2/N − expLn2HiN
	expShift     = 0x1.8p52
	expOverflow  = 7.09782712893383973096e+02  // ln(MaxFloat64), as math.Exp
	expUnderflow = -7.45133219101941108420e+02 // below: eˣ rounds to 0, as math.Exp
	expNearZero  = 0x1p-54                     // below: eˣ rounds to 1 + x
)

// expEntry holds 2^(i/N) as IEEE bits minus i<<(52−expBits), so that adding
// k<<(52−expBits) yields the bits of 2^(k/N − (k mod N)/N + i/N) =
// 2^⌊k/N⌋·2^(i/N), and the relative rounding error of that power.
type expEntry struct {
	bits uint64
	tail float64
}

var expTable = makeExpTable()

// makeExpTable computes 2^(i/N) for i < N to 200 bits: a float64 guess from
// math.Exp2 refined by one Newton step on y^N = 2^i in big.Float.
func makeExpTable() (t [expN]expEntry) {
	const prec = 200
	for i := range expN {
		y := new(big.Float).SetPrec(prec).SetFloat64(math.Exp2(float64(i) / expN))
		// y ← y − (y^N − 2^i)/(N·y^(N−1)) = y·(1 − 1/N) + 2^i/(N·y^(N−1)).
		p := new(big.Float).SetPrec(prec).SetInt64(1)
		for range expN - 1 {
			p.Mul(p, y)
		}
		q := new(big.Float).SetMantExp(big.NewFloat(1), i).SetPrec(prec) // SetMantExp takes mant's precision
		q.Quo(q, p.Mul(p, big.NewFloat(expN)))
		y.Add(y.Mul(y, big.NewFloat(1-1.0/expN)), q)
		f, _ := y.Float64()
		tail, _ := y.Sub(y, big.NewFloat(f)).Quo(y, big.NewFloat(f)).Float64()
		t[i] = expEntry{bits: math.Float64bits(f) - uint64(i)<<(52-expBits), tail: tail}
	}
	return t
}

// expScaled finishes Exp when 2^⌊k/N⌋ is outside the normal range: the
// exponent in sbits is moved by ±2^1009 or 2^1022 and restored by a final
// multiplication. For subnormal results the value is first rounded to the
// subnormal grid (by adding and removing 1) so it is rounded only once.
func expScaled(tmp float64, sbits uint64, positive bool) float64 {
	if positive {
		scale := math.Float64frombits(sbits - 1009<<52)
		return 0x1p1009 * (scale + scale*tmp)
	}
	scale := math.Float64frombits(sbits + 1022<<52)
	y := scale + scale*tmp
	if y < 1 {
		lo := scale - y + scale*tmp // y + lo = scale·(1+tmp) to about 2⁻¹⁰⁶
		hi := 1 + y
		lo = 1 - hi + y + lo
		y = (hi + lo) - 1
	}
	return 0x1p-1022 * y
}

// expNonPos returns eˣ for x ≤ 0 (or NaN-free −Inf): the inlinable fast
// path of Exp for the arguments the softmax produces, x = logit − max.
// It agrees with Exp bit for bit.
func expNonPos(x float64) float64 {
	if x < -708 {
		return Exp(x)
	}
	kd := x*expInvLn2N + expShift
	ki := math.Float64bits(kd)
	kd -= expShift
	r := (x - kd*expLn2HiN) - kd*expLn2LoN
	e := &expTable[ki%expN]
	r2 := r * r
	tmp := e.tail + r + r2*(1.0/2+r*(1.0/6)) + r2*r2*(1.0/24+r*(1.0/120))
	scale := math.Float64frombits(e.bits + ki<<(52-expBits))
	return scale + scale*tmp
}
