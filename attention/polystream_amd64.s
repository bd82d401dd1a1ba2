//go:build amd64 && !purego

// AVX2 + FMA block kernels of the polynomial method; Go declarations and
// bounds checks in polystream_amd64.go, the pure-Go reference kernels in
// polystream_block.go. A block is polyB = 16 rows = 4 YMM registers; row
// vectors are 128 bytes apart, so feature f of the block is at fb + 128·f.
// Operand order is Go's: "VFMADD231PD a, b, c" is c += b·a.

#include "textflag.h"

// FEATURE sets Y0–Y3 = fb[parent[f]]·x[coord[f]] for f = CX, and stores
// them as fb[f] when f < nstore (R12). Clobbers AX, BX.
#define FEATURE \
	MOVLQSX (R10)(CX*4), AX \
	MOVLQSX (R11)(CX*4), BX \
	SHLQ    $7, AX \
	SHLQ    $7, BX \
	VMOVUPD (SI)(AX*1), Y0 \
	VMOVUPD 32(SI)(AX*1), Y1 \
	VMOVUPD 64(SI)(AX*1), Y2 \
	VMOVUPD 96(SI)(AX*1), Y3 \
	VMULPD  (R8)(BX*1), Y0, Y0 \
	VMULPD  32(R8)(BX*1), Y1, Y1 \
	VMULPD  64(R8)(BX*1), Y2, Y2 \
	VMULPD  96(R8)(BX*1), Y3, Y3

// STORE stores Y0–Y3 as feature CX of fb when CX < nstore (R12).
#define STORE(skip) \
	CMPQ    CX, R12 \
	JGE     skip \
	MOVQ    CX, AX \
	SHLQ    $7, AX \
	VMOVUPD Y0, (SI)(AX*1) \
	VMOVUPD Y1, 32(SI)(AX*1) \
	VMOVUPD Y2, 64(SI)(AX*1) \
	VMOVUPD Y3, 96(SI)(AX*1) \
skip:

// func polyAccAVX(acc, fb, x, vt *float64, parent, coord *int32, lo, hi, nstore, width int)
//
// For f in [lo, hi): y = FEATURE, and acc[f·width + c] += Σ_i y_i·vt[c][i]
// for c < width (4 lanes of 4 rows, then a horizontal sum).
//
// Registers: DI acc, SI fb, R8 x, R9 vt, R10 parent, R11 coord, CX f,
// DX hi, R12 nstore, R13 width, R14 &acc[f·width + c], AX vt column,
// BX columns left; Y0–Y3 the feature, Y4, Y5 the column sum.
TEXT ·polyAccAVX(SB), NOSPLIT, $0-80
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
	JGE  accdone

accfeat:
	FEATURE
	STORE(accnostore)
	MOVQ  CX, R14
	IMULQ R13, R14
	LEAQ  (DI)(R14*8), R14
	MOVQ  R9, AX
	MOVQ  R13, BX

acccol:
	VMULPD       (AX), Y0, Y4
	VFMADD231PD  32(AX), Y1, Y4
	VFMADD231PD  64(AX), Y2, Y4
	VFMADD231PD  96(AX), Y3, Y4
	VEXTRACTF128 $1, Y4, X5
	VADDPD       X5, X4, X4
	VPERMILPD    $1, X4, X5
	VADDSD       X5, X4, X4
	VADDSD       (R14), X4, X4
	VMOVSD       X4, (R14)
	ADDQ         $128, AX
	ADDQ         $8, R14
	DECQ         BX
	JNZ          acccol

	INCQ CX
	CMPQ CX, DX
	JLT  accfeat

accdone:
	VZEROUPPER
	RET

// DOT3 adds Yy·m_j to the 4-row group g of t column j (Y4+g, Y8+g, Y12+g).
#define DOT3(y, t0, t1, t2) \
	VFMADD231PD y, Y1, t0 \
	VFMADD231PD y, Y2, t1 \
	VFMADD231PD y, Y3, t2

// func polyDot3AVX(t, fb, x, m *float64, parent, coord *int32, lo, hi, nstore int)
//
// For f in [lo, hi): y = FEATURE and t[j][i] += y_i·m[3f + j] for j < 3.
// The 12 sums live in Y4–Y15 (column j, rows 4g … 4g+3 in Y(4 + 4j + g));
// the feature is formed one 4-row group at a time in Y0, since the three
// broadcasts m[3f + j] take Y1–Y3.
//
// Registers: DI t, SI fb, R8 x, R9 m, R10 parent, R11 coord, CX f, DX hi,
// R12 nstore, AX parent offset, BX coordinate offset, R13 feature offset.
TEXT ·polyDot3AVX(SB), NOSPLIT, $0-72
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
	JGE  dotdone
	VMOVUPD (DI), Y4
	VMOVUPD 32(DI), Y5
	VMOVUPD 64(DI), Y6
	VMOVUPD 96(DI), Y7
	VMOVUPD 128(DI), Y8
	VMOVUPD 160(DI), Y9
	VMOVUPD 192(DI), Y10
	VMOVUPD 224(DI), Y11
	VMOVUPD 256(DI), Y12
	VMOVUPD 288(DI), Y13
	VMOVUPD 320(DI), Y14
	VMOVUPD 352(DI), Y15

dotfeat:
	MOVLQSX      (R10)(CX*4), AX
	MOVLQSX      (R11)(CX*4), BX
	SHLQ         $7, AX
	SHLQ         $7, BX
	LEAQ         (CX)(CX*2), R13
	VBROADCASTSD (R9)(R13*8), Y1
	VBROADCASTSD 8(R9)(R13*8), Y2
	VBROADCASTSD 16(R9)(R13*8), Y3
	MOVQ         CX, R13
	SHLQ         $7, R13
	CMPQ         CX, R12
	JGE          dotnostore

	VMOVUPD (SI)(AX*1), Y0
	VMULPD  (R8)(BX*1), Y0, Y0
	VMOVUPD Y0, (SI)(R13*1)
	DOT3(Y0, Y4, Y8, Y12)
	VMOVUPD 32(SI)(AX*1), Y0
	VMULPD  32(R8)(BX*1), Y0, Y0
	VMOVUPD Y0, 32(SI)(R13*1)
	DOT3(Y0, Y5, Y9, Y13)
	VMOVUPD 64(SI)(AX*1), Y0
	VMULPD  64(R8)(BX*1), Y0, Y0
	VMOVUPD Y0, 64(SI)(R13*1)
	DOT3(Y0, Y6, Y10, Y14)
	VMOVUPD 96(SI)(AX*1), Y0
	VMULPD  96(R8)(BX*1), Y0, Y0
	VMOVUPD Y0, 96(SI)(R13*1)
	DOT3(Y0, Y7, Y11, Y15)
	JMP     dotnext

dotnostore:
	VMOVUPD (SI)(AX*1), Y0
	VMULPD  (R8)(BX*1), Y0, Y0
	DOT3(Y0, Y4, Y8, Y12)
	VMOVUPD 32(SI)(AX*1), Y0
	VMULPD  32(R8)(BX*1), Y0, Y0
	DOT3(Y0, Y5, Y9, Y13)
	VMOVUPD 64(SI)(AX*1), Y0
	VMULPD  64(R8)(BX*1), Y0, Y0
	DOT3(Y0, Y6, Y10, Y14)
	VMOVUPD 96(SI)(AX*1), Y0
	VMULPD  96(R8)(BX*1), Y0, Y0
	DOT3(Y0, Y7, Y11, Y15)

dotnext:
	INCQ CX
	CMPQ CX, DX
	JLT  dotfeat

	VMOVUPD Y4, (DI)
	VMOVUPD Y5, 32(DI)
	VMOVUPD Y6, 64(DI)
	VMOVUPD Y7, 96(DI)
	VMOVUPD Y8, 128(DI)
	VMOVUPD Y9, 160(DI)
	VMOVUPD Y10, 192(DI)
	VMOVUPD Y11, 224(DI)
	VMOVUPD Y12, 256(DI)
	VMOVUPD Y13, 288(DI)
	VMOVUPD Y14, 320(DI)
	VMOVUPD Y15, 352(DI)

dotdone:
	VZEROUPPER
	RET
