//go:build !purego

#include "textflag.h"

// Int8 GEMM tiles with a fused epilogue. Every tile reads a *tileArgs:
//
//	0 x *uint8 (first row), 8 ldx (bytes), 16 w *int8 (packed panel of the
//	first block), 24 k4 (groups of 4 inputs, ≥ 1), 32 y *float32, 40 ldy
//	(bytes), 48 wsum *int32, 56 wscale *float32, 64 bias *float32 (all at
//	the first block's outputs), 72 floor float32, 76 zp int32, 80 wstride
//	(bytes between block panels), 88 sx float32, 92 codes int32, 96 qinv
//	float32, 100 qzp float32.
//
// With codes ≠ 0 (VNNI tiles only) y points at uint8 codes for the next
// layer, ldy bytes apart: each output is also quantized like quantizeGo,
// roundeven(min(max(v*qinv + qzp, 0), 127)), so hidden activations stay
// 8-bit between layers.
//
// A block is 16 outputs; its panel is [k4][16][4] int8, so one 64-byte
// load holds 4 inputs of 16 outputs, matching a broadcast of 4 input bytes.
// The epilogue computes max(float32(acc-corr)*scale + bias, floor) with a
// separate multiply and add (no FMA), exactly like the Go fallback, where
// corr = zp*wsum (VPMULLD, exact) and scale = sx*wscale (one VMULPS) are
// computed once per block of 16 outputs and shared by the tile's rows.

// ---------------------------------------------------------------- AVX-512 VNNI

#define PRE512(off, creg, sreg) \
	VPMULLD off(R10), Z30, creg; \
	VMULPS  off(R11), Z29, sreg

#define EPI512(acc, creg, sreg, off, yrow) \
	VPSUBD     creg, acc, acc; \
	VCVTDQ2PS  acc, acc; \
	VMULPS     sreg, acc, acc; \
	VADDPS     off(R12), acc, acc; \
	VMAXPS     Z31, acc, acc; \
	VMOVUPS    acc, off(yrow)

#define LOADEPI \
	MOVQ 32(AX), DX; \
	MOVQ 40(AX), BX; \
	MOVQ 48(AX), R10; \
	MOVQ 56(AX), R11; \
	MOVQ 64(AX), R12; \
	VBROADCASTSS 72(AX), Z31; \
	VPBROADCASTD 76(AX), Z30; \
	VBROADCASTSS 88(AX), Z29

#define LOADQ \
	VBROADCASTSS 96(AX), Z24; \
	VBROADCASTSS 100(AX), Z25; \
	VPXORD       Z26, Z26, Z26; \
	VBROADCASTSS f127<>(SB), Z27

#define QEPI512(acc, creg, sreg, off, boff, yrow) \
	VPSUBD     creg, acc, acc; \
	VCVTDQ2PS  acc, acc; \
	VMULPS     sreg, acc, acc; \
	VADDPS     off(R12), acc, acc; \
	VMAXPS     Z31, acc, acc; \
	VMULPS     Z24, acc, acc; \
	VADDPS     Z25, acc, acc; \
	VMAXPS     Z26, acc, acc; \
	VMINPS     Z27, acc, acc; \
	VCVTPS2DQ  acc, acc; \
	VPMOVUSDB  acc, boff(yrow)

// func tile4x4VNNI(a *tileArgs): 4 rows × 64 outputs.
TEXT ·tile4x4VNNI(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 0(AX), SI
	MOVQ 8(AX), BX
	MOVQ 16(AX), DI
	MOVQ 24(AX), CX
	MOVQ 80(AX), R14
	LEAQ (SI)(BX*2), R8
	ADDQ BX, R8
	LEAQ (DI)(R14*2), R9
	ADDQ R14, R9
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15

loop44:
	VMOVDQU32 (DI), Z16
	VMOVDQU32 (DI)(R14*1), Z17
	VMOVDQU32 (DI)(R14*2), Z18
	VMOVDQU32 (R9), Z19
	VPBROADCASTD (SI), Z20
	VPBROADCASTD (SI)(BX*1), Z21
	VPBROADCASTD (SI)(BX*2), Z22
	VPBROADCASTD (R8), Z23
	VPDPBUSD Z16, Z20, Z0
	VPDPBUSD Z17, Z20, Z1
	VPDPBUSD Z18, Z20, Z2
	VPDPBUSD Z19, Z20, Z3
	VPDPBUSD Z16, Z21, Z4
	VPDPBUSD Z17, Z21, Z5
	VPDPBUSD Z18, Z21, Z6
	VPDPBUSD Z19, Z21, Z7
	VPDPBUSD Z16, Z22, Z8
	VPDPBUSD Z17, Z22, Z9
	VPDPBUSD Z18, Z22, Z10
	VPDPBUSD Z19, Z22, Z11
	VPDPBUSD Z16, Z23, Z12
	VPDPBUSD Z17, Z23, Z13
	VPDPBUSD Z18, Z23, Z14
	VPDPBUSD Z19, Z23, Z15
	ADDQ $4, SI
	ADDQ $4, R8
	ADDQ $64, DI
	ADDQ $64, R9
	DECQ CX
	JNZ  loop44

	LOADEPI
	LEAQ (DX)(BX*1), R13
	LEAQ (DX)(BX*2), R14
	LEAQ (R13)(BX*2), R15
	PRE512(0, Z16, Z20)
	PRE512(64, Z17, Z21)
	PRE512(128, Z18, Z22)
	PRE512(192, Z19, Z23)
	CMPL 92(AX), $0
	JNE  codes_tile4x4VNNI
	EPI512(Z0, Z16, Z20, 0, DX)
	EPI512(Z1, Z17, Z21, 64, DX)
	EPI512(Z2, Z18, Z22, 128, DX)
	EPI512(Z3, Z19, Z23, 192, DX)
	EPI512(Z4, Z16, Z20, 0, R13)
	EPI512(Z5, Z17, Z21, 64, R13)
	EPI512(Z6, Z18, Z22, 128, R13)
	EPI512(Z7, Z19, Z23, 192, R13)
	EPI512(Z8, Z16, Z20, 0, R14)
	EPI512(Z9, Z17, Z21, 64, R14)
	EPI512(Z10, Z18, Z22, 128, R14)
	EPI512(Z11, Z19, Z23, 192, R14)
	EPI512(Z12, Z16, Z20, 0, R15)
	EPI512(Z13, Z17, Z21, 64, R15)
	EPI512(Z14, Z18, Z22, 128, R15)
	EPI512(Z15, Z19, Z23, 192, R15)
	VZEROUPPER
	RET

codes_tile4x4VNNI:
	LOADQ
	QEPI512(Z0, Z16, Z20, 0, 0, DX)
	QEPI512(Z1, Z17, Z21, 64, 16, DX)
	QEPI512(Z2, Z18, Z22, 128, 32, DX)
	QEPI512(Z3, Z19, Z23, 192, 48, DX)
	QEPI512(Z4, Z16, Z20, 0, 0, R13)
	QEPI512(Z5, Z17, Z21, 64, 16, R13)
	QEPI512(Z6, Z18, Z22, 128, 32, R13)
	QEPI512(Z7, Z19, Z23, 192, 48, R13)
	QEPI512(Z8, Z16, Z20, 0, 0, R14)
	QEPI512(Z9, Z17, Z21, 64, 16, R14)
	QEPI512(Z10, Z18, Z22, 128, 32, R14)
	QEPI512(Z11, Z19, Z23, 192, 48, R14)
	QEPI512(Z12, Z16, Z20, 0, 0, R15)
	QEPI512(Z13, Z17, Z21, 64, 16, R15)
	QEPI512(Z14, Z18, Z22, 128, 32, R15)
	QEPI512(Z15, Z19, Z23, 192, 48, R15)
	VZEROUPPER
	RET

// func tile4x1VNNI(a *tileArgs): 4 rows × 16 outputs.
TEXT ·tile4x1VNNI(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 0(AX), SI
	MOVQ 8(AX), BX
	MOVQ 16(AX), DI
	MOVQ 24(AX), CX
	LEAQ (SI)(BX*2), R8
	ADDQ BX, R8
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3

loop41:
	VMOVDQU32 (DI), Z16
	VPBROADCASTD (SI), Z20
	VPBROADCASTD (SI)(BX*1), Z21
	VPBROADCASTD (SI)(BX*2), Z22
	VPBROADCASTD (R8), Z23
	VPDPBUSD Z16, Z20, Z0
	VPDPBUSD Z16, Z21, Z1
	VPDPBUSD Z16, Z22, Z2
	VPDPBUSD Z16, Z23, Z3
	ADDQ $4, SI
	ADDQ $4, R8
	ADDQ $64, DI
	DECQ CX
	JNZ  loop41

	LOADEPI
	LEAQ (DX)(BX*1), R13
	LEAQ (DX)(BX*2), R14
	LEAQ (R13)(BX*2), R15
	PRE512(0, Z16, Z20)
	CMPL 92(AX), $0
	JNE  codes_tile4x1VNNI
	EPI512(Z0, Z16, Z20, 0, DX)
	EPI512(Z1, Z16, Z20, 0, R13)
	EPI512(Z2, Z16, Z20, 0, R14)
	EPI512(Z3, Z16, Z20, 0, R15)
	VZEROUPPER
	RET

codes_tile4x1VNNI:
	LOADQ
	QEPI512(Z0, Z16, Z20, 0, 0, DX)
	QEPI512(Z1, Z16, Z20, 0, 0, R13)
	QEPI512(Z2, Z16, Z20, 0, 0, R14)
	QEPI512(Z3, Z16, Z20, 0, 0, R15)
	VZEROUPPER
	RET

// func tile1x4VNNI(a *tileArgs): 1 row × 64 outputs.
TEXT ·tile1x4VNNI(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 0(AX), SI
	MOVQ 16(AX), DI
	MOVQ 24(AX), CX
	MOVQ 80(AX), R14
	LEAQ (DI)(R14*2), R9
	ADDQ R14, R9
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	// two accumulator sets (even and odd k groups) hide the latency
	TESTQ $1, CX
	JZ    loop14
	VPBROADCASTD (SI), Z20
	VPDPBUSD (DI), Z20, Z0
	VPDPBUSD (DI)(R14*1), Z20, Z1
	VPDPBUSD (DI)(R14*2), Z20, Z2
	VPDPBUSD (R9), Z20, Z3
	ADDQ $4, SI
	ADDQ $64, DI
	ADDQ $64, R9
	DECQ CX
	JZ   done14

loop14:
	VPBROADCASTD (SI), Z20
	VPBROADCASTD 4(SI), Z21
	VPDPBUSD (DI), Z20, Z0
	VPDPBUSD (DI)(R14*1), Z20, Z1
	VPDPBUSD (DI)(R14*2), Z20, Z2
	VPDPBUSD (R9), Z20, Z3
	VPDPBUSD 64(DI), Z21, Z4
	VPDPBUSD 64(DI)(R14*1), Z21, Z5
	VPDPBUSD 64(DI)(R14*2), Z21, Z6
	VPDPBUSD 64(R9), Z21, Z7
	ADDQ $8, SI
	ADDQ $128, DI
	ADDQ $128, R9
	SUBQ $2, CX
	JNZ  loop14

done14:
	VPADDD Z4, Z0, Z0
	VPADDD Z5, Z1, Z1
	VPADDD Z6, Z2, Z2
	VPADDD Z7, Z3, Z3
	LOADEPI
	PRE512(0, Z16, Z20)
	PRE512(64, Z17, Z21)
	PRE512(128, Z18, Z22)
	PRE512(192, Z19, Z23)
	CMPL 92(AX), $0
	JNE  codes_tile1x4VNNI
	EPI512(Z0, Z16, Z20, 0, DX)
	EPI512(Z1, Z17, Z21, 64, DX)
	EPI512(Z2, Z18, Z22, 128, DX)
	EPI512(Z3, Z19, Z23, 192, DX)
	VZEROUPPER
	RET

codes_tile1x4VNNI:
	LOADQ
	QEPI512(Z0, Z16, Z20, 0, 0, DX)
	QEPI512(Z1, Z17, Z21, 64, 16, DX)
	QEPI512(Z2, Z18, Z22, 128, 32, DX)
	QEPI512(Z3, Z19, Z23, 192, 48, DX)
	VZEROUPPER
	RET

// func tile1x1VNNI(a *tileArgs): 1 row × 16 outputs.
TEXT ·tile1x1VNNI(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 0(AX), SI
	MOVQ 16(AX), DI
	MOVQ 24(AX), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	TESTQ $1, CX
	JZ    loop11
	VPBROADCASTD (SI), Z20
	VPDPBUSD (DI), Z20, Z0
	ADDQ $4, SI
	ADDQ $64, DI
	DECQ CX
	JZ   done11

loop11:
	VPBROADCASTD (SI), Z20
	VPBROADCASTD 4(SI), Z21
	VPDPBUSD (DI), Z20, Z0
	VPDPBUSD 64(DI), Z21, Z1
	ADDQ $8, SI
	ADDQ $128, DI
	SUBQ $2, CX
	JNZ  loop11

done11:
	VPADDD Z1, Z0, Z0
	LOADEPI
	PRE512(0, Z16, Z20)
	CMPL 92(AX), $0
	JNE  codes_tile1x1VNNI
	EPI512(Z0, Z16, Z20, 0, DX)
	VZEROUPPER
	RET

codes_tile1x1VNNI:
	LOADQ
	QEPI512(Z0, Z16, Z20, 0, 0, DX)
	VZEROUPPER
	RET

// ---------------------------------------------------------------- AVX2
// u8×s8 pairs → s16 (VPMADDUBSW; no saturation: inputs ≤ 127, |w| ≤ 127),
// s16 pairs → s32 (VPMADDWD with ones), added to the accumulators.

#define ROW2(addr, a, b) \
	VPBROADCASTD addr, Y10; \
	VPMADDUBSW   Y8, Y10, Y11; \
	VPMADDUBSW   Y9, Y10, Y12; \
	VPMADDWD     Y13, Y11, Y11; \
	VPMADDWD     Y13, Y12, Y12; \
	VPADDD       Y11, a, a; \
	VPADDD       Y12, b, b

#define PRE256(off, creg, sreg) \
	VPMULLD off(R10), Y12, creg; \
	VMULPS  off(R11), Y13, sreg

#define EPI256(acc, creg, sreg, off, yrow) \
	VPSUBD    creg, acc, acc; \
	VCVTDQ2PS acc, acc; \
	VMULPS    sreg, acc, acc; \
	VADDPS    off(R12), acc, acc; \
	VMAXPS    Y14, acc, acc; \
	VMOVUPS   acc, off(yrow)

// LOADEPI2 runs after the loop: it reuses Y12 (zp) and Y13 (sx).
#define LOADEPI2 \
	MOVQ 32(AX), DX; \
	MOVQ 40(AX), BX; \
	MOVQ 48(AX), R10; \
	MOVQ 56(AX), R11; \
	MOVQ 64(AX), R12; \
	VBROADCASTSS 72(AX), Y14; \
	VPBROADCASTD 76(AX), Y12; \
	VBROADCASTSS 88(AX), Y13; \
	PRE256(0, Y8, Y10); \
	PRE256(32, Y9, Y11)

// func tile4x1AVX2(a *tileArgs): 4 rows × 16 outputs.
TEXT ·tile4x1AVX2(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 0(AX), SI
	MOVQ 8(AX), BX
	MOVQ 16(AX), DI
	MOVQ 24(AX), CX
	LEAQ (SI)(BX*2), R8
	ADDQ BX, R8
	VPCMPEQW Y13, Y13, Y13
	VPSRLW   $15, Y13, Y13
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	VPXOR Y4, Y4, Y4
	VPXOR Y5, Y5, Y5
	VPXOR Y6, Y6, Y6
	VPXOR Y7, Y7, Y7

loopa41:
	VMOVDQU (DI), Y8
	VMOVDQU 32(DI), Y9
	ROW2((SI), Y0, Y1)
	ROW2((SI)(BX*1), Y2, Y3)
	ROW2((SI)(BX*2), Y4, Y5)
	ROW2((R8), Y6, Y7)
	ADDQ $4, SI
	ADDQ $4, R8
	ADDQ $64, DI
	DECQ CX
	JNZ  loopa41

	LOADEPI2
	LEAQ (DX)(BX*1), R13
	LEAQ (DX)(BX*2), R14
	LEAQ (R13)(BX*2), R15
	EPI256(Y0, Y8, Y10, 0, DX)
	EPI256(Y1, Y9, Y11, 32, DX)
	EPI256(Y2, Y8, Y10, 0, R13)
	EPI256(Y3, Y9, Y11, 32, R13)
	EPI256(Y4, Y8, Y10, 0, R14)
	EPI256(Y5, Y9, Y11, 32, R14)
	EPI256(Y6, Y8, Y10, 0, R15)
	EPI256(Y7, Y9, Y11, 32, R15)
	VZEROUPPER
	RET

// func tile1x1AVX2(a *tileArgs): 1 row × 16 outputs, two accumulator sets.
TEXT ·tile1x1AVX2(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 0(AX), SI
	MOVQ 16(AX), DI
	MOVQ 24(AX), CX
	VPCMPEQW Y13, Y13, Y13
	VPSRLW   $15, Y13, Y13
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	TESTQ $1, CX
	JZ    loopa11
	VMOVDQU (DI), Y8
	VMOVDQU 32(DI), Y9
	ROW2((SI), Y0, Y1)
	ADDQ $4, SI
	ADDQ $64, DI
	DECQ CX
	JZ   donea11

loopa11:
	VMOVDQU (DI), Y8
	VMOVDQU 32(DI), Y9
	ROW2((SI), Y0, Y1)
	VMOVDQU 64(DI), Y8
	VMOVDQU 96(DI), Y9
	ROW2(4(SI), Y2, Y3)
	ADDQ $8, SI
	ADDQ $128, DI
	SUBQ $2, CX
	JNZ  loopa11

donea11:
	VPADDD Y2, Y0, Y0
	VPADDD Y3, Y1, Y1
	LOADEPI2
	EPI256(Y0, Y8, Y10, 0, DX)
	EPI256(Y1, Y9, Y11, 32, DX)
	VZEROUPPER
	RET

// ---------------------------------------------------------------- quantization (AVX2)

// func minmaxAVX2(x *float32, n int, out *[16]float32)
// n is a positive multiple of 16; out gets 8 lane minima then 8 lane maxima.
TEXT ·minmaxAVX2(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ out+16(FP), DI
	VMOVUPS (SI), Y0
	VMOVUPS Y0, Y1
	VMOVUPS Y0, Y2
	VMOVUPS Y0, Y3

loopmm:
	VMOVUPS (SI), Y4
	VMOVUPS 32(SI), Y5
	VMINPS  Y4, Y0, Y0
	VMAXPS  Y4, Y1, Y1
	VMINPS  Y5, Y2, Y2
	VMAXPS  Y5, Y3, Y3
	ADDQ $64, SI
	SUBQ $16, CX
	JNZ  loopmm
	VMINPS  Y2, Y0, Y0
	VMAXPS  Y3, Y1, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VZEROUPPER
	RET

DATA permq<>+0(SB)/4, $0
DATA permq<>+4(SB)/4, $4
DATA permq<>+8(SB)/4, $1
DATA permq<>+12(SB)/4, $5
DATA permq<>+16(SB)/4, $2
DATA permq<>+20(SB)/4, $6
DATA permq<>+24(SB)/4, $3
DATA permq<>+28(SB)/4, $7
GLOBL permq<>(SB), RODATA|NOPTR, $32

DATA f127<>+0(SB)/4, $127.0
GLOBL f127<>(SB), RODATA|NOPTR, $4

// func quantizeAVX2(dst *uint8, x *float32, n int, inv, zp float32)
// n is a positive multiple of 32. dst[i] = roundeven(min(max(x[i]*inv + zp, 0), 127)).
TEXT ·quantizeAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS inv+24(FP), Y8
	VBROADCASTSS zp+28(FP), Y9
	VMOVDQU permq<>(SB), Y10
	VPCMPEQB Y11, Y11, Y11
	VPSRLW   $9, Y11, Y11      // 0x007f in each word
	VPACKUSWB Y11, Y11, Y11    // 127 in each byte
	VXORPS    Y12, Y12, Y12
	VBROADCASTSS f127<>(SB), Y13

loopq:
	VMULPS (SI), Y8, Y0
	VMULPS 32(SI), Y8, Y1
	VMULPS 64(SI), Y8, Y2
	VMULPS 96(SI), Y8, Y3
	VADDPS Y9, Y0, Y0
	VADDPS Y9, Y1, Y1
	VADDPS Y9, Y2, Y2
	VADDPS Y9, Y3, Y3
	VMAXPS Y12, Y0, Y0
	VMAXPS Y12, Y1, Y1
	VMAXPS Y12, Y2, Y2
	VMAXPS Y12, Y3, Y3
	VMINPS Y13, Y0, Y0
	VMINPS Y13, Y1, Y1
	VMINPS Y13, Y2, Y2
	VMINPS Y13, Y3, Y3
	VCVTPS2DQ Y0, Y0
	VCVTPS2DQ Y1, Y1
	VCVTPS2DQ Y2, Y2
	VCVTPS2DQ Y3, Y3
	VPACKSSDW Y1, Y0, Y0
	VPACKSSDW Y3, Y2, Y2
	VPACKUSWB Y2, Y0, Y0
	VPERMD    Y0, Y10, Y0
	VPMINUB   Y11, Y0, Y0
	VMOVDQU   Y0, (DI)
	ADDQ $128, SI
	ADDQ $32, DI
	SUBQ $32, CX
	JNZ  loopq
	VZEROUPPER
	RET
