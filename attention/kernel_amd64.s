//go:build amd64 && !purego

// AVX2 + FMA kernels of the streaming engine; Go declarations and the
// bounds checks are in kernel_amd64.go, the pure-Go reference kernels in
// kernel.go. Every routine works on whole vectors of 4 float64 (one YMM
// register) and leaves the ragged end to its Go wrapper, except minMaxAVX,
// which finishes the tail itself. All routines end with VZEROUPPER.
//
// Go assembler operand order is reversed from Intel's: "VFMADD231PD a, b,
// c" is c += b·a, "VSUBPD a, b, c" is c = b − a, and a memory operand (a
// full 32-byte constant) can stand only in the first position.

#include "textflag.h"

// vec4 defines a 32-byte constant: one float64 bit pattern four times.
#define vec4(name, bits) \
	DATA name<>+0(SB)/8, $bits; \
	DATA name<>+8(SB)/8, $bits; \
	DATA name<>+16(SB)/8, $bits; \
	DATA name<>+24(SB)/8, $bits; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

// Constants of the vector exp; the method is described before EXPARG.
vec4(expMinX, 0xc087500000000000)      // −746: below it every result is 0
vec4(expInvLn2, 0x3ff71547652b82fe)    // 1/ln 2
vec4(expShiftB, 0x43380000000003ff)    // 1.5·2⁵² + 1023: rounds, and biases k
vec4(expLn2Hi, 0x3fe62e42fefa39ef)     // ln 2 rounded to float64
vec4(expLn2Lo, 0x3c7abc9e3b39803f)     // ln 2 − expLn2Hi
vec4(expSubAdj, 0x3fe0000000000000)    // 1022 << 52: exponent lift for subnormals
vec4(expTwoM1022, 0x0010000000000000)  // 2^−1022
vec4(expOne, 0x3ff0000000000000)       // 1
vec4(expKThresh, 0x4338000000000002)   // kd bits below this: k ≤ −1022
// c₁₁ … c₂: Chebyshev fit of (eʳ − 1 − r)/r² on [−0.3466, 0.3466] (near 1/k!)
vec4(expC11, 0x3e5af38a71a18cb9)     // 0x1.af38a71a18cb9p-26
vec4(expC10, 0x3e92891834686c7e)     // 0x1.2891834686c7ep-22
vec4(expC9, 0x3ec71de0daf7a6cc)      // 0x1.71de0daf7a6ccp-19
vec4(expC8, 0x3efa019b90eefe8e)      // 0x1.a019b90eefe8ep-16
vec4(expC7, 0x3f2a01a01a7c3d59)      // 0x1.a01a01a7c3d59p-13
vec4(expC6, 0x3f56c16c1788b646)      // 0x1.6c16c1788b646p-10
vec4(expC5, 0x3f811111111109b4)      // 0x1.11111111109b4p-7
vec4(expC4, 0x3fa5555555553d64)      // 0x1.5555555553d64p-5
vec4(expC3, 0x3fc5555555555556)      // 0x1.5555555555556p-3
vec4(expC2, 0x3fe0000000000001)      // 0x1.0000000000001p-1

DATA negInf<>+0(SB)/8, $0xfff0000000000000
GLOBL negInf<>(SB), RODATA|NOPTR, $8
DATA posInf<>+0(SB)/8, $0x7ff0000000000000
GLOBL posInf<>(SB), RODATA|NOPTR, $8

// func dotTileAVX(s0, s1, q0, q1, kp *float64, groups, d int)
//
// s0[j] = ⟨q0, k_j⟩ and s1[j] = ⟨q1, k_j⟩ for the 4·groups keys of kp,
// packed as in packKeys: group g at kp[g·4d], coordinate c of its four keys
// at kp[g·4d + 4c : +4]. Four groups (16 keys) at a time, then one.
//
// Register plan:
//   SI  kp of the current block     DI  s0 out    R8  s1 out
//   AX  q0                          BX  q1        CX  groups left
//   DX  d                           R9  4d·8 bytes (one group)
//   R10 3·R9                        R11 c countdown
//   R12 K pointer at coordinate c   R13 q byte offset 8c
//   Y0–Y3  row 0 × groups 0–3       Y4–Y7  row 1 × groups 0–3
//   Y8, Y9 q0[c], q1[c] broadcast   Y10–Y13 coordinate c of groups 0–3
TEXT ·dotTileAVX(SB), NOSPLIT, $0-56
	MOVQ s0+0(FP), DI
	MOVQ s1+8(FP), R8
	MOVQ q0+16(FP), AX
	MOVQ q1+24(FP), BX
	MOVQ kp+32(FP), SI
	MOVQ groups+40(FP), CX
	MOVQ d+48(FP), DX
	MOVQ DX, R9
	SHLQ $5, R9         // R9 = 32·d bytes per group
	LEAQ (R9)(R9*2), R10

block4:
	CMPQ CX, $4
	JLT  block1
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	MOVQ   SI, R12
	XORQ   R13, R13
	MOVQ   DX, R11

coord4: // one coordinate c: 8 FMAs over 2 rows × 16 keys
	VBROADCASTSD (AX)(R13*1), Y8
	VBROADCASTSD (BX)(R13*1), Y9
	VMOVUPD      (R12), Y10
	VMOVUPD      (R12)(R9*1), Y11
	VMOVUPD      (R12)(R9*2), Y12
	VMOVUPD      (R12)(R10*1), Y13
	VFMADD231PD  Y10, Y8, Y0
	VFMADD231PD  Y11, Y8, Y1
	VFMADD231PD  Y12, Y8, Y2
	VFMADD231PD  Y13, Y8, Y3
	VFMADD231PD  Y10, Y9, Y4
	VFMADD231PD  Y11, Y9, Y5
	VFMADD231PD  Y12, Y9, Y6
	VFMADD231PD  Y13, Y9, Y7
	ADDQ         $32, R12
	ADDQ         $8, R13
	DECQ         R11
	JNZ          coord4

	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	VMOVUPD Y4, (R8)
	VMOVUPD Y5, 32(R8)
	VMOVUPD Y6, 64(R8)
	VMOVUPD Y7, 96(R8)
	ADDQ    $128, DI
	ADDQ    $128, R8
	LEAQ    (SI)(R9*4), SI
	SUBQ    $4, CX
	JMP     block4

block1: // the last 0–3 groups, one at a time
	TESTQ CX, CX
	JZ    dotdone
	VXORPD Y0, Y0, Y0
	VXORPD Y4, Y4, Y4
	XORQ   R13, R13
	MOVQ   DX, R11

coord1:
	VBROADCASTSD (AX)(R13*1), Y8
	VBROADCASTSD (BX)(R13*1), Y9
	VMOVUPD      (SI), Y10
	VFMADD231PD  Y10, Y8, Y0
	VFMADD231PD  Y10, Y9, Y4
	ADDQ         $32, SI
	ADDQ         $8, R13
	DECQ         R11
	JNZ          coord1

	VMOVUPD Y0, (DI)
	VMOVUPD Y4, (R8)
	ADDQ    $32, DI
	ADDQ    $32, R8
	DECQ    CX
	JMP     block1

dotdone:
	VZEROUPPER
	RET

// func minMaxAVX(s *float64, n int) (lo, hi float64)
//
// lo = min(+Inf, s...), hi = max(−Inf, s...) for NaN-free s.
//
// Register plan: SI s, CX elements left, Y0 Y1 running maxima, Y2 Y3
// running minima, Y4 Y5 loaded vectors.
TEXT ·minMaxAVX(SB), NOSPLIT, $0-32
	MOVQ         s+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSD negInf<>(SB), Y0
	VMOVAPD      Y0, Y1
	VBROADCASTSD posInf<>(SB), Y2
	VMOVAPD      Y2, Y3

mm8:
	CMPQ    CX, $8
	JLT     mm4
	VMOVUPD (SI), Y4
	VMOVUPD 32(SI), Y5
	VMAXPD  Y4, Y0, Y0
	VMAXPD  Y5, Y1, Y1
	VMINPD  Y4, Y2, Y2
	VMINPD  Y5, Y3, Y3
	ADDQ    $64, SI
	SUBQ    $8, CX
	JMP     mm8

mm4:
	CMPQ    CX, $4
	JLT     mmreduce
	VMOVUPD (SI), Y4
	VMAXPD  Y4, Y0, Y0
	VMINPD  Y4, Y2, Y2
	ADDQ    $32, SI
	SUBQ    $4, CX

mmreduce: // fold the lanes into the low lanes of X0 (max) and X2 (min)
	VMAXPD       Y1, Y0, Y0
	VMINPD       Y3, Y2, Y2
	VEXTRACTF128 $1, Y0, X1
	VEXTRACTF128 $1, Y2, X3
	VMAXPD       X1, X0, X0
	VMINPD       X3, X2, X2
	VPERMILPD    $1, X0, X1
	VPERMILPD    $1, X2, X3
	VMAXSD       X1, X0, X0
	VMINSD       X3, X2, X2

mmtail:
	TESTQ  CX, CX
	JZ     mmdone
	VMAXSD (SI), X0, X0
	VMINSD (SI), X2, X2
	ADDQ   $8, SI
	DECQ   CX
	JMP    mmtail

mmdone:
	VZEROUPPER
	MOVSD X2, lo+16(FP)
	MOVSD X0, hi+24(FP)
	RET

// The vector exp. For 4 logits s at off(SI) it computes, per lane,
//
//   x  = (s − m)·invd                       (safe variant: max(x, −746),
//                                             so NaN → −746 → 0)
//   kd = x/ln2 + (1.5·2⁵² + 1023)           (k = round(x/ln 2), biased by
//                                             1023, in the low bits of kd)
//   r  = (x − k·ln2hi) − k·ln2lo            (|r| ≤ ln2/2; the first step is
//                                             exact by FMA)
//   q  = c₂ + c₃r + … + c₁₁r⁹               (Estrin: pairs c_{2i} + c_{2i+1}r,
//                                             then Horner in r²)
//   t  = r + r²·q                           (eʳ − 1, to 0.07 ulp of eʳ)
//   2^k = (k + 1023) << 52 as bits, and y = 2^k + 2^k·t.
//
// The safe variant lifts the exponent by 1022 where k ≤ −1022 and then
// multiplies by 2^−1022, so subnormal results are rounded once more, to
// the subnormal grid. The macros take one vector's registers: X (x, then
// r), K (kd, then 2^k), R2 (k as float64, then r²), T (the polynomial,
// then y) and U (scratch, then the safe variant's mask); they are invoked
// for two vectors in turn, so two independent dependency chains are in
// flight. Shared registers: Y10 sum, Y11 m, Y12 invd, Y13 shift,
// Y14 1/ln 2, Y15 ln2hi.

// EXPARG loads s and forms x (without the clamp).
#define EXPARG(off, X) \
	VMOVUPD off(SI), X; \
	VSUBPD  Y11, X, X; \
	VMULPD  Y12, X, X

// EXPRED rounds k and reduces x to r in X, with r² in R2.
#define EXPRED(X, K, R2) \
	VMOVAPD      Y13, K; \
	VFMADD231PD  Y14, X, K; \
	VSUBPD       Y13, K, R2; \
	VFNMADD231PD Y15, R2, X; \
	VFNMADD231PD expLn2Lo<>(SB), R2, X; \
	VMULPD       X, X, R2

// EXPPOLY0 starts q = c₁₀ + c₁₁r; EXPPOLY(hi, lo) folds in the next pair:
// q = q·r² + (lo + hi·r); EXPT finishes t = r + r²·q.
#define EXPPOLY0(X, T) \
	VMOVUPD     expC11<>(SB), T; \
	VFMADD213PD expC10<>(SB), X, T

#define EXPPOLY(chi, clo, X, R2, T, U) \
	VMOVUPD     chi<>(SB), U; \
	VFMADD213PD clo<>(SB), X, U; \
	VFMADD213PD U, R2, T

#define EXPT(X, R2, T) \
	VFMADD213PD X, R2, T

// EXPFAST: y = 2^k·(1 + t), stored and added to the sum.
#define EXPFAST(off, K, T) \
	VPSLLQ      $52, K, K; \
	VFMADD213PD K, K, T; \
	VMOVUPD     T, off(SI); \
	VADDPD      T, Y10, Y10

// EXPSAFE: as EXPFAST, lifting 2^k by 2^1022 where k ≤ −1022 and scaling
// the result by 2^−1022 there (U = mask of those lanes, then the factor).
#define EXPSAFE(off, K, R2, T, U) \
	VMOVUPD     expKThresh<>(SB), U; \
	VPCMPGTQ    K, U, U; \
	VPSLLQ      $52, K, K; \
	VANDPD      expSubAdj<>(SB), U, R2; \
	VPADDQ      R2, K, K; \
	VFMADD213PD K, K, T; \
	VANDNPD     expOne<>(SB), U, R2; \
	VANDPD      expTwoM1022<>(SB), U, U; \
	VORPD       R2, U, U; \
	VMULPD      U, T, T; \
	VMOVUPD     T, off(SI); \
	VADDPD      T, Y10, Y10

// EXPCORE2 computes t and kd for the vectors at 0(SI) (Y0–Y4) and
// 32(SI) (Y5–Y9), interleaved; CLAMPA, CLAMPB are CLAMP0, CLAMP5 (the
// safe variant) or NOCLAMP.
#define EXPCORE2(CLAMPA, CLAMPB) \
	EXPARG(0, Y0); \
	EXPARG(32, Y5); \
	CLAMPA; \
	CLAMPB; \
	EXPRED(Y0, Y1, Y2); \
	EXPRED(Y5, Y6, Y7); \
	EXPPOLY0(Y0, Y3); \
	EXPPOLY0(Y5, Y8); \
	EXPPOLY(expC9, expC8, Y0, Y2, Y3, Y4); \
	EXPPOLY(expC9, expC8, Y5, Y7, Y8, Y9); \
	EXPPOLY(expC7, expC6, Y0, Y2, Y3, Y4); \
	EXPPOLY(expC7, expC6, Y5, Y7, Y8, Y9); \
	EXPPOLY(expC5, expC4, Y0, Y2, Y3, Y4); \
	EXPPOLY(expC5, expC4, Y5, Y7, Y8, Y9); \
	EXPPOLY(expC3, expC2, Y0, Y2, Y3, Y4); \
	EXPPOLY(expC3, expC2, Y5, Y7, Y8, Y9); \
	EXPT(Y0, Y2, Y3); \
	EXPT(Y5, Y7, Y8)

#define EXPCORE1(CLAMPA) \
	EXPARG(0, Y0); \
	CLAMPA; \
	EXPRED(Y0, Y1, Y2); \
	EXPPOLY0(Y0, Y3); \
	EXPPOLY(expC9, expC8, Y0, Y2, Y3, Y4); \
	EXPPOLY(expC7, expC6, Y0, Y2, Y3, Y4); \
	EXPPOLY(expC5, expC4, Y0, Y2, Y3, Y4); \
	EXPPOLY(expC3, expC2, Y0, Y2, Y3, Y4); \
	EXPT(Y0, Y2, Y3)

#define CLAMP0 VMAXPD expMinX<>(SB), Y0, Y0
#define CLAMP5 VMAXPD expMinX<>(SB), Y5, Y5
#define NOCLAMP

// func expShiftedAVX(s *float64, n int, m, invd float64) float64
//
// s[j] = exp((s[j] − m)·invd) for j < n, n a multiple of 4, when every
// (s[j] − m)·invd ≥ −708 (so 2^k is normal); returns the sum of the new
// s[j]. Register plan: SI s of the current pair of vectors, CX elements
// left, the vector registers as described above.
TEXT ·expShiftedAVX(SB), NOSPLIT, $0-40
	MOVQ         s+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSD m+16(FP), Y11
	VBROADCASTSD invd+24(FP), Y12
	VXORPD       Y10, Y10, Y10
	VMOVUPD      expShiftB<>(SB), Y13
	VMOVUPD      expInvLn2<>(SB), Y14
	VMOVUPD      expLn2Hi<>(SB), Y15

fast8:
	CMPQ CX, $8
	JLT  fast4
	EXPCORE2(NOCLAMP, NOCLAMP)
	EXPFAST(0, Y1, Y3)
	EXPFAST(32, Y6, Y8)
	ADDQ $64, SI
	SUBQ $8, CX
	JMP  fast8

fast4:
	CMPQ CX, $4
	JLT  fastdone
	EXPCORE1(NOCLAMP)
	EXPFAST(0, Y1, Y3)

fastdone:
	VEXTRACTF128 $1, Y10, X0 // horizontal sum of Y10
	VADDPD       X10, X0, X0
	VPERMILPD    $1, X0, X1
	VADDSD       X1, X0, X0
	VZEROUPPER
	MOVSD        X0, ret+32(FP)
	RET

// func expShiftedSafeAVX(s *float64, n int, m, invd float64) float64
//
// expShiftedAVX for any s[j] ≤ m, down to −Inf (and NaN, which gives 0):
// subnormal results and 0 below −745.13.
TEXT ·expShiftedSafeAVX(SB), NOSPLIT, $0-40
	MOVQ         s+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSD m+16(FP), Y11
	VBROADCASTSD invd+24(FP), Y12
	VXORPD       Y10, Y10, Y10
	VMOVUPD      expShiftB<>(SB), Y13
	VMOVUPD      expInvLn2<>(SB), Y14
	VMOVUPD      expLn2Hi<>(SB), Y15

safe8:
	CMPQ CX, $8
	JLT  safe4
	EXPCORE2(CLAMP0, CLAMP5)
	EXPSAFE(0, Y1, Y2, Y3, Y4)
	EXPSAFE(32, Y6, Y7, Y8, Y9)
	ADDQ $64, SI
	SUBQ $8, CX
	JMP  safe8

safe4:
	CMPQ CX, $4
	JLT  safedone
	EXPCORE1(CLAMP0)
	EXPSAFE(0, Y1, Y2, Y3, Y4)

safedone:
	VEXTRACTF128 $1, Y10, X0 // horizontal sum of Y10
	VADDPD       X10, X0, X0
	VPERMILPD    $1, X0, X1
	VADDSD       X1, X0, X0
	VZEROUPPER
	MOVSD        X0, ret+32(FP)
	RET

// func accumulatePVAVX(acc0, acc1, p0, p1, v *float64, n, blocks, stride int)
//
// acc0[c] += Σ_{j<n} p0[j]·v[j·stride + c] and likewise acc1 with p1, for
// the first 4·blocks columns c: column blocks of 16 (4 registers per row)
// while they last, then of 4, each sweeping all n keys (n ≥ 1).
//
// Register plan:
//   DI  acc0 block    R8  acc1 block    AX  p0    BX  p1
//   SI  v block       DX  n             CX  4-column blocks left
//   R9  stride·8 bytes                  R10 v pointer of key j
//   R11 j countdown   R12 8j
//   Y0–Y3  row 0 × 16 columns           Y4–Y7  row 1 × 16 columns
//   Y8, Y9 p0[j], p1[j] broadcast       Y10–Y13 v_j columns
TEXT ·accumulatePVAVX(SB), NOSPLIT, $0-64
	MOVQ acc0+0(FP), DI
	MOVQ acc1+8(FP), R8
	MOVQ p0+16(FP), AX
	MOVQ p1+24(FP), BX
	MOVQ v+32(FP), SI
	MOVQ n+40(FP), DX
	MOVQ blocks+48(FP), CX
	MOVQ stride+56(FP), R9
	SHLQ $3, R9

cols16:
	CMPQ CX, $4
	JLT  cols4
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	MOVQ   SI, R10
	XORQ   R12, R12
	MOVQ   DX, R11

key16: // one key: 8 FMAs over 2 rows × 16 columns
	VBROADCASTSD (AX)(R12*1), Y8
	VBROADCASTSD (BX)(R12*1), Y9
	VMOVUPD      (R10), Y10
	VMOVUPD      32(R10), Y11
	VMOVUPD      64(R10), Y12
	VMOVUPD      96(R10), Y13
	VFMADD231PD  Y10, Y8, Y0
	VFMADD231PD  Y11, Y8, Y1
	VFMADD231PD  Y12, Y8, Y2
	VFMADD231PD  Y13, Y8, Y3
	VFMADD231PD  Y10, Y9, Y4
	VFMADD231PD  Y11, Y9, Y5
	VFMADD231PD  Y12, Y9, Y6
	VFMADD231PD  Y13, Y9, Y7
	ADDQ         R9, R10
	ADDQ         $8, R12
	DECQ         R11
	JNZ          key16

	VADDPD  (DI), Y0, Y0
	VADDPD  32(DI), Y1, Y1
	VADDPD  64(DI), Y2, Y2
	VADDPD  96(DI), Y3, Y3
	VADDPD  (R8), Y4, Y4
	VADDPD  32(R8), Y5, Y5
	VADDPD  64(R8), Y6, Y6
	VADDPD  96(R8), Y7, Y7
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	VMOVUPD Y4, (R8)
	VMOVUPD Y5, 32(R8)
	VMOVUPD Y6, 64(R8)
	VMOVUPD Y7, 96(R8)
	ADDQ    $128, DI
	ADDQ    $128, R8
	ADDQ    $128, SI
	SUBQ    $4, CX
	JMP     cols16

cols4: // the last 0–3 blocks of 4 columns; two accumulators per row
	TESTQ CX, CX
	JZ    pvdone
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	MOVQ   SI, R10
	XORQ   R12, R12
	MOVQ   DX, R11

key4pair: // keys j and j+1 into separate accumulators
	CMPQ         R11, $2
	JLT          key4one
	VBROADCASTSD (AX)(R12*1), Y8
	VBROADCASTSD (BX)(R12*1), Y9
	VMOVUPD      (R10), Y10
	VFMADD231PD  Y10, Y8, Y0
	VFMADD231PD  Y10, Y9, Y4
	ADDQ         R9, R10
	VBROADCASTSD 8(AX)(R12*1), Y8
	VBROADCASTSD 8(BX)(R12*1), Y9
	VMOVUPD      (R10), Y10
	VFMADD231PD  Y10, Y8, Y1
	VFMADD231PD  Y10, Y9, Y5
	ADDQ         R9, R10
	ADDQ         $16, R12
	SUBQ         $2, R11
	JMP          key4pair

key4one:
	TESTQ        R11, R11
	JZ           key4end
	VBROADCASTSD (AX)(R12*1), Y8
	VBROADCASTSD (BX)(R12*1), Y9
	VMOVUPD      (R10), Y10
	VFMADD231PD  Y10, Y8, Y0
	VFMADD231PD  Y10, Y9, Y4

key4end:
	VADDPD  Y1, Y0, Y0
	VADDPD  Y5, Y4, Y4
	VADDPD  (DI), Y0, Y0
	VADDPD  (R8), Y4, Y4
	VMOVUPD Y0, (DI)
	VMOVUPD Y4, (R8)
	ADDQ    $32, DI
	ADDQ    $32, R8
	ADDQ    $32, SI
	DECQ    CX
	JMP     cols4

pvdone:
	VZEROUPPER
	RET
