//go:build !purego

#include "textflag.h"

// func int8Pair512(a *int8PairArgs): two static int8 layers in one pass,
// 4 rows at a time: layer A (kp inputs as uint8 codes → 32 outputs, two
// packed blocks) and layer B (those 32 outputs as codes → 1 output).
// A's sums and epilogue are tile4x1VNNI's codes epilogue for both blocks
// (the same VPDPBUSD sums, then max(float32(acc−zp·wsum)·(sx·wscale) +
// bias, floor), then roundeven(min(max(v·qinv + qzp, 0), 127))), kept as
// int32 lanes instead of stored as bytes; B's sum Σ code·Q is VPMULLD and
// VPADDD, reduced per row (exact in int32), and B's epilogue is the same
// float32 operations on the 4 rows' sums in one XMM register: the floats
// are those of the two layers' tiles, bit for bit.
//
// Args: 0 x, 8 ldx (bytes), 16 w (A's packed panel), 24 k4, 32 wstride,
// 40 y (float32, one per row), 48 groups (of 4 rows), 56 wsum, 64 wscale,
// 72 bias (A's, padded to 32), 80 qb (B's 32 int8 weights), 88 floor,
// 92 zp, 96 sx, 100 qinv, 104 qzp (A's), 108 corr (B's zp·Σ Q), 112
// scale (B's sx·weight scale), 116 bias, 120 floor (B's).
//
// Registers: AX args, SI row, R8 its fourth row, BX ldx, DI and R9 the
// two panels, CX k4 left, DX output, R14 groups left; Z0–Z7 sums (row i,
// block j in Z(2i+j)), Z16–Z17 panel loads, Z20–Z23 broadcasts, Z8–Z13
// A's corr, scale, bias per block, Z14–Z15 B's weights as int32, Z24–Z27
// qinv, qzp, 0, 127, Z31 A's floor, X28–X30, X18 B's corr, scale, bias,
// floor.

#define AEPI(acc, corr, scale, bias) \
	VPSUBD    corr, acc, acc; \
	VCVTDQ2PS acc, acc; \
	VMULPS    scale, acc, acc; \
	VADDPS    bias, acc, acc; \
	VMAXPS    Z31, acc, acc; \
	VMULPS    Z24, acc, acc; \
	VADDPS    Z25, acc, acc; \
	VMAXPS    Z26, acc, acc; \
	VMINPS    Z27, acc, acc; \
	VCVTPS2DQ acc, acc

// BROW: row's two blocks of codes (a, b) times B's weights, summed into a.
#define BROW(a, b) \
	VPMULLD Z14, a, a; \
	VPMULLD Z15, b, b; \
	VPADDD  b, a, a

DATA pf127<>+0(SB)/4, $127.0
GLOBL pf127<>(SB), RODATA|NOPTR, $4

TEXT ·int8Pair512(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 0(AX), SI
	MOVQ 8(AX), BX
	MOVQ 40(AX), DX
	MOVQ 48(AX), R14

	// A's per-block constants
	MOVQ         56(AX), R10
	MOVQ         64(AX), R11
	MOVQ         72(AX), R12
	VPBROADCASTD 92(AX), Z30
	VBROADCASTSS 96(AX), Z29
	VPMULLD      0(R10), Z30, Z8
	VPMULLD      64(R10), Z30, Z9
	VMULPS       0(R11), Z29, Z10
	VMULPS       64(R11), Z29, Z11
	VMOVUPS      0(R12), Z12
	VMOVUPS      64(R12), Z13
	MOVQ         80(AX), R10
	VPMOVSXBD    0(R10), Z14
	VPMOVSXBD    16(R10), Z15
	VBROADCASTSS 88(AX), Z31
	VBROADCASTSS 100(AX), Z24
	VBROADCASTSS 104(AX), Z25
	VPXORD       Z26, Z26, Z26
	VBROADCASTSS pf127<>(SB), Z27
	VPBROADCASTD 108(AX), X28
	VBROADCASTSS 112(AX), X29
	VBROADCASTSS 116(AX), X30
	VBROADCASTSS 120(AX), X18

group:
	MOVQ 16(AX), DI
	MOVQ 32(AX), R9
	ADDQ DI, R9
	MOVQ 24(AX), CX
	LEAQ (SI)(BX*2), R8
	ADDQ BX, R8
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7

loop:
	VMOVDQU32    (DI), Z16
	VMOVDQU32    (R9), Z17
	VPBROADCASTD (SI), Z20
	VPBROADCASTD (SI)(BX*1), Z21
	VPBROADCASTD (SI)(BX*2), Z22
	VPBROADCASTD (R8), Z23
	VPDPBUSD     Z16, Z20, Z0
	VPDPBUSD     Z17, Z20, Z1
	VPDPBUSD     Z16, Z21, Z2
	VPDPBUSD     Z17, Z21, Z3
	VPDPBUSD     Z16, Z22, Z4
	VPDPBUSD     Z17, Z22, Z5
	VPDPBUSD     Z16, Z23, Z6
	VPDPBUSD     Z17, Z23, Z7
	ADDQ         $4, SI
	ADDQ         $4, R8
	ADDQ         $64, DI
	ADDQ         $64, R9
	DECQ         CX
	JNZ          loop

	AEPI(Z0, Z8, Z10, Z12)
	AEPI(Z1, Z9, Z11, Z13)
	AEPI(Z2, Z8, Z10, Z12)
	AEPI(Z3, Z9, Z11, Z13)
	AEPI(Z4, Z8, Z10, Z12)
	AEPI(Z5, Z9, Z11, Z13)
	AEPI(Z6, Z8, Z10, Z12)
	AEPI(Z7, Z9, Z11, Z13)
	BROW(Z0, Z1)
	BROW(Z2, Z3)
	BROW(Z4, Z5)
	BROW(Z6, Z7)

	// per-row sums: 16 lanes → 8, then two horizontal adds → 4 rows
	VEXTRACTI64X4 $1, Z0, Y1
	VPADDD        Y1, Y0, Y0
	VEXTRACTI64X4 $1, Z2, Y3
	VPADDD        Y3, Y2, Y2
	VEXTRACTI64X4 $1, Z4, Y5
	VPADDD        Y5, Y4, Y4
	VEXTRACTI64X4 $1, Z6, Y7
	VPADDD        Y7, Y6, Y6
	VPHADDD       Y2, Y0, Y0
	VPHADDD       Y6, Y4, Y4
	VPHADDD       Y4, Y0, Y0
	VEXTRACTI128  $1, Y0, X1
	VPADDD        X1, X0, X0

	// B's epilogue on the 4 rows
	VPSUBD    X28, X0, X0
	VCVTDQ2PS X0, X0
	VMULPS    X29, X0, X0
	VADDPS    X30, X0, X0
	VMAXPS    X18, X0, X0
	VMOVUPS   X0, (DX)

	// next 4 rows: SI has moved k4·4 bytes along the first row
	MOVQ 24(AX), CX
	SHLQ $2, CX
	SUBQ CX, SI
	LEAQ (SI)(BX*4), SI
	ADDQ $16, DX
	DECQ R14
	JNZ  group
	VZEROUPPER
	RET
