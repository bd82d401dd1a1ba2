//go:build amd64 && !purego

// AVX-512 float32 kernels of the streaming engine's float32 strip path
// (stream32.go; Go declarations in kernel512f32_amd64.go). As the float64
// kernels of kernel512_amd64.s but 16 lanes per register: a strip is
// MR = 6 query rows, a key panel NR = 64 keys, and both products use a
// 6 × 64 register tile (24 accumulators Z0–Z23, loads Z24–Z27, broadcasts
// Z28–Z31). Products accumulate in float32; the weights' sum and the P·V
// accumulators that outlive one key tile are float64.

#include "textflag.h"

// vec16 defines a 64-byte constant: one float32 bit pattern 16 times.
#define vec16(name, bits) \
	DATA name<>+0(SB)/4, $bits; \
	DATA name<>+4(SB)/4, $bits; \
	DATA name<>+8(SB)/4, $bits; \
	DATA name<>+12(SB)/4, $bits; \
	DATA name<>+16(SB)/4, $bits; \
	DATA name<>+20(SB)/4, $bits; \
	DATA name<>+24(SB)/4, $bits; \
	DATA name<>+28(SB)/4, $bits; \
	DATA name<>+32(SB)/4, $bits; \
	DATA name<>+36(SB)/4, $bits; \
	DATA name<>+40(SB)/4, $bits; \
	DATA name<>+44(SB)/4, $bits; \
	DATA name<>+48(SB)/4, $bits; \
	DATA name<>+52(SB)/4, $bits; \
	DATA name<>+56(SB)/4, $bits; \
	DATA name<>+60(SB)/4, $bits; \
	GLOBL name<>(SB), RODATA|NOPTR, $64

// The float32 exp (Cephes expf, S. L. Moshier): k = round(x·log₂e),
// r = x − k·C1 − k·C2 with C1 + C2 = ln 2, eʳ = 1 + r + r²·P(r) with P of
// degree 5, then ·2^k by VSCALEFPS.
vec16(f16MinX, 0xc2d00000)   // −104: below it every result is 0
vec16(f16Log2e, 0x3fb8aa3b)  // log₂ e
vec16(f16C1, 0x3f318000)     // 0.693359375
vec16(f16C2, 0xb95e8083)     // −2.12194440e−4
vec16(f16One, 0x3f800000)    // 1
vec16(f16P0, 0x39506967)     // 1.9875691500e−4
vec16(f16P1, 0x3ab743ce)     // 1.3981999507e−3
vec16(f16P2, 0x3c088908)     // 8.3334519073e−3
vec16(f16P3, 0x3d2aa9c1)     // 4.1665795894e−2
vec16(f16P4, 0x3e2aaaaa)     // 1.6666665459e−1
vec16(f16P5, 0x3f000000)     // 5.0000001201e−1
vec16(f16NegInf, 0xff800000)

#define ROWS6(base, ld, tmp) \
	LEAQ (base)(ld*2), tmp; \
	ADDQ ld, tmp

#define ZERO24 \
	VPXORQ Z0, Z0, Z0; VPXORQ Z1, Z1, Z1; VPXORQ Z2, Z2, Z2; VPXORQ Z3, Z3, Z3; \
	VPXORQ Z4, Z4, Z4; VPXORQ Z5, Z5, Z5; VPXORQ Z6, Z6, Z6; VPXORQ Z7, Z7, Z7; \
	VPXORQ Z8, Z8, Z8; VPXORQ Z9, Z9, Z9; VPXORQ Z10, Z10, Z10; VPXORQ Z11, Z11, Z11; \
	VPXORQ Z12, Z12, Z12; VPXORQ Z13, Z13, Z13; VPXORQ Z14, Z14, Z14; VPXORQ Z15, Z15, Z15; \
	VPXORQ Z16, Z16, Z16; VPXORQ Z17, Z17, Z17; VPXORQ Z18, Z18, Z18; VPXORQ Z19, Z19, Z19; \
	VPXORQ Z20, Z20, Z20; VPXORQ Z21, Z21, Z21; VPXORQ Z22, Z22, Z22; VPXORQ Z23, Z23, Z23

#define FMA4S(src, a0, a1, a2, a3) \
	VFMADD231PS Z24, src, a0; \
	VFMADD231PS Z25, src, a1; \
	VFMADD231PS Z26, src, a2; \
	VFMADD231PS Z27, src, a3

#define STORE4S(a0, a1, a2, a3, addr) \
	VMOVUPS a0, addr; \
	VMOVUPS a1, 64 addr; \
	VMOVUPS a2, 128 addr; \
	VMOVUPS a3, 192 addr

// func qkStrip512f32(s, qp, kp *float32, lds, strips, panels, d int)
//
// s[(6t+i)·lds + 64p + r] = ⟨q_{6t+i}, k_{64p+r}⟩ in float32 for the
// packed strips t < strips (qp[6d·t + 6c + i] = q_{6t+i}[c]) and the
// panels of kp (kp[64·d·p + 64c + r] = k_{64p+r}[c]); panels outside,
// strips inside. Register plan and loop order as qkStrip512.
TEXT ·qkStrip512f32(SB), NOSPLIT, $0-56
	MOVQ s+0(FP), R13
	MOVQ kp+16(FP), R12
	MOVQ lds+24(FP), R8
	SHLQ $2, R8
	MOVQ strips+32(FP), BX
	MOVQ panels+40(FP), CX
	MOVQ d+48(FP), DX

qk32panel:
	TESTQ CX, CX
	JZ    qk32done
	MOVQ  qp+8(FP), AX
	MOVQ  R13, DI
	MOVQ  BX, R11

qk32strip:
	ZERO24
	MOVQ R12, SI
	MOVQ DX, R10

qk32coord:
	VMOVUPS      (SI), Z24
	VMOVUPS      64(SI), Z25
	VMOVUPS      128(SI), Z26
	VMOVUPS      192(SI), Z27
	VBROADCASTSS (AX), Z28
	FMA4S(Z28, Z0, Z1, Z2, Z3)
	VBROADCASTSS 4(AX), Z29
	FMA4S(Z29, Z4, Z5, Z6, Z7)
	VBROADCASTSS 8(AX), Z30
	FMA4S(Z30, Z8, Z9, Z10, Z11)
	VBROADCASTSS 12(AX), Z31
	FMA4S(Z31, Z12, Z13, Z14, Z15)
	VBROADCASTSS 16(AX), Z28
	FMA4S(Z28, Z16, Z17, Z18, Z19)
	VBROADCASTSS 20(AX), Z29
	FMA4S(Z29, Z20, Z21, Z22, Z23)
	ADDQ         $256, SI
	ADDQ         $24, AX
	DECQ         R10
	JNZ          qk32coord

	// AX is now the next strip's qp; SI the next panel.
	ROWS6(DI, R8, R9)
	STORE4S(Z0, Z1, Z2, Z3, (DI))
	STORE4S(Z4, Z5, Z6, Z7, (DI)(R8*1))
	STORE4S(Z8, Z9, Z10, Z11, (DI)(R8*2))
	STORE4S(Z12, Z13, Z14, Z15, (R9))
	STORE4S(Z16, Z17, Z18, Z19, (R9)(R8*1))
	STORE4S(Z20, Z21, Z22, Z23, (R9)(R8*2))
	LEAQ  (R9)(R8*2), DI
	ADDQ  R8, DI
	DECQ  R11
	JNZ   qk32strip

	MOVQ SI, R12
	ADDQ $256, R13
	DECQ CX
	JMP  qk32panel

qk32done:
	VZEROUPPER
	RET

// FLUSH(acc, acclo, off, base): adds the 16 float32 lanes of acc (acclo
// its low half) to the 16
// float64 at off(base), under K2 (lanes 0–7) and K3 (lanes 8–15).
// Clobbers Z30, Z31.
#define FLUSH(acc, acclo, off, base) \
	VCVTPS2PD     acclo, Z30; \
	VEXTRACTF64X4 $1, acc, Y31; \
	VCVTPS2PD     Y31, Z31; \
	VADDPD.Z      off base, Z30, K2, Z30; \
	VMOVUPD       Z30, K2, off base; \
	VADDPD.Z      off+64 base, Z31, K3, Z31; \
	VMOVUPD       Z31, K3, off+64 base

// func pvStrip512f32(acc *float64, p, v *float32, ldacc, ldp, ldv, n, dv int)
//
// acc[i·ldacc + c] += Σ_{j<n} p[i·ldp + j]·v[j·ldv + c] for the 6 rows and
// c < dv, the sum over the n ≥ 1 keys in float32 registers from zero, then
// added to the float64 acc. Column blocks of 64 (6 × 64 register tile),
// then of 16, the last one masked.
//
// Register plan: DI acc block (float64), R13 acc row 3, SI v block, AX p
// row 0 and BX p row 3 at key j, R8 ldp·4, R9 ldv·4, R12 ldacc·8, R10 v
// at key j, R11 keys left, CX columns left, DX n; K1 the float32 column
// mask, K2 K3 its two float64 halves.
TEXT ·pvStrip512f32(SB), NOSPLIT, $0-64
	MOVQ acc+0(FP), DI
	MOVQ v+16(FP), SI
	MOVQ ldacc+24(FP), R12
	SHLQ $3, R12
	MOVQ ldp+32(FP), R8
	SHLQ $2, R8
	MOVQ ldv+40(FP), R9
	SHLQ $2, R9
	MOVQ n+48(FP), DX
	MOVQ dv+56(FP), CX
	ROWS6(DI, R12, R13)
	MOVQ $0xffff, R10
	KMOVW R10, K1
	KMOVB R10, K2
	KMOVB R10, K3

pv32s64:
	CMPQ CX, $64
	JLT  pv32s16
	ZERO24
	MOVQ p+8(FP), AX
	ROWS6(AX, R8, BX)
	MOVQ SI, R10
	MOVQ DX, R11

pv32skey64:
	VMOVUPS      (R10), Z24
	VMOVUPS      64(R10), Z25
	VMOVUPS      128(R10), Z26
	VMOVUPS      192(R10), Z27
	VBROADCASTSS (AX), Z28
	FMA4S(Z28, Z0, Z1, Z2, Z3)
	VBROADCASTSS (AX)(R8*1), Z29
	FMA4S(Z29, Z4, Z5, Z6, Z7)
	VBROADCASTSS (AX)(R8*2), Z30
	FMA4S(Z30, Z8, Z9, Z10, Z11)
	VBROADCASTSS (BX), Z31
	FMA4S(Z31, Z12, Z13, Z14, Z15)
	VBROADCASTSS (BX)(R8*1), Z28
	FMA4S(Z28, Z16, Z17, Z18, Z19)
	VBROADCASTSS (BX)(R8*2), Z29
	FMA4S(Z29, Z20, Z21, Z22, Z23)
	ADDQ         R9, R10
	ADDQ         $4, AX
	ADDQ         $4, BX
	DECQ         R11
	JNZ          pv32skey64

	FLUSH(Z0, Y0, 0, (DI))
	FLUSH(Z1, Y1, 128, (DI))
	FLUSH(Z2, Y2, 256, (DI))
	FLUSH(Z3, Y3, 384, (DI))
	FLUSH(Z4, Y4, 0, (DI)(R12*1))
	FLUSH(Z5, Y5, 128, (DI)(R12*1))
	FLUSH(Z6, Y6, 256, (DI)(R12*1))
	FLUSH(Z7, Y7, 384, (DI)(R12*1))
	FLUSH(Z8, Y8, 0, (DI)(R12*2))
	FLUSH(Z9, Y9, 128, (DI)(R12*2))
	FLUSH(Z10, Y10, 256, (DI)(R12*2))
	FLUSH(Z11, Y11, 384, (DI)(R12*2))
	FLUSH(Z12, Y12, 0, (R13))
	FLUSH(Z13, Y13, 128, (R13))
	FLUSH(Z14, Y14, 256, (R13))
	FLUSH(Z15, Y15, 384, (R13))
	FLUSH(Z16, Y16, 0, (R13)(R12*1))
	FLUSH(Z17, Y17, 128, (R13)(R12*1))
	FLUSH(Z18, Y18, 256, (R13)(R12*1))
	FLUSH(Z19, Y19, 384, (R13)(R12*1))
	FLUSH(Z20, Y20, 0, (R13)(R12*2))
	FLUSH(Z21, Y21, 128, (R13)(R12*2))
	FLUSH(Z22, Y22, 256, (R13)(R12*2))
	FLUSH(Z23, Y23, 384, (R13)(R12*2))
	ADDQ $512, DI
	ADDQ $512, R13
	ADDQ $256, SI
	SUBQ $64, CX
	JMP  pv32s64

pv32s16: // blocks of 16 columns, the last one masked
	TESTQ CX, CX
	JZ    pv32sdone
	MOVQ  $0xffff, R10
	CMPQ  CX, $16
	JGE   pv32s16mask
	MOVQ  $1, R10
	SHLQ  CX, R10
	DECQ  R10

pv32s16mask:
	KMOVW     R10, K1
	KMOVB     R10, K2
	SHRQ      $8, R10
	KMOVB     R10, K3
	VPXORQ    Z0, Z0, Z0
	VPXORQ    Z1, Z1, Z1
	VPXORQ    Z2, Z2, Z2
	VPXORQ    Z3, Z3, Z3
	VPXORQ    Z4, Z4, Z4
	VPXORQ    Z5, Z5, Z5
	MOVQ      p+8(FP), AX
	ROWS6(AX, R8, BX)
	MOVQ      SI, R10
	MOVQ      DX, R11

pv32skey16:
	VMOVUPS.Z        (R10), K1, Z24
	VFMADD231PS.BCST (AX), Z24, Z0
	VFMADD231PS.BCST (AX)(R8*1), Z24, Z1
	VFMADD231PS.BCST (AX)(R8*2), Z24, Z2
	VFMADD231PS.BCST (BX), Z24, Z3
	VFMADD231PS.BCST (BX)(R8*1), Z24, Z4
	VFMADD231PS.BCST (BX)(R8*2), Z24, Z5
	ADDQ             R9, R10
	ADDQ             $4, AX
	ADDQ             $4, BX
	DECQ             R11
	JNZ              pv32skey16

	FLUSH(Z0, Y0, 0, (DI))
	FLUSH(Z1, Y1, 0, (DI)(R12*1))
	FLUSH(Z2, Y2, 0, (DI)(R12*2))
	FLUSH(Z3, Y3, 0, (R13))
	FLUSH(Z4, Y4, 0, (R13)(R12*1))
	FLUSH(Z5, Y5, 0, (R13)(R12*2))
	ADDQ $128, DI
	ADDQ $128, R13
	ADDQ $64, SI
	SUBQ $16, CX
	JG   pv32s16

pv32sdone:
	VZEROUPPER
	RET

// func max512f32(s *float32, n int) float32
TEXT ·max512f32(SB), NOSPLIT, $0-20
	MOVQ    s+0(FP), SI
	MOVQ    n+8(FP), CX
	VMOVUPS f16NegInf<>(SB), Z0
	VMOVUPS Z0, Z1

max32s32:
	CMPQ   CX, $32
	JLT    max32s16
	VMAXPS (SI), Z0, Z0
	VMAXPS 64(SI), Z1, Z1
	ADDQ   $128, SI
	SUBQ   $32, CX
	JMP    max32s32

max32s16:
	TESTQ CX, CX
	JZ    max32sreduce
	MOVQ  $0xffff, R10
	CMPQ  CX, $16
	JGE   max32s16mask
	MOVQ  $1, R10
	SHLQ  CX, R10
	DECQ  R10

max32s16mask:
	KMOVW   R10, K1
	VMOVUPS Z0, Z2
	VMOVUPS (SI), K1, Z2
	VMAXPS  Z2, Z0, Z0
	ADDQ    $64, SI
	SUBQ    $16, CX
	JG      max32s16

max32sreduce:
	VMAXPS        Z1, Z0, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VMAXPS        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VMAXPS        X1, X0, X0
	VPERMILPS     $0x4e, X0, X1
	VMAXPS        X1, X0, X0
	VPERMILPS     $0xb1, X0, X1
	VMAXSS        X1, X0, X0
	VZEROUPPER
	MOVSS         X0, ret+16(FP)
	RET

// EXP16(X, K, R2, T): X holds s on entry, y = exp((s − m)·invd) on exit.
// Registers: Z16 m, Z17 invd, Z18 −104, Z19 log₂e, Z20 C1, Z21 C2, Z22 1,
// Z23–Z28 P0–P5.
#define EXP16(X, K, R2, T) \
	VSUBPS       Z16, X, X; \
	VMULPS       Z17, X, X; \
	VMAXPS       Z18, X, X; \
	VMULPS       Z19, X, K; \
	VRNDSCALEPS  $0, K, K; \
	VFNMADD231PS Z20, K, X; \
	VFNMADD231PS Z21, K, X; \
	VMULPS       X, X, R2; \
	VMOVAPS      Z23, T; \
	VFMADD213PS  Z24, X, T; \
	VFMADD213PS  Z25, X, T; \
	VFMADD213PS  Z26, X, T; \
	VFMADD213PS  Z27, X, T; \
	VFMADD213PS  Z28, X, T; \
	VFMADD213PS  X, R2, T; \
	VADDPS       Z22, T, T; \
	VSCALEFPS    K, T, X

// SUM16(X, XLO): adds the 16 float32 lanes of X (XLO its low half) to
// the float64 sums Z14, Z15.
#define SUM16(X, XLO) \
	VCVTPS2PD     XLO, Z12; \
	VEXTRACTF64X4 $1, X, Y13; \
	VCVTPS2PD     Y13, Z13; \
	VADDPD        Z12, Z14, Z14; \
	VADDPD        Z13, Z15, Z15

// func exp512f32(s *float32, n int, m, invd float32) float64
//
// s[j] = exp((s[j] − m)·invd) in float32 for j < n, s[j] ≤ m; returns the
// float64 sum of the new s[j]. The tail is masked.
TEXT ·exp512f32(SB), NOSPLIT, $0-32
	MOVQ         s+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSS m+16(FP), Z16
	VBROADCASTSS invd+20(FP), Z17
	VMOVUPS      f16MinX<>(SB), Z18
	VMOVUPS      f16Log2e<>(SB), Z19
	VMOVUPS      f16C1<>(SB), Z20
	VMOVUPS      f16C2<>(SB), Z21
	VMOVUPS      f16One<>(SB), Z22
	VMOVUPS      f16P0<>(SB), Z23
	VMOVUPS      f16P1<>(SB), Z24
	VMOVUPS      f16P2<>(SB), Z25
	VMOVUPS      f16P3<>(SB), Z26
	VMOVUPS      f16P4<>(SB), Z27
	VMOVUPS      f16P5<>(SB), Z28
	VPXORQ       Z14, Z14, Z14
	VPXORQ       Z15, Z15, Z15

exp32s32:
	CMPQ    CX, $32
	JLT     exp32s16
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z4
	EXP16(Z0, Z1, Z2, Z3)
	EXP16(Z4, Z5, Z6, Z7)
	VMOVUPS Z0, (SI)
	VMOVUPS Z4, 64(SI)
	SUM16(Z0, Y0)
	SUM16(Z4, Y4)
	ADDQ    $128, SI
	SUBQ    $32, CX
	JMP     exp32s32

exp32s16:
	TESTQ CX, CX
	JZ    exp32sreduce
	MOVQ  $0xffff, R10
	CMPQ  CX, $16
	JGE   exp32s16mask
	MOVQ  $1, R10
	SHLQ  CX, R10
	DECQ  R10

exp32s16mask:
	KMOVW     R10, K1
	VMOVUPS   Z16, Z0 // lanes outside K1: s = m
	VMOVUPS   (SI), K1, Z0
	EXP16(Z0, Z1, Z2, Z3)
	VMOVUPS   Z0, K1, (SI)
	VMOVUPS.Z Z0, K1, Z0 // lanes outside K1 add 0
	SUM16(Z0, Y0)
	ADDQ      $64, SI
	SUBQ      $16, CX
	JG        exp32s16

exp32sreduce:
	VADDPD        Z15, Z14, Z14
	VEXTRACTF64X4 $1, Z14, Y1
	VADDPD        Y1, Y14, Y0
	VEXTRACTF128  $1, Y0, X1
	VADDPD        X1, X0, X0
	VPERMILPD     $1, X0, X1
	VADDSD        X1, X0, X0
	VZEROUPPER
	MOVSD         X0, ret+24(FP)
	RET
