//go:build amd64 && !purego

// AVX2 + FMA kernels of the streaming engine; Go declarations and the
// bounds checks are in kernel_amd64.go, the pure-Go reference kernels in
// kernel.go. Every routine works on whole vectors of 4 float64 (one YMM
// register) and leaves the ragged end to its Go wrapper, except maxAVX,
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

// Constants of the vector exp; see expVec in kernel_amd64.go for the method.
vec4(expMinX, 0xc087500000000000)      // −746: below it every result is 0
vec4(expSubX, 0xc086200000000000)      // −708: below it 2^k may be subnormal
vec4(expInvLn2, 0x3ff71547652b82fe)    // 1/ln 2
vec4(expShiftB, 0x43380000000003ff)    // 1.5·2⁵² + 1023: rounds, and biases k
vec4(expLn2Hi, 0x3fe62e42fefa39ef)     // ln 2 rounded to float64
vec4(expLn2Lo, 0x3c7abc9e3b39803f)     // ln 2 − expLn2Hi
vec4(expSubAdj, 0x3fe0000000000000)    // 1022 << 52: exponent lift for subnormals
vec4(expTwoM1022, 0x0010000000000000)  // 2^−1022
vec4(expOne, 0x3ff0000000000000)       // 1
vec4(expC12, 0x3e21f7301a8efa5c)       // Q(r) coefficients c₁₂ … c₂, near 1/k!
vec4(expC11, 0x3e5af4de6a36d4fc)
vec4(expC10, 0x3e927e4db653346e)
vec4(expC9, 0x3ec71de0232f4775)
vec4(expC8, 0x3efa01a01a6d84aa)
vec4(expC7, 0x3f2a01a01abe78f9)
vec4(expC6, 0x3f56c16c16c162d5)
vec4(expC5, 0x3f811111111100dc)
vec4(expC4, 0x3fa5555555555556)
vec4(expC3, 0x3fc5555555555557)
vec4(expC2, 0x3fe0000000000000)

DATA negInf<>+0(SB)/8, $0xfff0000000000000
GLOBL negInf<>(SB), RODATA|NOPTR, $8

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

// func maxAVX(s *float64, n int) float64
//
// max(−Inf, s[0], …, s[n−1]) for NaN-free s.
//
// Register plan: SI s, CX elements left, Y0 Y1 running maxima.
TEXT ·maxAVX(SB), NOSPLIT, $0-24
	MOVQ         s+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSD negInf<>(SB), Y0
	VMOVAPD      Y0, Y1

max8:
	CMPQ   CX, $8
	JLT    max4
	VMAXPD (SI), Y0, Y0
	VMAXPD 32(SI), Y1, Y1
	ADDQ   $64, SI
	SUBQ   $8, CX
	JMP    max8

max4:
	CMPQ   CX, $4
	JLT    maxreduce
	VMAXPD (SI), Y0, Y0
	ADDQ   $32, SI
	SUBQ   $4, CX

maxreduce: // fold the 8 lanes into X0's low lane
	VMAXPD       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPD       X1, X0, X0
	VPERMILPD    $1, X0, X1
	VMAXSD       X1, X0, X0

maxtail:
	TESTQ  CX, CX
	JZ     maxdone
	VMAXSD (SI), X0, X0
	ADDQ   $8, SI
	DECQ   CX
	JMP    maxtail

maxdone:
	VZEROUPPER
	MOVSD X0, ret+16(FP)
	RET

// EXP4 replaces the 4 logits at (SI) by exp((s − m)·invd) and adds them
// to the running sum Y13. X is the argument, K the biased k, R the reduced
// argument, R2 = R², Q the polynomial and then the result, M the mask of
// the lanes below −708 and then the scale factor.
//
//   x  = max((s − m)·invd, −746)            (NaN → −746: never a NaN out)
//   kd = x/ln2 + (1.5·2⁵² + 1023)           (k = round(x/ln 2) in the low bits)
//   r  = (x − k·ln2hi) − k·ln2lo            (|r| ≤ ln2/2; the first step exact by FMA)
//   q  = c₂ + c₃r + … + c₁₂r¹⁰              (Horner)
//   t  = r + r²·q                           (eʳ − 1, to 0.002 ulp of eʳ)
//   2^k = (k + 1023) << 52, as bits;  lanes with x < −708 get 2^(k+1022)
//   y  = (2^k + 2^k·t) · (1 or 2^−1022)     (the product rounds once into
//                                             the subnormal range)
#define EXP4(X, K, R, R2, Q, M) \
	VMOVUPD     (SI), X; \
	VSUBPD      Y15, X, X; \
	VMULPD      Y14, X, X; \
	VMAXPD      expMinX<>(SB), X, X; \
	VCMPPD      $1, expSubX<>(SB), X, M; \
	VMOVUPD     expShiftB<>(SB), K; \
	VFMADD231PD expInvLn2<>(SB), X, K; \
	VSUBPD      expShiftB<>(SB), K, R; \
	VFNMADD231PD expLn2Hi<>(SB), R, X; \
	VFNMADD231PD expLn2Lo<>(SB), R, X; \
	VMULPD      X, X, R2; \
	VMOVUPD     expC12<>(SB), Q; \
	VFMADD213PD expC11<>(SB), X, Q; \
	VFMADD213PD expC10<>(SB), X, Q; \
	VFMADD213PD expC9<>(SB), X, Q; \
	VFMADD213PD expC8<>(SB), X, Q; \
	VFMADD213PD expC7<>(SB), X, Q; \
	VFMADD213PD expC6<>(SB), X, Q; \
	VFMADD213PD expC5<>(SB), X, Q; \
	VFMADD213PD expC4<>(SB), X, Q; \
	VFMADD213PD expC3<>(SB), X, Q; \
	VFMADD213PD expC2<>(SB), X, Q; \
	VFMADD213PD X, R2, Q; \
	VPSLLQ      $52, K, K; \
	VANDPD      expSubAdj<>(SB), M, R2; \
	VPADDQ      R2, K, K; \
	VFMADD213PD K, K, Q; \
	VBLENDVPD   M, expTwoM1022<>(SB), Y12, M; \
	VMULPD      M, Q, Q; \
	VMOVUPD     Q, (SI); \
	VADDPD      Q, Y13, Y13

// func expShiftedAVX(s *float64, n int, m, invd float64) float64
//
// s[j] = exp((s[j] − m)·invd) for j < n, n a multiple of 4, s[j] ≤ m;
// returns the sum of the new s[j].
//
// Register plan:
//   SI  s of the current vector     CX  elements left
//   Y15 m    Y14 invd    Y13 running sum    Y12 1.0 (blend source)
//   Y0–Y5   scratch of the first vector of a pair (EXP4's X K R R2 Q M)
//   Y6–Y11  scratch of the second
TEXT ·expShiftedAVX(SB), NOSPLIT, $0-40
	MOVQ         s+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSD m+16(FP), Y15
	VBROADCASTSD invd+24(FP), Y14
	VXORPD       Y13, Y13, Y13
	VMOVUPD      expOne<>(SB), Y12

exp8: // two independent vectors per iteration
	CMPQ CX, $8
	JLT  exp4
	EXP4(Y0, Y1, Y2, Y3, Y4, Y5)
	ADDQ $32, SI
	EXP4(Y6, Y7, Y8, Y9, Y10, Y11)
	ADDQ $32, SI
	SUBQ $8, CX
	JMP  exp8

exp4:
	CMPQ CX, $4
	JLT  expreduce
	EXP4(Y0, Y1, Y2, Y3, Y4, Y5)
	ADDQ $32, SI
	SUBQ $4, CX

expreduce: // horizontal sum of Y13
	VEXTRACTF128 $1, Y13, X0
	VADDPD       X13, X0, X0
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
