//go:build amd64 && !purego

// AVX-512 block kernels of the polynomial method, the AVX2 ones of
// polystream_amd64.s eight lanes wide: a block of polyB = 16 rows is two
// ZMM registers, feature f at fb + 128·f. Go declarations and bounds
// checks in polystream512_amd64.go.

#include "textflag.h"

// FEATURE512 sets Z0, Z1 = fb[parent[f]]·x[coord[f]] for f = CX and stores
// them as fb[f] when f < nstore (R12). Clobbers AX, BX.
#define FEATURE512(skip) \
	MOVLQSX (R10)(CX*4), AX \
	MOVLQSX (R11)(CX*4), BX \
	SHLQ    $7, AX \
	SHLQ    $7, BX \
	VMOVUPD (SI)(AX*1), Z0 \
	VMOVUPD 64(SI)(AX*1), Z1 \
	VMULPD  (R8)(BX*1), Z0, Z0 \
	VMULPD  64(R8)(BX*1), Z1, Z1 \
	CMPQ    CX, R12 \
	JGE     skip \
	MOVQ    CX, AX \
	SHLQ    $7, AX \
	VMOVUPD Z0, (SI)(AX*1) \
	VMOVUPD Z1, 64(SI)(AX*1) \
skip:

// COLPROD(off, dst): dst = lane-wise y·vt[c] for the column at off(AX),
// folded to 8 lanes (rows i and i+8 added).
#define COLPROD(off, dst) \
	VMULPD      off(AX), Z0, dst \
	VFMADD231PD off+64(AX), Z1, dst

// func polyAcc512(acc, fb, x, vt *float64, parent, coord *int32, lo, hi, nstore, width int)
//
// For f in [lo, hi): y = FEATURE512 and acc[f·width + c] += Σ_i y_i·vt[c][i]
// for c < width. Eight columns at a time: their 8-lane products Z2–Z9 are
// summed across lanes together by a transpose-and-add tree (unpack pairs,
// then VSHUFF64X2 of 128-bit chunks twice), which leaves the 8 column
// sums in one register; the last width mod 8 columns are reduced one by
// one.
//
// Registers: DI acc, SI fb, R8 x, R9 vt, R10 parent, R11 coord, CX f,
// DX hi, R12 nstore, R13 width, R14 &acc[f·width + c], AX vt column,
// BX columns left; Z0 Z1 the feature.
TEXT ·polyAcc512(SB), NOSPLIT, $0-80
	MOVQ acc+0(FP), DI
	MOVQ fb+8(FP), SI
	MOVQ x+16(FP), R8
	MOVQ vt+24(FP), R9
	MOVQ parent+32(FP), R10
	MOVQ coord+40(FP), R11
	MOVQ lo+48(FP), CX
	MOVQ hi+56(FP), DX
	MOVQ nstore+64(FP), R12
	MOVQ width+72(FP), R13
	CMPQ CX, DX
	JGE  acc512done

acc512feat:
	FEATURE512(acc512nostore)
	MOVQ  CX, R14
	IMULQ R13, R14
	LEAQ  (DI)(R14*8), R14
	MOVQ  R9, AX
	MOVQ  R13, BX

acc512col8:
	CMPQ BX, $8
	JLT  acc512col1
	COLPROD(0, Z2)
	COLPROD(128, Z3)
	COLPROD(256, Z4)
	COLPROD(384, Z5)
	COLPROD(512, Z6)
	COLPROD(640, Z7)
	COLPROD(768, Z8)
	COLPROD(896, Z9)
	// pairs: chunk k of Z10 = (Σ Z2[2k..2k+1], Σ Z3[2k..2k+1]), and so on
	VUNPCKLPD  Z3, Z2, Z10
	VUNPCKHPD  Z3, Z2, Z11
	VADDPD     Z11, Z10, Z10
	VUNPCKLPD  Z5, Z4, Z11
	VUNPCKHPD  Z5, Z4, Z12
	VADDPD     Z12, Z11, Z11
	VUNPCKLPD  Z7, Z6, Z12
	VUNPCKHPD  Z7, Z6, Z13
	VADDPD     Z13, Z12, Z12
	VUNPCKLPD  Z9, Z8, Z13
	VUNPCKHPD  Z9, Z8, Z14
	VADDPD     Z14, Z13, Z13
	// chunks: fold chunk pairs (0,1) and (2,3) of two registers into one
	VSHUFF64X2 $0x88, Z11, Z10, Z14
	VSHUFF64X2 $0xdd, Z11, Z10, Z15
	VADDPD     Z15, Z14, Z14
	VSHUFF64X2 $0x88, Z13, Z12, Z15
	VSHUFF64X2 $0xdd, Z13, Z12, Z16
	VADDPD     Z16, Z15, Z15
	VSHUFF64X2 $0x88, Z15, Z14, Z16
	VSHUFF64X2 $0xdd, Z15, Z14, Z17
	VADDPD     Z17, Z16, Z16
	VADDPD     (R14), Z16, Z16
	VMOVUPD    Z16, (R14)
	ADDQ       $1024, AX
	ADDQ       $64, R14
	SUBQ       $8, BX
	JMP        acc512col8

acc512col1:
	TESTQ         BX, BX
	JZ            acc512next
	COLPROD(0, Z2)
	VEXTRACTF64X4 $1, Z2, Y3
	VADDPD        Y3, Y2, Y2
	VEXTRACTF128  $1, Y2, X3
	VADDPD        X3, X2, X2
	VPERMILPD     $1, X2, X3
	VADDSD        X3, X2, X2
	VADDSD        (R14), X2, X2
	VMOVSD        X2, (R14)
	ADDQ          $128, AX
	ADDQ          $8, R14
	DECQ          BX
	JMP           acc512col1

acc512next:
	INCQ CX
	CMPQ CX, DX
	JLT  acc512feat

acc512done:
	VZEROUPPER
	RET

// FEATURE512B is FEATURE512 for f = CX+1 into Z2, Z3 (clobbers AX, BX,
// R14).
#define FEATURE512B(skip) \
	LEAQ    1(CX), R14 \
	MOVLQSX (R10)(R14*4), AX \
	MOVLQSX (R11)(R14*4), BX \
	SHLQ    $7, AX \
	SHLQ    $7, BX \
	VMOVUPD (SI)(AX*1), Z2 \
	VMOVUPD 64(SI)(AX*1), Z3 \
	VMULPD  (R8)(BX*1), Z2, Z2 \
	VMULPD  64(R8)(BX*1), Z3, Z3 \
	CMPQ    R14, R12 \
	JGE     skip \
	SHLQ    $7, R14 \
	VMOVUPD Z2, (SI)(R14*1) \
	VMOVUPD Z3, 64(SI)(R14*1) \
skip:

// DOT3FMA(y0, y1, off, a0, a1, a2, a3, a4, a5): column j of t += y·m[3f + j]
// for the feature in y0, y1 with m[3f] at off(R9)(R13*8).
#define DOT3FMA(y0, y1, off, a0, a1, a2, a3, a4, a5) \
	VBROADCASTSD off(R9)(R13*8), Z16 \
	VBROADCASTSD off+8(R9)(R13*8), Z17 \
	VBROADCASTSD off+16(R9)(R13*8), Z18 \
	VFMADD231PD  Z16, y0, a0 \
	VFMADD231PD  Z16, y1, a1 \
	VFMADD231PD  Z17, y0, a2 \
	VFMADD231PD  Z17, y1, a3 \
	VFMADD231PD  Z18, y0, a4 \
	VFMADD231PD  Z18, y1, a5

// func polyDot3512(t, fb, x, m *float64, parent, coord *int32, lo, hi, nstore int)
//
// For f in [lo, hi): y = FEATURE512 and t[j][i] += y_i·m[3f + j] for j < 3.
// Two features per step into two sets of six accumulators (Z4–Z9 and
// Z10–Z15; column j, rows 8h … 8h+7 in Z(4 + 2j + h) and Z(10 + 2j + h)),
// so consecutive FMAs into one register are a feature apart; the sets are
// added at the end. Feature f is stored before feature f+1 is formed, so
// f+1 may have f as its parent.
//
// Registers: DI t, SI fb, R8 x, R9 m, R10 parent, R11 coord, CX f, DX hi,
// R12 nstore, R13 3f.
TEXT ·polyDot3512(SB), NOSPLIT, $0-72
	MOVQ t+0(FP), DI
	MOVQ fb+8(FP), SI
	MOVQ x+16(FP), R8
	MOVQ m+24(FP), R9
	MOVQ parent+32(FP), R10
	MOVQ coord+40(FP), R11
	MOVQ lo+48(FP), CX
	MOVQ hi+56(FP), DX
	MOVQ nstore+64(FP), R12
	CMPQ CX, DX
	JGE  dot512done
	VMOVUPD (DI), Z4
	VMOVUPD 64(DI), Z5
	VMOVUPD 128(DI), Z6
	VMOVUPD 192(DI), Z7
	VMOVUPD 256(DI), Z8
	VMOVUPD 320(DI), Z9
	VPXORQ  Z10, Z10, Z10
	VPXORQ  Z11, Z11, Z11
	VPXORQ  Z12, Z12, Z12
	VPXORQ  Z13, Z13, Z13
	VPXORQ  Z14, Z14, Z14
	VPXORQ  Z15, Z15, Z15

dot512pair:
	LEAQ 1(CX), AX
	CMPQ AX, DX
	JGE  dot512one
	FEATURE512(dot512nostoreA)
	FEATURE512B(dot512nostoreB)
	LEAQ (CX)(CX*2), R13
	DOT3FMA(Z0, Z1, 0, Z4, Z5, Z6, Z7, Z8, Z9)
	DOT3FMA(Z2, Z3, 24, Z10, Z11, Z12, Z13, Z14, Z15)
	ADDQ $2, CX
	JMP  dot512pair

dot512one:
	CMPQ CX, DX
	JGE  dot512end
	FEATURE512(dot512nostoreC)
	LEAQ (CX)(CX*2), R13
	DOT3FMA(Z0, Z1, 0, Z4, Z5, Z6, Z7, Z8, Z9)

dot512end:
	VADDPD  Z10, Z4, Z4
	VADDPD  Z11, Z5, Z5
	VADDPD  Z12, Z6, Z6
	VADDPD  Z13, Z7, Z7
	VADDPD  Z14, Z8, Z8
	VADDPD  Z15, Z9, Z9
	VMOVUPD Z4, (DI)
	VMOVUPD Z5, 64(DI)
	VMOVUPD Z6, 128(DI)
	VMOVUPD Z7, 192(DI)
	VMOVUPD Z8, 256(DI)
	VMOVUPD Z9, 320(DI)

dot512done:
	VZEROUPPER
	RET
