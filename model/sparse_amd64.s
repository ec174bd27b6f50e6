//go:build !purego

#include "textflag.h"

// Sparse float32 layer kernels (see sparse_amd64.go).
//
// The block kernels (spmm*) are vectorized across the rows of a batch. A
// block is 32 rows. Its inputs are transposed into xT, [in][32] float32
// (column c of the block's 32 rows is 128 bytes at xT+128c, 16-column
// padding and one more column that stays 0); the kernel writes yT,
// [out][32] float32, which is transposed back into the output rows.
// Outputs are computed two at a time, each for all 32 rows: 4 (AVX-512)
// or 8 (AVX2) independent add chains hide the add latency; the loop is
// bound by the loads of xT (one 64-byte load per 16 multiply-adds). The
// arguments (*spmmArgs):
//
//	0 xT, 8 pairs (per pair of outputs, int32: o0, o1, first entry, number
//	of entries), 16 entries (per entry, int32: 32·col and the float32 bits
//	of the weight of o0, the same for o1), 24 bias (padded), 32 yT, 40
//	number of pairs, 48 floor float32 (0 for a fused relu, −Inf
//	otherwise), 52 keep uint32 (0x7fffffff for a relu: clears the sign of
//	a NaN, as Go's max(y, 0) does; all ones otherwise).
//
// The two outputs of a pair have the same number of entries: the shorter
// is padded with weight 0 at the column of xT that is always 0, which adds
// +0 and leaves the sum unchanged (a sum that starts at +0 is never −0).
//
// The rows a block kernel does not take (batch 1, the rest of a batch)
// go through the dense kernel of dense_amd64.s (see Sparse.denseRows).
//
// Each lane computes one output of one row as the Go code does: the
// products x[col]·val, rounded (VMULPS), are added one by one in column
// order to a sum that starts at +0 (VADDPS, never a fused multiply-add),
// then the bias is added, max(floor, y) taken, with y kept when it is
// NaN, and the result ANDed with keep, which with a relu gives Go's
// max(y, 0) exactly (+0 for −0, NaNs with the sign bit cleared). So every
// path gives the same bits. The default MXCSR (no FTZ or DAZ) treats
// denormals as Go does.

// ---------------------------------------------------------------- AVX-512

// TR16 transposes the 16×16 matrix in Z0..Z15 (row i in Zi) in place
// (then Zi holds column i), with Z16..Z31 as temporaries.
#define TR16 \
	VUNPCKLPS  Z1, Z0, Z16; \
	VUNPCKHPS  Z1, Z0, Z17; \
	VUNPCKLPS  Z3, Z2, Z18; \
	VUNPCKHPS  Z3, Z2, Z19; \
	VUNPCKLPS  Z5, Z4, Z20; \
	VUNPCKHPS  Z5, Z4, Z21; \
	VUNPCKLPS  Z7, Z6, Z22; \
	VUNPCKHPS  Z7, Z6, Z23; \
	VUNPCKLPS  Z9, Z8, Z24; \
	VUNPCKHPS  Z9, Z8, Z25; \
	VUNPCKLPS  Z11, Z10, Z26; \
	VUNPCKHPS  Z11, Z10, Z27; \
	VUNPCKLPS  Z13, Z12, Z28; \
	VUNPCKHPS  Z13, Z12, Z29; \
	VUNPCKLPS  Z15, Z14, Z30; \
	VUNPCKHPS  Z15, Z14, Z31; \
	VUNPCKLPD  Z18, Z16, Z0; \
	VUNPCKHPD  Z18, Z16, Z1; \
	VUNPCKLPD  Z19, Z17, Z2; \
	VUNPCKHPD  Z19, Z17, Z3; \
	VUNPCKLPD  Z22, Z20, Z4; \
	VUNPCKHPD  Z22, Z20, Z5; \
	VUNPCKLPD  Z23, Z21, Z6; \
	VUNPCKHPD  Z23, Z21, Z7; \
	VUNPCKLPD  Z26, Z24, Z8; \
	VUNPCKHPD  Z26, Z24, Z9; \
	VUNPCKLPD  Z27, Z25, Z10; \
	VUNPCKHPD  Z27, Z25, Z11; \
	VUNPCKLPD  Z30, Z28, Z12; \
	VUNPCKHPD  Z30, Z28, Z13; \
	VUNPCKLPD  Z31, Z29, Z14; \
	VUNPCKHPD  Z31, Z29, Z15; \
	VSHUFF32X4 $0x88, Z4, Z0, Z16; \
	VSHUFF32X4 $0xdd, Z4, Z0, Z20; \
	VSHUFF32X4 $0x88, Z5, Z1, Z17; \
	VSHUFF32X4 $0xdd, Z5, Z1, Z21; \
	VSHUFF32X4 $0x88, Z6, Z2, Z18; \
	VSHUFF32X4 $0xdd, Z6, Z2, Z22; \
	VSHUFF32X4 $0x88, Z7, Z3, Z19; \
	VSHUFF32X4 $0xdd, Z7, Z3, Z23; \
	VSHUFF32X4 $0x88, Z12, Z8, Z24; \
	VSHUFF32X4 $0xdd, Z12, Z8, Z28; \
	VSHUFF32X4 $0x88, Z13, Z9, Z25; \
	VSHUFF32X4 $0xdd, Z13, Z9, Z29; \
	VSHUFF32X4 $0x88, Z14, Z10, Z26; \
	VSHUFF32X4 $0xdd, Z14, Z10, Z30; \
	VSHUFF32X4 $0x88, Z15, Z11, Z27; \
	VSHUFF32X4 $0xdd, Z15, Z11, Z31; \
	VSHUFF32X4 $0x88, Z24, Z16, Z0; \
	VSHUFF32X4 $0xdd, Z24, Z16, Z8; \
	VSHUFF32X4 $0x88, Z25, Z17, Z1; \
	VSHUFF32X4 $0xdd, Z25, Z17, Z9; \
	VSHUFF32X4 $0x88, Z26, Z18, Z2; \
	VSHUFF32X4 $0xdd, Z26, Z18, Z10; \
	VSHUFF32X4 $0x88, Z27, Z19, Z3; \
	VSHUFF32X4 $0xdd, Z27, Z19, Z11; \
	VSHUFF32X4 $0x88, Z28, Z20, Z4; \
	VSHUFF32X4 $0xdd, Z28, Z20, Z12; \
	VSHUFF32X4 $0x88, Z29, Z21, Z5; \
	VSHUFF32X4 $0xdd, Z29, Z21, Z13; \
	VSHUFF32X4 $0x88, Z30, Z22, Z6; \
	VSHUFF32X4 $0xdd, Z30, Z22, Z14; \
	VSHUFF32X4 $0x88, Z31, Z23, Z7; \
	VSHUFF32X4 $0xdd, Z31, Z23, Z15

// ROWS16 sets SI, R11, R13, R14 to rows 0, 4, 8, 12 of a matrix at base
// with R9 = ld bytes between rows and R10 = 3·ld.
#define ROWS16(base) \
	MOVQ base, SI; \
	LEAQ (R9)(R9*2), R10; \
	LEAQ (SI)(R9*4), R11; \
	LEAQ (R11)(R9*4), R13; \
	LEAQ (R13)(R9*4), R14

// NEXT16 moves the four row pointers on by 16 columns.
#define NEXT16 \
	ADDQ $64, SI; \
	ADDQ $64, R11; \
	ADDQ $64, R13; \
	ADDQ $64, R14

// MASK16 sets K1 to the lowest min(CX, 16) bits.
#define MASK16 \
	MOVL  $0xffff, AX; \
	CMPQ  CX, $16; \
	JGE   4(PC); \
	MOVL  $1, AX; \
	SHLL  CX, AX; \
	DECL  AX; \
	KMOVW AX, K1

// func sparseTransIn16(dst *float32, src *float32, ld, n int)
//
// Transposes 16 rows of n floats, ld bytes apart from src, into columns
// of 16 floats 128 bytes apart from dst; the columns up to the next
// multiple of 16 are zero.
TEXT ·sparseTransIn16(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ ld+16(FP), R9
	MOVQ n+24(FP), CX
	ROWS16(src+8(FP))

in16:
	MASK16
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (SI)(R9*1), K1, Z1
	VMOVUPS.Z (SI)(R9*2), K1, Z2
	VMOVUPS.Z (SI)(R10*1), K1, Z3
	VMOVUPS.Z (R11), K1, Z4
	VMOVUPS.Z (R11)(R9*1), K1, Z5
	VMOVUPS.Z (R11)(R9*2), K1, Z6
	VMOVUPS.Z (R11)(R10*1), K1, Z7
	VMOVUPS.Z (R13), K1, Z8
	VMOVUPS.Z (R13)(R9*1), K1, Z9
	VMOVUPS.Z (R13)(R9*2), K1, Z10
	VMOVUPS.Z (R13)(R10*1), K1, Z11
	VMOVUPS.Z (R14), K1, Z12
	VMOVUPS.Z (R14)(R9*1), K1, Z13
	VMOVUPS.Z (R14)(R9*2), K1, Z14
	VMOVUPS.Z (R14)(R10*1), K1, Z15
	TR16
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 128(DI)
	VMOVUPS Z2, 256(DI)
	VMOVUPS Z3, 384(DI)
	VMOVUPS Z4, 512(DI)
	VMOVUPS Z5, 640(DI)
	VMOVUPS Z6, 768(DI)
	VMOVUPS Z7, 896(DI)
	VMOVUPS Z8, 1024(DI)
	VMOVUPS Z9, 1152(DI)
	VMOVUPS Z10, 1280(DI)
	VMOVUPS Z11, 1408(DI)
	VMOVUPS Z12, 1536(DI)
	VMOVUPS Z13, 1664(DI)
	VMOVUPS Z14, 1792(DI)
	VMOVUPS Z15, 1920(DI)
	ADDQ    $2048, DI
	NEXT16
	SUBQ    $16, CX
	JGT     in16
	VZEROUPPER
	RET

// func sparseTransOut16(dst *float32, ld int, src *float32, n int)
//
// The inverse of sparseTransIn16 for n outputs: columns of 16 floats 128
// bytes apart from src become 16 rows of n floats, ld bytes apart from
// dst. Nothing past a row's n floats is written.
TEXT ·sparseTransOut16(SB), NOSPLIT, $0-32
	MOVQ ld+8(FP), R9
	MOVQ src+16(FP), DI
	MOVQ n+24(FP), CX
	ROWS16(dst+0(FP))

out16:
	MASK16
	VMOVUPS (DI), Z0
	VMOVUPS 128(DI), Z1
	VMOVUPS 256(DI), Z2
	VMOVUPS 384(DI), Z3
	VMOVUPS 512(DI), Z4
	VMOVUPS 640(DI), Z5
	VMOVUPS 768(DI), Z6
	VMOVUPS 896(DI), Z7
	VMOVUPS 1024(DI), Z8
	VMOVUPS 1152(DI), Z9
	VMOVUPS 1280(DI), Z10
	VMOVUPS 1408(DI), Z11
	VMOVUPS 1536(DI), Z12
	VMOVUPS 1664(DI), Z13
	VMOVUPS 1792(DI), Z14
	VMOVUPS 1920(DI), Z15
	TR16
	VMOVUPS Z0, K1, (SI)
	VMOVUPS Z1, K1, (SI)(R9*1)
	VMOVUPS Z2, K1, (SI)(R9*2)
	VMOVUPS Z3, K1, (SI)(R10*1)
	VMOVUPS Z4, K1, (R11)
	VMOVUPS Z5, K1, (R11)(R9*1)
	VMOVUPS Z6, K1, (R11)(R9*2)
	VMOVUPS Z7, K1, (R11)(R10*1)
	VMOVUPS Z8, K1, (R13)
	VMOVUPS Z9, K1, (R13)(R9*1)
	VMOVUPS Z10, K1, (R13)(R9*2)
	VMOVUPS Z11, K1, (R13)(R10*1)
	VMOVUPS Z12, K1, (R14)
	VMOVUPS Z13, K1, (R14)(R9*1)
	VMOVUPS Z14, K1, (R14)(R9*2)
	VMOVUPS Z15, K1, (R14)(R10*1)
	ADDQ    $2048, DI
	NEXT16
	SUBQ    $16, CX
	JGT     out16
	VZEROUPPER
	RET

// PAIRSTART points R9 at the first entry of the pair at BX and sets CX to
// its number of entries.
#define PAIRSTART \
	MOVLQSX 8(BX), R9; \
	MOVLQSX 12(BX), CX; \
	SHLQ    $4, R9; \
	ADDQ    SI, R9

// EPI16 adds the bias of output o, applies the floor and keep, and stores
// the output's 32 rows (a0, a1) in yT.
#define EPI16(o, a0, a1) \
	VBROADCASTSS (R10)(o*4), Z4; \
	VADDPS       Z4, a0, a0; \
	VADDPS       Z4, a1, a1; \
	VMAXPS       a0, Z31, a0; \
	VMAXPS       a1, Z31, a1; \
	VPANDD       Z30, a0, a0; \
	VPANDD       Z30, a1, a1; \
	SHLQ         $7, o; \
	VMOVUPS      a0, (R11)(o*1); \
	VMOVUPS      a1, 64(R11)(o*1)

// func spmmAVX512(a *spmmArgs)
TEXT ·spmmAVX512(SB), NOSPLIT, $0-8
	MOVQ         a+0(FP), AX
	MOVQ         0(AX), R8
	MOVQ         8(AX), BX
	MOVQ         16(AX), SI
	MOVQ         24(AX), R10
	MOVQ         32(AX), R11
	MOVQ         40(AX), R13
	VBROADCASTSS 48(AX), Z31
	VPBROADCASTD 52(AX), Z30

pair16:
	PAIRSTART
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	TESTQ  CX, CX
	JZ     epi16

loop16:
	MOVL         (R9), AX
	MOVL         8(R9), DX
	VBROADCASTSS 4(R9), Z4
	VBROADCASTSS 12(R9), Z5
	VMULPS       (R8)(AX*4), Z4, Z6
	VMULPS       64(R8)(AX*4), Z4, Z7
	VMULPS       (R8)(DX*4), Z5, Z8
	VMULPS       64(R8)(DX*4), Z5, Z9
	VADDPS       Z6, Z0, Z0
	VADDPS       Z7, Z1, Z1
	VADDPS       Z8, Z2, Z2
	VADDPS       Z9, Z3, Z3
	ADDQ         $16, R9
	DECQ         CX
	JNZ          loop16

epi16:
	MOVLQSX 0(BX), AX
	MOVLQSX 4(BX), DX
	EPI16(AX, Z0, Z1)
	EPI16(DX, Z2, Z3)
	ADDQ    $16, BX
	DECQ    R13
	JNZ     pair16
	VZEROUPPER
	RET

// ---------------------------------------------------------------- AVX2

// TR8 transposes the 8×8 matrix in Y0..Y7 (row i in Yi) in place (then
// Yi holds column i), with Y8..Y14 as temporaries; Y15 is kept.
#define TR8 \
	VUNPCKLPS  Y1, Y0, Y8; \
	VUNPCKHPS  Y1, Y0, Y1; \
	VUNPCKLPS  Y3, Y2, Y0; \
	VUNPCKHPS  Y3, Y2, Y3; \
	VUNPCKLPS  Y5, Y4, Y2; \
	VUNPCKHPS  Y5, Y4, Y5; \
	VUNPCKLPS  Y7, Y6, Y4; \
	VUNPCKHPS  Y7, Y6, Y7; \
	VSHUFPS    $0x44, Y0, Y8, Y9; \
	VSHUFPS    $0xee, Y0, Y8, Y10; \
	VSHUFPS    $0x44, Y3, Y1, Y11; \
	VSHUFPS    $0xee, Y3, Y1, Y12; \
	VSHUFPS    $0x44, Y4, Y2, Y13; \
	VSHUFPS    $0xee, Y4, Y2, Y14; \
	VSHUFPS    $0x44, Y7, Y5, Y0; \
	VSHUFPS    $0xee, Y7, Y5, Y1; \
	VPERM2F128 $0x20, Y0, Y11, Y2; \
	VPERM2F128 $0x31, Y0, Y11, Y6; \
	VPERM2F128 $0x20, Y1, Y12, Y3; \
	VPERM2F128 $0x31, Y1, Y12, Y7; \
	VPERM2F128 $0x20, Y13, Y9, Y0; \
	VPERM2F128 $0x31, Y13, Y9, Y4; \
	VPERM2F128 $0x20, Y14, Y10, Y1; \
	VPERM2F128 $0x31, Y14, Y10, Y5

// ROWS8 sets SI and R11 to rows 0 and 4 of a matrix at base with R9 = ld
// bytes between rows and R10 = 3·ld.
#define ROWS8(base) \
	MOVQ base, SI; \
	LEAQ (R9)(R9*2), R10; \
	LEAQ (SI)(R9*4), R11

// MASK8 loads into Y15 a mask of the lowest CX (1..7) lanes.
#define MASK8 \
	MOVQ    $16, AX; \
	SUBQ    CX, AX; \
	LEAQ    ·laneMask(SB), DX; \
	VMOVDQU (DX)(AX*4), Y15

// ROWOP8 applies op(addr, Yi) to the 8 rows: loads and stores.
#define LOADROWS8(op) \
	op((SI), Y0); \
	op((SI)(R9*1), Y1); \
	op((SI)(R9*2), Y2); \
	op((SI)(R10*1), Y3); \
	op((R11), Y4); \
	op((R11)(R9*1), Y5); \
	op((R11)(R9*2), Y6); \
	op((R11)(R10*1), Y7)

#define LDU(m, y) VMOVUPS m, y
#define LDM(m, y) VMASKMOVPS m, Y15, y
#define STU(m, y) VMOVUPS y, m
#define STM(m, y) VMASKMOVPS y, Y15, m

// COLS8(op) applies op to the 8 columns 128 bytes apart at DI.
#define COLS8(op) \
	op(Y0, (DI)); \
	op(Y1, 128(DI)); \
	op(Y2, 256(DI)); \
	op(Y3, 384(DI)); \
	op(Y4, 512(DI)); \
	op(Y5, 640(DI)); \
	op(Y6, 768(DI)); \
	op(Y7, 896(DI))

#define STC(y, m) VMOVUPS y, m
#define LDC(y, m) VMOVUPS m, y

// func sparseTransIn8(dst *float32, src *float32, ld, n int)
//
// Like sparseTransIn16 for 8 rows; the columns up to the next multiple of
// 8 are zero.
TEXT ·sparseTransIn8(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ ld+16(FP), R9
	MOVQ n+24(FP), CX
	ROWS8(src+8(FP))

in8:
	CMPQ CX, $8
	JLT  part8
	LOADROWS8(LDU)
	JMP  tr8

part8:
	MASK8
	LOADROWS8(LDM)

tr8:
	TR8
	COLS8(STC)
	ADDQ $1024, DI
	ADDQ $32, SI
	ADDQ $32, R11
	SUBQ $8, CX
	JGT  in8
	VZEROUPPER
	RET

// func sparseTransOut8(dst *float32, ld int, src *float32, n int)
//
// Like sparseTransOut16 for 8 rows.
TEXT ·sparseTransOut8(SB), NOSPLIT, $0-32
	MOVQ ld+8(FP), R9
	MOVQ src+16(FP), DI
	MOVQ n+24(FP), CX
	ROWS8(dst+0(FP))

out8:
	COLS8(LDC)
	TR8
	CMPQ CX, $8
	JLT  outpart8
	LOADROWS8(STU)
	JMP  outnext8

outpart8:
	MASK8
	LOADROWS8(STM)

outnext8:
	ADDQ $1024, DI
	ADDQ $32, SI
	ADDQ $32, R11
	SUBQ $8, CX
	JGT  out8
	VZEROUPPER
	RET

// MUL4(r, b) multiplies the broadcast value b by the four 8-row groups of
// the column at byte offset 4·r of xT into Y10..Y13.
#define MUL4(r, b) \
	VMULPS (R8)(r*4), b, Y10; \
	VMULPS 32(R8)(r*4), b, Y11; \
	VMULPS 64(R8)(r*4), b, Y12; \
	VMULPS 96(R8)(r*4), b, Y13

// ADD4 adds Y10..Y13 to the sums a0..a3.
#define ADD4(a0, a1, a2, a3) \
	VADDPS Y10, a0, a0; \
	VADDPS Y11, a1, a1; \
	VADDPS Y12, a2, a2; \
	VADDPS Y13, a3, a3

// EPI8 adds the bias of output o, applies the floor and keep, and stores
// the output's 32 rows (a0..a3) in yT.
#define EPI8(o, a0, a1, a2, a3) \
	VBROADCASTSS (R10)(o*4), Y8; \
	VADDPS       Y8, a0, a0; \
	VADDPS       Y8, a1, a1; \
	VADDPS       Y8, a2, a2; \
	VADDPS       Y8, a3, a3; \
	VMAXPS       a0, Y15, a0; \
	VMAXPS       a1, Y15, a1; \
	VMAXPS       a2, Y15, a2; \
	VMAXPS       a3, Y15, a3; \
	VANDPS       Y14, a0, a0; \
	VANDPS       Y14, a1, a1; \
	VANDPS       Y14, a2, a2; \
	VANDPS       Y14, a3, a3; \
	SHLQ         $7, o; \
	VMOVUPS      a0, (R11)(o*1); \
	VMOVUPS      a1, 32(R11)(o*1); \
	VMOVUPS      a2, 64(R11)(o*1); \
	VMOVUPS      a3, 96(R11)(o*1)

#define ZERO4Y(a0, a1, a2, a3) \
	VXORPS a0, a0, a0; \
	VXORPS a1, a1, a1; \
	VXORPS a2, a2, a2; \
	VXORPS a3, a3, a3

// func spmmAVX2(a *spmmArgs)
TEXT ·spmmAVX2(SB), NOSPLIT, $0-8
	MOVQ         a+0(FP), AX
	MOVQ         0(AX), R8
	MOVQ         8(AX), BX
	MOVQ         16(AX), SI
	MOVQ         24(AX), R10
	MOVQ         32(AX), R11
	MOVQ         40(AX), R13
	VBROADCASTSS 48(AX), Y15
	VBROADCASTSS 52(AX), Y14

pair8:
	PAIRSTART
	ZERO4Y(Y0, Y1, Y2, Y3)
	ZERO4Y(Y4, Y5, Y6, Y7)
	TESTQ CX, CX
	JZ    epi8

loop8:
	MOVL         (R9), AX
	MOVL         8(R9), DX
	VBROADCASTSS 4(R9), Y8
	VBROADCASTSS 12(R9), Y9
	MUL4(AX, Y8)
	ADD4(Y0, Y1, Y2, Y3)
	MUL4(DX, Y9)
	ADD4(Y4, Y5, Y6, Y7)
	ADDQ         $16, R9
	DECQ         CX
	JNZ          loop8

epi8:
	MOVLQSX 0(BX), AX
	MOVLQSX 4(BX), DX
	EPI8(AX, Y0, Y1, Y2, Y3)
	EPI8(DX, Y4, Y5, Y6, Y7)
	ADDQ    $16, BX
	DECQ    R13
	JNZ     pair8
	VZEROUPPER
	RET

// func sparseFinite(x *float32, n int) bool
//
// Reports whether the n ≥ 1 floats at x are all finite: none has an
// all-ones exponent. The last n mod 8 are loaded under a mask.
TEXT ·sparseFinite(SB), NOSPLIT, $0-17
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSS sparseExp<>(SB), Y1
	VPXOR        Y2, Y2, Y2
	CMPQ         CX, $8
	JLT          fintail

fin:
	VANDPS   (SI), Y1, Y0
	VPCMPEQD Y1, Y0, Y0
	VPOR     Y0, Y2, Y2
	ADDQ     $32, SI
	SUBQ     $8, CX
	CMPQ     CX, $8
	JGE      fin

fintail:
	TESTQ      CX, CX
	JZ         findone
	MASK8
	VMASKMOVPS (SI), Y15, Y0
	VANDPS     Y0, Y1, Y0
	VPCMPEQD   Y1, Y0, Y0
	VPOR       Y0, Y2, Y2

findone:
	VPTEST Y2, Y2
	SETEQ  ret+16(FP)
	VZEROUPPER
	RET

DATA sparseExp<>+0(SB)/4, $0x7f800000
GLOBL sparseExp<>(SB), RODATA|NOPTR, $4

