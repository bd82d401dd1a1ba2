//go:build amd64 && !purego

// AVX-512 kernels of the streaming engine's strip path (see kernel512.go
// for the layout of the packed operands and kernel512_amd64.go for the Go
// declarations and bounds checks). A strip is MR = 6 query rows; a key
// panel is NR = 32 keys (4 ZMM registers of 8 float64). Both products use
// a 6 × 32 register tile: 24 accumulators Z0–Z23, 4 loads Z24–Z27 and a
// broadcast Z28, the layout of the BLIS/OpenBLAS Skylake-X micro-kernels.
//
// Go assembler operand order is reversed from Intel's: "VFMADD231PD a, b,
// c" is c += b·a; a mask register comes just before the destination.

#include "textflag.h"

// vec8 defines a 64-byte constant: one float64 bit pattern eight times.
#define vec8(name, bits) \
	DATA name<>+0(SB)/8, $bits; \
	DATA name<>+8(SB)/8, $bits; \
	DATA name<>+16(SB)/8, $bits; \
	DATA name<>+24(SB)/8, $bits; \
	DATA name<>+32(SB)/8, $bits; \
	DATA name<>+40(SB)/8, $bits; \
	DATA name<>+48(SB)/8, $bits; \
	DATA name<>+56(SB)/8, $bits; \
	GLOBL name<>(SB), RODATA|NOPTR, $64

// The vector exp's constants: those of kernel_amd64.s, eight lanes wide.
vec8(z8MinX, 0xc087500000000000)   // −746: below it every result is 0
vec8(z8InvLn2, 0x3ff71547652b82fe) // 1/ln 2
vec8(z8Ln2Hi, 0x3fe62e42fefa39ef)  // ln 2 rounded to float64
vec8(z8Ln2Lo, 0x3c7abc9e3b39803f)  // ln 2 − z8Ln2Hi
vec8(z8One, 0x3ff0000000000000)    // 1
vec8(z8C11, 0x3e5af38a71a18cb9)
vec8(z8C10, 0x3e92891834686c7e)
vec8(z8C9, 0x3ec71de0daf7a6cc)
vec8(z8C8, 0x3efa019b90eefe8e)
vec8(z8C7, 0x3f2a01a01a7c3d59)
vec8(z8C6, 0x3f56c16c1788b646)
vec8(z8C5, 0x3f811111111109b4)
vec8(z8C4, 0x3fa5555555553d64)
vec8(z8C3, 0x3fc5555555555556)
vec8(z8C2, 0x3fe0000000000001)
vec8(z8NegInf, 0xfff0000000000000)

// ROWS6(base, ld, tmp) sets tmp = base + 3·ld, so that the six rows of a
// strip are (base), (base)(ld*1), (base)(ld*2), (tmp), (tmp)(ld*1),
// (tmp)(ld*2).
#define ROWS6(base, ld, tmp) \
	LEAQ (base)(ld*2), tmp; \
	ADDQ ld, tmp

// HSUMADD(z, y, addr) adds the 8 lanes of z (y its lower half) to the
// float64 at addr, lanes paired as ((0+4)+(2+6))+((1+5)+(3+7)).
#define HSUMADD(z, y, addr) \
	VEXTRACTF64X4 $1, z, Y30; \
	VADDPD        Y30, y, Y30; \
	VEXTRACTF64X2 $1, Y30, X31; \
	VADDPD        X31, X30, X30; \
	VPERMILPD     $1, X30, X31; \
	VADDSD        X31, X30, X30; \
	VADDSD        addr, X30, X30; \
	VMOVSD        X30, addr

// ZERO24 clears the 24 accumulators.
#define ZERO24 \
	VPXORQ Z0, Z0, Z0; VPXORQ Z1, Z1, Z1; VPXORQ Z2, Z2, Z2; VPXORQ Z3, Z3, Z3; \
	VPXORQ Z4, Z4, Z4; VPXORQ Z5, Z5, Z5; VPXORQ Z6, Z6, Z6; VPXORQ Z7, Z7, Z7; \
	VPXORQ Z8, Z8, Z8; VPXORQ Z9, Z9, Z9; VPXORQ Z10, Z10, Z10; VPXORQ Z11, Z11, Z11; \
	VPXORQ Z12, Z12, Z12; VPXORQ Z13, Z13, Z13; VPXORQ Z14, Z14, Z14; VPXORQ Z15, Z15, Z15; \
	VPXORQ Z16, Z16, Z16; VPXORQ Z17, Z17, Z17; VPXORQ Z18, Z18, Z18; VPXORQ Z19, Z19, Z19; \
	VPXORQ Z20, Z20, Z20; VPXORQ Z21, Z21, Z21; VPXORQ Z22, Z22, Z22; VPXORQ Z23, Z23, Z23

// FMA4(src, a0, a1, a2, a3): a_v += src·Z(24+v) for the 4 loaded vectors.
#define FMA4(src, a0, a1, a2, a3) \
	VFMADD231PD Z24, src, a0; \
	VFMADD231PD Z25, src, a1; \
	VFMADD231PD Z26, src, a2; \
	VFMADD231PD Z27, src, a3

// STORE4(a0, a1, a2, a3, addr): the 4 vectors of one row to addr.
#define STORE4(a0, a1, a2, a3, addr) \
	VMOVUPD a0, addr; \
	VMOVUPD a1, 64 addr; \
	VMOVUPD a2, 128 addr; \
	VMOVUPD a3, 192 addr

// func qkStrip512(s, qp, kp *float64, lds, strips, panels, d int)
//
// For the packed query strips qp (strip t at qp[6d·t], qp[6d·t + 6c + i] =
// q_{6t+i}[c]) and the packed key panels kp (panel p at kp[32·d·p],
// kp[32·d·p + 32c + r] = k_{32p+r}[c]):
// s[(6t + i)·lds + 32p + r] = ⟨q_{6t+i}, k_{32p+r}⟩. Panels outside,
// strips inside, so that each key panel (32·d·8 bytes, 32 KiB at d = 128)
// is read from L2 once and then from L1 by every strip, while the strips'
// 6·d values, a sixth of the panel, come from L2 (the loop order of the
// BLIS macro-kernel). Cost 6·32·d multiply-adds per strip and panel, 24
// FMAs per 4 loads and 6 broadcasts. strips ≥ 1.
//
// Register plan:
//   SI  kp at coordinate c                 AX  qp at coordinate c
//   DI  s of the current strip and panel   R8  lds·8 bytes
//   R9  s row 3 of the strip               CX  panels left
//   DX  d                                  R10 c countdown
//   R11 strips left                        R12 kp of the current panel
//   R13 s of strip 0 and the current panel BX  prefetch offset
TEXT ·qkStrip512(SB), NOSPLIT, $0-56
	MOVQ s+0(FP), R13
	MOVQ kp+16(FP), R12
	MOVQ lds+24(FP), R8
	SHLQ $3, R8
	MOVQ panels+40(FP), CX
	MOVQ d+48(FP), DX

qkpanel:
	TESTQ CX, CX
	JZ    qkdone
	MOVQ  qp+8(FP), AX
	MOVQ  R13, DI
	MOVQ  strips+32(FP), R11

qkstrip:
	ZERO24
	MOVQ R12, SI
	MOVQ DX, R10
	MOVQ R11, R9 // BX = 256·d + 64·(strips left mod 4): see PREFETCHT1
	ANDQ $3, R9
	SHLQ $6, R9
	MOVQ DX, BX
	SHLQ $8, BX
	ADDQ R9, BX

qkcoord: // one coordinate: 4 loads, 6 broadcasts, 24 FMAs
	// One line of the next panel into L2 (prefetches never fault, past
	// the last panel either): over 4 strips each of its lines, so that
	// the panel after this one is in L2, not in L3 or memory, when the
	// first strip reaches it.
	PREFETCHT1   (SI)(BX*1)
	VMOVUPD      (SI), Z24
	VMOVUPD      64(SI), Z25
	VMOVUPD      128(SI), Z26
	VMOVUPD      192(SI), Z27
	VBROADCASTSD (AX), Z28
	FMA4(Z28, Z0, Z1, Z2, Z3)
	VBROADCASTSD 8(AX), Z29
	FMA4(Z29, Z4, Z5, Z6, Z7)
	VBROADCASTSD 16(AX), Z30
	FMA4(Z30, Z8, Z9, Z10, Z11)
	VBROADCASTSD 24(AX), Z31
	FMA4(Z31, Z12, Z13, Z14, Z15)
	VBROADCASTSD 32(AX), Z28
	FMA4(Z28, Z16, Z17, Z18, Z19)
	VBROADCASTSD 40(AX), Z29
	FMA4(Z29, Z20, Z21, Z22, Z23)
	ADDQ         $256, SI
	ADDQ         $48, AX
	DECQ         R10
	JNZ          qkcoord

	// AX is now the next strip's qp; SI the next panel.
	ROWS6(DI, R8, R9)
	STORE4(Z0, Z1, Z2, Z3, (DI))
	STORE4(Z4, Z5, Z6, Z7, (DI)(R8*1))
	STORE4(Z8, Z9, Z10, Z11, (DI)(R8*2))
	STORE4(Z12, Z13, Z14, Z15, (R9))
	STORE4(Z16, Z17, Z18, Z19, (R9)(R8*1))
	STORE4(Z20, Z21, Z22, Z23, (R9)(R8*2))
	LEAQ  (R9)(R8*2), DI
	ADDQ  R8, DI
	DECQ  R11
	JNZ   qkstrip

	MOVQ SI, R12
	ADDQ $256, R13
	DECQ CX
	JMP  qkpanel

qkdone:
	VZEROUPPER
	RET

// func pvStrip512(acc, p, v *float64, ldacc, ldp, ldv, n, dv int)
//
// acc[i·ldacc + c] += Σ_{j<n} p[i·ldp + j]·v[j·ldv + c] for the 6 rows i
// and the columns c < dv: column blocks of 32 (a 6 × 32 register tile, 24
// FMAs per 4 loads and 6 broadcasts), then one of 16, then of 8, the last
// one masked.
// n ≥ 1. Cost 6·n·dv multiply-adds.
//
// Register plan:
//   DI  acc of the column block     SI  v of the column block
//   AX  p row 0 at key j            BX  p row 3 at key j
//   R8  ldp·8     R9 ldv·8     R12 ldacc·8     R13 acc row 3
//   R10 v at key j                  R11 keys left
//   CX  columns left                DX  n
TEXT ·pvStrip512(SB), NOSPLIT, $0-64
	MOVQ acc+0(FP), DI
	MOVQ v+16(FP), SI
	MOVQ ldacc+24(FP), R12
	SHLQ $3, R12
	MOVQ ldp+32(FP), R8
	SHLQ $3, R8
	MOVQ ldv+40(FP), R9
	SHLQ $3, R9
	MOVQ n+48(FP), DX
	MOVQ dv+56(FP), CX
	ROWS6(DI, R12, R13)

pv32:
	CMPQ CX, $32
	JLT  pv16
	VMOVUPD (DI), Z0
	VMOVUPD 64(DI), Z1
	VMOVUPD 128(DI), Z2
	VMOVUPD 192(DI), Z3
	VMOVUPD (DI)(R12*1), Z4
	VMOVUPD 64(DI)(R12*1), Z5
	VMOVUPD 128(DI)(R12*1), Z6
	VMOVUPD 192(DI)(R12*1), Z7
	VMOVUPD (DI)(R12*2), Z8
	VMOVUPD 64(DI)(R12*2), Z9
	VMOVUPD 128(DI)(R12*2), Z10
	VMOVUPD 192(DI)(R12*2), Z11
	VMOVUPD (R13), Z12
	VMOVUPD 64(R13), Z13
	VMOVUPD 128(R13), Z14
	VMOVUPD 192(R13), Z15
	VMOVUPD (R13)(R12*1), Z16
	VMOVUPD 64(R13)(R12*1), Z17
	VMOVUPD 128(R13)(R12*1), Z18
	VMOVUPD 192(R13)(R12*1), Z19
	VMOVUPD (R13)(R12*2), Z20
	VMOVUPD 64(R13)(R12*2), Z21
	VMOVUPD 128(R13)(R12*2), Z22
	VMOVUPD 192(R13)(R12*2), Z23
	MOVQ    p+8(FP), AX
	ROWS6(AX, R8, BX)
	MOVQ    SI, R10
	MOVQ    DX, R11

pvkey32: // one key: 4 loads, 6 broadcasts, 24 FMAs
	PREFETCHT0   (R10)(R9*8) // the key 8 rows on, into L1
	PREFETCHT0   64(R10)(R9*8)
	PREFETCHT0   128(R10)(R9*8)
	PREFETCHT0   192(R10)(R9*8)
	VMOVUPD      (R10), Z24
	VMOVUPD      64(R10), Z25
	VMOVUPD      128(R10), Z26
	VMOVUPD      192(R10), Z27
	VBROADCASTSD (AX), Z28
	FMA4(Z28, Z0, Z1, Z2, Z3)
	VBROADCASTSD (AX)(R8*1), Z29
	FMA4(Z29, Z4, Z5, Z6, Z7)
	VBROADCASTSD (AX)(R8*2), Z30
	FMA4(Z30, Z8, Z9, Z10, Z11)
	VBROADCASTSD (BX), Z31
	FMA4(Z31, Z12, Z13, Z14, Z15)
	VBROADCASTSD (BX)(R8*1), Z28
	FMA4(Z28, Z16, Z17, Z18, Z19)
	VBROADCASTSD (BX)(R8*2), Z29
	FMA4(Z29, Z20, Z21, Z22, Z23)
	ADDQ         R9, R10
	ADDQ         $8, AX
	ADDQ         $8, BX
	DECQ         R11
	JNZ          pvkey32

	STORE4(Z0, Z1, Z2, Z3, (DI))
	STORE4(Z4, Z5, Z6, Z7, (DI)(R12*1))
	STORE4(Z8, Z9, Z10, Z11, (DI)(R12*2))
	STORE4(Z12, Z13, Z14, Z15, (R13))
	STORE4(Z16, Z17, Z18, Z19, (R13)(R12*1))
	STORE4(Z20, Z21, Z22, Z23, (R13)(R12*2))
	ADDQ $256, DI
	ADDQ $256, R13
	ADDQ $256, SI
	SUBQ $32, CX
	JMP  pv32

pv16: // one block of 16 columns: a 6 × 16 tile, 12 FMAs per 2 loads and 6 broadcasts
	CMPQ CX, $16
	JLT  pv8
	VMOVUPD (DI), Z0
	VMOVUPD 64(DI), Z1
	VMOVUPD (DI)(R12*1), Z4
	VMOVUPD 64(DI)(R12*1), Z5
	VMOVUPD (DI)(R12*2), Z8
	VMOVUPD 64(DI)(R12*2), Z9
	VMOVUPD (R13), Z12
	VMOVUPD 64(R13), Z13
	VMOVUPD (R13)(R12*1), Z16
	VMOVUPD 64(R13)(R12*1), Z17
	VMOVUPD (R13)(R12*2), Z20
	VMOVUPD 64(R13)(R12*2), Z21
	MOVQ    p+8(FP), AX
	ROWS6(AX, R8, BX)
	MOVQ    SI, R10
	MOVQ    DX, R11

pvkey16:
	VMOVUPD      (R10), Z24
	VMOVUPD      64(R10), Z25
	VBROADCASTSD (AX), Z28
	VFMADD231PD  Z24, Z28, Z0
	VFMADD231PD  Z25, Z28, Z1
	VBROADCASTSD (AX)(R8*1), Z29
	VFMADD231PD  Z24, Z29, Z4
	VFMADD231PD  Z25, Z29, Z5
	VBROADCASTSD (AX)(R8*2), Z30
	VFMADD231PD  Z24, Z30, Z8
	VFMADD231PD  Z25, Z30, Z9
	VBROADCASTSD (BX), Z31
	VFMADD231PD  Z24, Z31, Z12
	VFMADD231PD  Z25, Z31, Z13
	VBROADCASTSD (BX)(R8*1), Z28
	VFMADD231PD  Z24, Z28, Z16
	VFMADD231PD  Z25, Z28, Z17
	VBROADCASTSD (BX)(R8*2), Z29
	VFMADD231PD  Z24, Z29, Z20
	VFMADD231PD  Z25, Z29, Z21
	ADDQ         R9, R10
	ADDQ         $8, AX
	ADDQ         $8, BX
	DECQ         R11
	JNZ          pvkey16

	VMOVUPD Z0, (DI)
	VMOVUPD Z1, 64(DI)
	VMOVUPD Z4, (DI)(R12*1)
	VMOVUPD Z5, 64(DI)(R12*1)
	VMOVUPD Z8, (DI)(R12*2)
	VMOVUPD Z9, 64(DI)(R12*2)
	VMOVUPD Z12, (R13)
	VMOVUPD Z13, 64(R13)
	VMOVUPD Z16, (R13)(R12*1)
	VMOVUPD Z17, 64(R13)(R12*1)
	VMOVUPD Z20, (R13)(R12*2)
	VMOVUPD Z21, 64(R13)(R12*2)
	ADDQ $128, DI
	ADDQ $128, R13
	ADDQ $128, SI
	SUBQ $16, CX

pv8: // blocks of 8 columns, the last one masked by K1; two keys per step
	TESTQ CX, CX
	JZ    pvdone
	MOVQ  $0xff, R10
	CMPQ  CX, $8
	JGE   pv8mask
	MOVQ  $1, R10
	SHLQ  CX, R10
	DECQ  R10

pv8mask:
	KMOVB     R10, K1
	VMOVUPD.Z (DI), K1, Z0
	VMOVUPD.Z (DI)(R12*1), K1, Z1
	VMOVUPD.Z (DI)(R12*2), K1, Z2
	VMOVUPD.Z (R13), K1, Z3
	VMOVUPD.Z (R13)(R12*1), K1, Z4
	VMOVUPD.Z (R13)(R12*2), K1, Z5
	VPXORQ    Z6, Z6, Z6
	VPXORQ    Z7, Z7, Z7
	VPXORQ    Z8, Z8, Z8
	VPXORQ    Z9, Z9, Z9
	VPXORQ    Z10, Z10, Z10
	VPXORQ    Z11, Z11, Z11
	MOVQ      p+8(FP), AX
	ROWS6(AX, R8, BX)
	MOVQ      SI, R10
	MOVQ      DX, R11

pvkey8pair: // keys j (into Z0–Z5) and j+1 (into Z6–Z11)
	CMPQ         R11, $2
	JLT          pvkey8one
	VMOVUPD.Z    (R10), K1, Z24
	VMOVUPD.Z    (R10)(R9*1), K1, Z25
	VFMADD231PD.BCST (AX), Z24, Z0
	VFMADD231PD.BCST (AX)(R8*1), Z24, Z1
	VFMADD231PD.BCST (AX)(R8*2), Z24, Z2
	VFMADD231PD.BCST (BX), Z24, Z3
	VFMADD231PD.BCST (BX)(R8*1), Z24, Z4
	VFMADD231PD.BCST (BX)(R8*2), Z24, Z5
	VFMADD231PD.BCST 8(AX), Z25, Z6
	VFMADD231PD.BCST 8(AX)(R8*1), Z25, Z7
	VFMADD231PD.BCST 8(AX)(R8*2), Z25, Z8
	VFMADD231PD.BCST 8(BX), Z25, Z9
	VFMADD231PD.BCST 8(BX)(R8*1), Z25, Z10
	VFMADD231PD.BCST 8(BX)(R8*2), Z25, Z11
	LEAQ         (R10)(R9*2), R10
	ADDQ         $16, AX
	ADDQ         $16, BX
	SUBQ         $2, R11
	JMP          pvkey8pair

pvkey8one:
	TESTQ        R11, R11
	JZ           pvkey8end
	VMOVUPD.Z    (R10), K1, Z24
	VFMADD231PD.BCST (AX), Z24, Z0
	VFMADD231PD.BCST (AX)(R8*1), Z24, Z1
	VFMADD231PD.BCST (AX)(R8*2), Z24, Z2
	VFMADD231PD.BCST (BX), Z24, Z3
	VFMADD231PD.BCST (BX)(R8*1), Z24, Z4
	VFMADD231PD.BCST (BX)(R8*2), Z24, Z5

pvkey8end:
	VADDPD  Z6, Z0, Z0
	VADDPD  Z7, Z1, Z1
	VADDPD  Z8, Z2, Z2
	VADDPD  Z9, Z3, Z3
	VADDPD  Z10, Z4, Z4
	VADDPD  Z11, Z5, Z5
	VMOVUPD Z0, K1, (DI)
	VMOVUPD Z1, K1, (DI)(R12*1)
	VMOVUPD Z2, K1, (DI)(R12*2)
	VMOVUPD Z3, K1, (R13)
	VMOVUPD Z4, K1, (R13)(R12*1)
	VMOVUPD Z5, K1, (R13)(R12*2)
	ADDQ    $64, DI
	ADDQ    $64, R13
	ADDQ    $64, SI
	SUBQ    $8, CX
	JG      pv8

pvdone:
	VZEROUPPER
	RET

// func pvCol512(acc, p, v *float64, ldacc, ldp, n int)
//
// pvStrip512 for a single contiguous value column (d_v = 1, ld_v = 1), as
// in hardness run: acc[i·ldacc] += Σ_{j<n} p[i·ldp + j]·v[j] for the 6 rows,
// vectorised along the keys (8 per FMA, 6 FMAs per load of v) instead of
// along the value columns, where pvStrip512 would use one lane of eight.
// Two sets of 6 accumulators take 16 keys per step, then one set 8, then
// a masked tail (p and v zeroed past n, so nothing past row i's n weights
// is read into the sum); each row's 8 lanes are added at the end.
// n ≥ 1. Cost 6·n multiply-adds.
//
// Register plan:
//   AX  p row 0 at key j     BX  p row 3 at key j     SI  v at key j
//   DI  acc row 0            R13 acc row 3            R8  ldp·8
//   R12 ldacc·8              R11 keys left
TEXT ·pvCol512(SB), NOSPLIT, $0-48
	MOVQ acc+0(FP), DI
	MOVQ p+8(FP), AX
	MOVQ v+16(FP), SI
	MOVQ ldacc+24(FP), R12
	SHLQ $3, R12
	MOVQ ldp+32(FP), R8
	SHLQ $3, R8
	MOVQ n+40(FP), R11
	ROWS6(AX, R8, BX)
	ROWS6(DI, R12, R13)
	VPXORQ Z0, Z0, Z0; VPXORQ Z1, Z1, Z1; VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3; VPXORQ Z4, Z4, Z4; VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6; VPXORQ Z7, Z7, Z7; VPXORQ Z8, Z8, Z8
	VPXORQ Z9, Z9, Z9; VPXORQ Z10, Z10, Z10; VPXORQ Z11, Z11, Z11

col16: // keys j…j+7 into Z0–Z5, j+8…j+15 into Z6–Z11
	CMPQ        R11, $16
	JLT         col8
	VMOVUPD     (SI), Z24
	VMOVUPD     64(SI), Z25
	VFMADD231PD (AX), Z24, Z0
	VFMADD231PD (AX)(R8*1), Z24, Z1
	VFMADD231PD (AX)(R8*2), Z24, Z2
	VFMADD231PD (BX), Z24, Z3
	VFMADD231PD (BX)(R8*1), Z24, Z4
	VFMADD231PD (BX)(R8*2), Z24, Z5
	VFMADD231PD 64(AX), Z25, Z6
	VFMADD231PD 64(AX)(R8*1), Z25, Z7
	VFMADD231PD 64(AX)(R8*2), Z25, Z8
	VFMADD231PD 64(BX), Z25, Z9
	VFMADD231PD 64(BX)(R8*1), Z25, Z10
	VFMADD231PD 64(BX)(R8*2), Z25, Z11
	ADDQ        $128, AX
	ADDQ        $128, BX
	ADDQ        $128, SI
	SUBQ        $16, R11
	JMP         col16

col8:
	CMPQ        R11, $8
	JLT         coltail
	VMOVUPD     (SI), Z24
	VFMADD231PD (AX), Z24, Z0
	VFMADD231PD (AX)(R8*1), Z24, Z1
	VFMADD231PD (AX)(R8*2), Z24, Z2
	VFMADD231PD (BX), Z24, Z3
	VFMADD231PD (BX)(R8*1), Z24, Z4
	VFMADD231PD (BX)(R8*2), Z24, Z5
	ADDQ        $64, AX
	ADDQ        $64, BX
	ADDQ        $64, SI
	SUBQ        $8, R11

coltail: // the last n mod 8 keys, masked by K1
	TESTQ       R11, R11
	JZ          colsum
	MOVQ        R11, CX
	MOVQ        $1, R10
	SHLQ        CX, R10
	DECQ        R10
	KMOVB       R10, K1
	VMOVUPD.Z   (SI), K1, Z24
	VMOVUPD.Z   (AX), K1, Z26
	VMOVUPD.Z   (AX)(R8*1), K1, Z27
	VMOVUPD.Z   (AX)(R8*2), K1, Z28
	VMOVUPD.Z   (BX), K1, Z29
	VMOVUPD.Z   (BX)(R8*1), K1, Z30
	VMOVUPD.Z   (BX)(R8*2), K1, Z31
	VFMADD231PD Z26, Z24, Z6
	VFMADD231PD Z27, Z24, Z7
	VFMADD231PD Z28, Z24, Z8
	VFMADD231PD Z29, Z24, Z9
	VFMADD231PD Z30, Z24, Z10
	VFMADD231PD Z31, Z24, Z11

colsum:
	VADDPD Z6, Z0, Z0
	VADDPD Z7, Z1, Z1
	VADDPD Z8, Z2, Z2
	VADDPD Z9, Z3, Z3
	VADDPD Z10, Z4, Z4
	VADDPD Z11, Z5, Z5
	HSUMADD(Z0, Y0, (DI))
	HSUMADD(Z1, Y1, (DI)(R12*1))
	HSUMADD(Z2, Y2, (DI)(R12*2))
	HSUMADD(Z3, Y3, (R13))
	HSUMADD(Z4, Y4, (R13)(R12*1))
	HSUMADD(Z5, Y5, (R13)(R12*2))
	VZEROUPPER
	RET

// func max512(s *float64, n int) float64
//
// max(−Inf, s[0..n)) for NaN-free s; the tail is masked.
TEXT ·max512(SB), NOSPLIT, $0-24
	MOVQ    s+0(FP), SI
	MOVQ    n+8(FP), CX
	VMOVUPD z8NegInf<>(SB), Z0
	VMOVUPD Z0, Z1

max16:
	CMPQ    CX, $16
	JLT     max8
	VMAXPD  (SI), Z0, Z0
	VMAXPD  64(SI), Z1, Z1
	ADDQ    $128, SI
	SUBQ    $16, CX
	JMP     max16

max8:
	TESTQ   CX, CX
	JZ      maxreduce
	MOVQ    $0xff, R10
	CMPQ    CX, $8
	JGE     max8mask
	MOVQ    $1, R10
	SHLQ    CX, R10
	DECQ    R10

max8mask:
	KMOVB   R10, K1
	VMOVUPD Z0, Z2
	VMOVUPD (SI), K1, Z2 // lanes outside K1 keep Z0's maxima
	VMAXPD  Z2, Z0, Z0
	ADDQ    $64, SI
	SUBQ    $8, CX
	JG      max8

maxreduce:
	VMAXPD         Z1, Z0, Z0
	VEXTRACTF64X4  $1, Z0, Y1
	VMAXPD         Y1, Y0, Y0
	VEXTRACTF128   $1, Y0, X1
	VMAXPD         X1, X0, X0
	VPERMILPD      $1, X0, X1
	VMAXSD         X1, X0, X0
	VZEROUPPER
	MOVSD          X0, ret+16(FP)
	RET

// The vector exp, eight lanes: x = max((s − m)·invd, −746) (NaN → −746),
// k = round(x/ln 2) by VRNDSCALEPD, r = (x − k·ln2hi) − k·ln2lo, eʳ − 1 =
// r + r²·q(r) with the degree-9 Chebyshev fit of kernel_amd64.s, and
// y = (1 + (eʳ − 1))·2^k by VSCALEFPD, which also gives the subnormal and
// zero results without a separate safe path (rounded a second time to the
// subnormal grid there). Registers: Z16 m, Z17 invd, Z18 −746, Z19 1/ln 2,
// Z20 ln2hi, Z21 ln2lo, Z22 1, Z23–Z31 c₁₁ … c₃, Z13 c₂, Z14 and
// Z15 the running sums.

// EXP8(X, K, R2, T, U): X holds s on entry, y on exit.
#define EXP8(X, K, R2, T, U) \
	VSUBPD       Z16, X, X; \
	VMULPD       Z17, X, X; \
	VMAXPD       Z18, X, X; \
	VMULPD       Z19, X, K; \
	VRNDSCALEPD  $0, K, K; \
	VFNMADD231PD Z20, K, X; \
	VFNMADD231PD Z21, K, X; \
	VMULPD       X, X, R2; \
	VMOVAPD      Z23, T; \
	VFMADD213PD  Z24, X, T; \
	VMOVAPD      Z25, U; \
	VFMADD213PD  Z26, X, U; \
	VFMADD213PD  U, R2, T; \
	VMOVAPD      Z27, U; \
	VFMADD213PD  Z28, X, U; \
	VFMADD213PD  U, R2, T; \
	VMOVAPD      Z29, U; \
	VFMADD213PD  Z30, X, U; \
	VFMADD213PD  U, R2, T; \
	VMOVAPD      Z31, U; \
	VFMADD213PD  Z13, X, U; \
	VFMADD213PD  U, R2, T; \
	VFMADD213PD  X, R2, T; \
	VADDPD       Z22, T, T; \
	VSCALEFPD    K, T, X

// func exp512(s *float64, n int, m, invd float64) float64
//
// s[j] = exp((s[j] − m)·invd) for j < n, s[j] ≤ m (or −Inf; NaN gives 0);
// returns the sum of the new s[j]. Two vectors per step, then masked
// single vectors.
TEXT ·exp512(SB), NOSPLIT, $0-40
	MOVQ         s+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSD m+16(FP), Z16
	VBROADCASTSD invd+24(FP), Z17
	VMOVUPD      z8MinX<>(SB), Z18
	VMOVUPD      z8InvLn2<>(SB), Z19
	VMOVUPD      z8Ln2Hi<>(SB), Z20
	VMOVUPD      z8Ln2Lo<>(SB), Z21
	VMOVUPD      z8One<>(SB), Z22
	VMOVUPD      z8C11<>(SB), Z23
	VMOVUPD      z8C10<>(SB), Z24
	VMOVUPD      z8C9<>(SB), Z25
	VMOVUPD      z8C8<>(SB), Z26
	VMOVUPD      z8C7<>(SB), Z27
	VMOVUPD      z8C6<>(SB), Z28
	VMOVUPD      z8C5<>(SB), Z29
	VMOVUPD      z8C4<>(SB), Z30
	VMOVUPD      z8C3<>(SB), Z31
	VMOVUPD      z8C2<>(SB), Z13
	VPXORQ       Z14, Z14, Z14
	VPXORQ       Z15, Z15, Z15

exp16:
	CMPQ    CX, $16
	JLT     exp8
	VMOVUPD (SI), Z0
	VMOVUPD 64(SI), Z5
	EXP8(Z0, Z1, Z2, Z3, Z4)
	EXP8(Z5, Z6, Z7, Z8, Z9)
	VMOVUPD Z0, (SI)
	VMOVUPD Z5, 64(SI)
	VADDPD  Z0, Z14, Z14
	VADDPD  Z5, Z15, Z15
	ADDQ    $128, SI
	SUBQ    $16, CX
	JMP     exp16

exp8:
	TESTQ CX, CX
	JZ    expreduce
	MOVQ  $0xff, R10
	CMPQ  CX, $8
	JGE   exp8mask
	MOVQ  $1, R10
	SHLQ  CX, R10
	DECQ  R10

exp8mask:
	KMOVB     R10, K1
	VMOVUPD   Z16, Z0 // lanes outside K1: s = m, harmless
	VMOVUPD   (SI), K1, Z0
	EXP8(Z0, Z1, Z2, Z3, Z4)
	VMOVUPD   Z0, K1, (SI)
	VADDPD    Z0, Z14, K1, Z14
	ADDQ      $64, SI
	SUBQ      $8, CX
	JG        exp8

expreduce:
	VADDPD        Z15, Z14, Z14
	VEXTRACTF64X4 $1, Z14, Y1
	VADDPD        Y1, Y14, Y0
	VEXTRACTF128  $1, Y0, X1
	VADDPD        X1, X0, X0
	VPERMILPD     $1, X0, X1
	VADDSD        X1, X0, X0
	VZEROUPPER
	MOVSD         X0, ret+32(FP)
	RET

// func fmaPeak512(n int)
//
// n iterations of 24 independent FMA chains on ZMM registers (no memory
// traffic): 24·8·2 = 384 flops per iteration. Used only to measure the
// machine's FMA peak (BenchmarkFMAPeak).
TEXT ·fmaPeak512(SB), NOSPLIT, $0-8
	MOVQ n+0(FP), CX
	VMOVUPD z8One<>(SB), Z30
	VMOVUPD z8C2<>(SB), Z31
	ZERO24

peakloop:
	VFMADD231PD Z30, Z31, Z0
	VFMADD231PD Z30, Z31, Z1
	VFMADD231PD Z30, Z31, Z2
	VFMADD231PD Z30, Z31, Z3
	VFMADD231PD Z30, Z31, Z4
	VFMADD231PD Z30, Z31, Z5
	VFMADD231PD Z30, Z31, Z6
	VFMADD231PD Z30, Z31, Z7
	VFMADD231PD Z30, Z31, Z8
	VFMADD231PD Z30, Z31, Z9
	VFMADD231PD Z30, Z31, Z10
	VFMADD231PD Z30, Z31, Z11
	VFMADD231PD Z30, Z31, Z12
	VFMADD231PD Z30, Z31, Z13
	VFMADD231PD Z30, Z31, Z14
	VFMADD231PD Z30, Z31, Z15
	VFMADD231PD Z30, Z31, Z16
	VFMADD231PD Z30, Z31, Z17
	VFMADD231PD Z30, Z31, Z18
	VFMADD231PD Z30, Z31, Z19
	VFMADD231PD Z30, Z31, Z20
	VFMADD231PD Z30, Z31, Z21
	VFMADD231PD Z30, Z31, Z22
	VFMADD231PD Z30, Z31, Z23
	DECQ CX
	JNZ  peakloop
	VZEROUPPER
	RET

// The counting kernels of Bitpacked (bitpacked.go). K is packed word-major
// in panels of 8 keys: kp[p·8w + 8x + r] is word x of key 8p+r, w words
// per key, zero past the last key. For one query row q (w words), the
// count of key j is c_j = popcount(q AND k_j), 8 keys per VPOPCNTQ.
//
// func bpMin512(q, kp *uint64, words, nk int) int
//
// min_j c_j over the nk ≥ 1 keys of kp; the last panel is masked.
//
// Register plan: SI q, DI kp panel, R9 words, CX keys left, Z3 running
// minima (lanes of keys past nk keep theirs), K1 the panel's key mask.
TEXT ·bpMin512(SB), NOSPLIT, $0-40
	MOVQ       q+0(FP), SI
	MOVQ       kp+8(FP), DI
	MOVQ       words+16(FP), R9
	MOVQ       nk+24(FP), CX
	VPTERNLOGQ $0xff, Z3, Z3, Z3 // all ones: the largest unsigned count

minpanel:
	MOVQ  $0xff, R12
	CMPQ  CX, $8
	JGE   minmask
	MOVQ  $1, R12
	SHLQ  CX, R12
	DECQ  R12

minmask:
	KMOVB   R12, K1
	VPXORQ  Z1, Z1, Z1
	MOVQ    SI, R10
	MOVQ    R9, R11

minword:
	VMOVDQU64   (DI), Z0
	VPANDQ.BCST (R10), Z0, Z0
	VPOPCNTQ    Z0, Z0
	VPADDQ      Z0, Z1, Z1
	ADDQ        $64, DI
	ADDQ        $8, R10
	DECQ        R11
	JNZ         minword

	VPMINUQ Z1, Z3, K1, Z3
	SUBQ    $8, CX
	JG      minpanel

	VEXTRACTI64X4 $1, Z3, Y0
	VPMINUQ       Y0, Y3, Y3
	VEXTRACTI128  $1, Y3, X0
	VPMINUQ       X0, X3, X3
	VPSHUFD       $0x4e, X3, X0
	VPMINUQ       X0, X3, X3
	VMOVQ         X3, AX
	VZEROUPPER
	MOVQ          AX, ret+32(FP)
	RET

// func bpSum512(q, kp *uint64, words, nk int, table, v *float64) (l, acc float64)
//
// l = Σ_j table[c_j] and acc = Σ_j table[c_j]·v[j] over the nk ≥ 1 keys,
// the weights gathered from the table (d+1 entries) by the counts; the last
// panel is masked (v has at least ⌈nk/8⌉·8 entries).
//
// Register plan: SI q, DI kp panel, R8 table, BX v, R9 words, CX keys
// left, Z4 running Σ w·v, Z5 running Σ w, Z2 the gathered weights, K1 the
// panel's key mask, K2 the gather's mask.
TEXT ·bpSum512(SB), NOSPLIT, $0-64
	MOVQ   q+0(FP), SI
	MOVQ   kp+8(FP), DI
	MOVQ   words+16(FP), R9
	MOVQ   nk+24(FP), CX
	MOVQ   table+32(FP), R8
	MOVQ   v+40(FP), BX
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5

sumpanel:
	MOVQ  $0xff, R12
	CMPQ  CX, $8
	JGE   summask
	MOVQ  $1, R12
	SHLQ  CX, R12
	DECQ  R12

summask:
	KMOVB   R12, K1
	VPXORQ  Z1, Z1, Z1
	MOVQ    SI, R10
	MOVQ    R9, R11

sumword:
	VMOVDQU64   (DI), Z0
	VPANDQ.BCST (R10), Z0, Z0
	VPOPCNTQ    Z0, Z0
	VPADDQ      Z0, Z1, Z1
	ADDQ        $64, DI
	ADDQ        $8, R10
	DECQ        R11
	JNZ         sumword

	KMOVB       K1, K2
	VPXORQ      Z2, Z2, Z2
	VGATHERQPD  (R8)(Z1*8), K2, Z2
	VADDPD      Z2, Z5, K1, Z5
	VFMADD231PD (BX), Z2, K1, Z4
	ADDQ        $64, BX
	SUBQ        $8, CX
	JG          sumpanel

	VEXTRACTF64X4 $1, Z5, Y0
	VADDPD        Y0, Y5, Y5
	VEXTRACTF128  $1, Y5, X0
	VADDPD        X0, X5, X5
	VPERMILPD     $1, X5, X0
	VADDSD        X0, X5, X5
	VEXTRACTF64X4 $1, Z4, Y0
	VADDPD        Y0, Y4, Y4
	VEXTRACTF128  $1, Y4, X0
	VADDPD        X0, X4, X4
	VPERMILPD     $1, X4, X0
	VADDSD        X0, X4, X4
	VZEROUPPER
	MOVSD         X5, l+48(FP)
	MOVSD         X4, acc+56(FP)
	RET
