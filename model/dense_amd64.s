//go:build !purego

#include "textflag.h"

// Float32 dense tiles. Every tile reads a *denseArgs:
//
//	0 x *float32 (first row), 8 ldx (bytes), 16 w *float32 (first panel),
//	24 k (inputs, ≥ 1), 32 y *float32 (first output), 40 ldy (bytes),
//	48 b *float32 (padded bias at the first panel), 56 wstride (bytes
//	between panels), 64 tail (outputs stored of the last panel, 1..16),
//	72 relu (≠ 0: fused relu).
//
// A panel is [k][16] float32: the weights of one input for 16 consecutive
// outputs in one 64-byte row. Each lane sums its own output in input
// order with VMULPS then VADDPS (the accumulator is the first operand of
// the add, so of two NaNs it keeps its own), adds the bias after the sum,
// and, with relu, stores max(v, 0) as Go's max computes it: VMAXPS with
// zero as the first operand (a NaN or a zero of v passes through), then
// clearing the sign bit (−0 becomes +0; a NaN keeps its payload without
// its sign). Only the tail lanes of a tile's last panel are stored, so
// nothing is written past the row.

DATA absmask<>+0(SB)/4, $0x7fffffff
GLOBL absmask<>(SB), RODATA|NOPTR, $4

// ·laneMask+4·(16-n) is a 16-lane store mask for the first n lanes (and
// its first 32 bytes from there an 8-lane one for n ≤ 8: sparse_amd64.s).
DATA ·laneMask+0(SB)/8, $-1
DATA ·laneMask+8(SB)/8, $-1
DATA ·laneMask+16(SB)/8, $-1
DATA ·laneMask+24(SB)/8, $-1
DATA ·laneMask+32(SB)/8, $-1
DATA ·laneMask+40(SB)/8, $-1
DATA ·laneMask+48(SB)/8, $-1
DATA ·laneMask+56(SB)/8, $-1
DATA ·laneMask+64(SB)/8, $0
DATA ·laneMask+72(SB)/8, $0
DATA ·laneMask+80(SB)/8, $0
DATA ·laneMask+88(SB)/8, $0
DATA ·laneMask+96(SB)/8, $0
DATA ·laneMask+104(SB)/8, $0
DATA ·laneMask+112(SB)/8, $0
DATA ·laneMask+120(SB)/8, $0
GLOBL ·laneMask(SB), RODATA|NOPTR, $128

// ---------------------------------------------------------------- AVX-512

// MAC512 adds x·w to acc: t = w·x with x, a float32 in memory, broadcast
// by the multiply (a separate VBROADCASTSS to a zmm register costs an FP
// pipe on AMD Zen 4 and slowed the 4-row tiles by a third); acc = acc + t.
#define MAC512(x, w, t, acc) \
	VMULPS.BCST x, w, t; \
	VADDPS      t, acc, acc

#define RELU512(acc) \
	VMAXPS acc, Z30, acc; \
	VPANDD Z31, acc, acc

// EPI512SETUP loads the output pointers, the relu constants (Z30 zero,
// Z31 the sign mask) and K1, the store mask of the last panel.
#define EPI512SETUP \
	MOVQ         32(AX), DX; \
	MOVQ         40(AX), BX; \
	MOVQ         48(AX), R10; \
	MOVQ         64(AX), CX; \
	MOVL         $1, R11; \
	SHLL         CX, R11; \
	DECL         R11; \
	KMOVW        R11, K1; \
	VPXORD       Z30, Z30, Z30; \
	VPBROADCASTD absmask<>(SB), Z31

#define ZERO512x4(a, b, c, d) \
	VPXORD a, a, a; \
	VPXORD b, b, b; \
	VPXORD c, c, c; \
	VPXORD d, d, d

// func dense512x4x2(a *denseArgs): 4 rows × 32 outputs.
TEXT ·dense512x4x2(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 0(AX), SI
	MOVQ 8(AX), BX
	MOVQ 16(AX), DI
	MOVQ 24(AX), CX
	MOVQ 56(AX), R14
	LEAQ (SI)(BX*2), R8
	ADDQ BX, R8
	ZERO512x4(Z0, Z1, Z2, Z3)
	ZERO512x4(Z4, Z5, Z6, Z7)

loop512x4x2:
	VMOVUPS      (DI), Z16
	VMOVUPS      (DI)(R14*1), Z17
	MAC512((SI), Z16, Z22, Z0)
	MAC512((SI), Z17, Z23, Z1)
	MAC512((SI)(BX*1), Z16, Z24, Z2)
	MAC512((SI)(BX*1), Z17, Z25, Z3)
	MAC512((SI)(BX*2), Z16, Z26, Z4)
	MAC512((SI)(BX*2), Z17, Z27, Z5)
	MAC512((R8), Z16, Z28, Z6)
	MAC512((R8), Z17, Z29, Z7)
	ADDQ         $4, SI
	ADDQ         $4, R8
	ADDQ         $64, DI
	DECQ         CX
	JNZ          loop512x4x2

	EPI512SETUP
	VMOVUPS (R10), Z16
	VMOVUPS 64(R10), Z17
	VADDPS  Z16, Z0, Z0
	VADDPS  Z17, Z1, Z1
	VADDPS  Z16, Z2, Z2
	VADDPS  Z17, Z3, Z3
	VADDPS  Z16, Z4, Z4
	VADDPS  Z17, Z5, Z5
	VADDPS  Z16, Z6, Z6
	VADDPS  Z17, Z7, Z7
	CMPQ    72(AX), $0
	JEQ     store512x4x2
	RELU512(Z0)
	RELU512(Z1)
	RELU512(Z2)
	RELU512(Z3)
	RELU512(Z4)
	RELU512(Z5)
	RELU512(Z6)
	RELU512(Z7)

store512x4x2:
	LEAQ    (DX)(BX*2), R12
	LEAQ    (R12)(BX*1), R13
	VMOVUPS Z0, (DX)
	VMOVUPS Z1, K1, 64(DX)
	VMOVUPS Z2, (DX)(BX*1)
	VMOVUPS Z3, K1, 64(DX)(BX*1)
	VMOVUPS Z4, (R12)
	VMOVUPS Z5, K1, 64(R12)
	VMOVUPS Z6, (R13)
	VMOVUPS Z7, K1, 64(R13)
	VZEROUPPER
	RET

// func dense512x4x1(a *denseArgs): 4 rows × 16 outputs.
TEXT ·dense512x4x1(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 0(AX), SI
	MOVQ 8(AX), BX
	MOVQ 16(AX), DI
	MOVQ 24(AX), CX
	LEAQ (SI)(BX*2), R8
	ADDQ BX, R8
	ZERO512x4(Z0, Z1, Z2, Z3)

loop512x4x1:
	VMOVUPS      (DI), Z16
	MAC512((SI), Z16, Z22, Z0)
	MAC512((SI)(BX*1), Z16, Z23, Z1)
	MAC512((SI)(BX*2), Z16, Z24, Z2)
	MAC512((R8), Z16, Z25, Z3)
	ADDQ         $4, SI
	ADDQ         $4, R8
	ADDQ         $64, DI
	DECQ         CX
	JNZ          loop512x4x1

	EPI512SETUP
	VMOVUPS (R10), Z16
	VADDPS  Z16, Z0, Z0
	VADDPS  Z16, Z1, Z1
	VADDPS  Z16, Z2, Z2
	VADDPS  Z16, Z3, Z3
	CMPQ    72(AX), $0
	JEQ     store512x4x1
	RELU512(Z0)
	RELU512(Z1)
	RELU512(Z2)
	RELU512(Z3)

store512x4x1:
	LEAQ    (DX)(BX*2), R12
	LEAQ    (R12)(BX*1), R13
	VMOVUPS Z0, K1, (DX)
	VMOVUPS Z1, K1, (DX)(BX*1)
	VMOVUPS Z2, K1, (R12)
	VMOVUPS Z3, K1, (R13)
	VZEROUPPER
	RET

// func dense512x1x4(a *denseArgs): 1 row × 64 outputs.
TEXT ·dense512x1x4(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 0(AX), SI
	MOVQ 16(AX), DI
	MOVQ 24(AX), CX
	MOVQ 56(AX), R14
	LEAQ (DI)(R14*2), R9
	ADDQ R14, R9
	ZERO512x4(Z0, Z1, Z2, Z3)

loop512x1x4:
	VBROADCASTSS (SI), Z16
	VMULPS       (DI), Z16, Z20
	VMULPS       (DI)(R14*1), Z16, Z21
	VMULPS       (DI)(R14*2), Z16, Z22
	VMULPS       (R9), Z16, Z23
	VADDPS       Z20, Z0, Z0
	VADDPS       Z21, Z1, Z1
	VADDPS       Z22, Z2, Z2
	VADDPS       Z23, Z3, Z3
	ADDQ         $4, SI
	ADDQ         $64, DI
	ADDQ         $64, R9
	DECQ         CX
	JNZ          loop512x1x4

	EPI512SETUP
	VADDPS (R10), Z0, Z0
	VADDPS 64(R10), Z1, Z1
	VADDPS 128(R10), Z2, Z2
	VADDPS 192(R10), Z3, Z3
	CMPQ   72(AX), $0
	JEQ    store512x1x4
	RELU512(Z0)
	RELU512(Z1)
	RELU512(Z2)
	RELU512(Z3)

store512x1x4:
	VMOVUPS Z0, (DX)
	VMOVUPS Z1, 64(DX)
	VMOVUPS Z2, 128(DX)
	VMOVUPS Z3, K1, 192(DX)
	VZEROUPPER
	RET

// func dense512x1x2(a *denseArgs): 1 row × 32 outputs.
TEXT ·dense512x1x2(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 0(AX), SI
	MOVQ 16(AX), DI
	MOVQ 24(AX), CX
	MOVQ 56(AX), R14
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1

loop512x1x2:
	VBROADCASTSS (SI), Z16
	VMULPS       (DI), Z16, Z20
	VMULPS       (DI)(R14*1), Z16, Z21
	VADDPS       Z20, Z0, Z0
	VADDPS       Z21, Z1, Z1
	ADDQ         $4, SI
	ADDQ         $64, DI
	DECQ         CX
	JNZ          loop512x1x2

	EPI512SETUP
	VADDPS (R10), Z0, Z0
	VADDPS 64(R10), Z1, Z1
	CMPQ   72(AX), $0
	JEQ    store512x1x2
	RELU512(Z0)
	RELU512(Z1)

store512x1x2:
	VMOVUPS Z0, (DX)
	VMOVUPS Z1, K1, 64(DX)
	VZEROUPPER
	RET

// func dense512x1x1(a *denseArgs): 1 row × 16 outputs.
TEXT ·dense512x1x1(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 0(AX), SI
	MOVQ 16(AX), DI
	MOVQ 24(AX), CX
	VPXORD Z0, Z0, Z0

loop512x1x1:
	VBROADCASTSS (SI), Z16
	VMULPS       (DI), Z16, Z20
	VADDPS       Z20, Z0, Z0
	ADDQ         $4, SI
	ADDQ         $64, DI
	DECQ         CX
	JNZ          loop512x1x1

	EPI512SETUP
	VADDPS (R10), Z0, Z0
	CMPQ   72(AX), $0
	JEQ    store512x1x1
	RELU512(Z0)

store512x1x1:
	VMOVUPS Z0, K1, (DX)
	VZEROUPPER
	RET

// ---------------------------------------------------------------- AVX2

// A panel of 16 outputs is two ymm vectors: lanes 0-7 and 8-15.

#define MAC256(w, xb, t, acc) \
	VMULPS w, xb, t; \
	VADDPS t, acc, acc

// RELU256 uses zero in z and the sign mask in m.
#define RELU256(acc, z, m) \
	VMAXPS acc, z, acc; \
	VANDPS m, acc, acc

#define RELUCONST256(z, m) \
	VXORPS       z, z, z; \
	VBROADCASTSS absmask<>(SB), m

// TAIL256 jumps to full if the last panel is whole, else loads its store
// masks into m0 (lanes 0-7) and m1 (lanes 8-15).
#define TAIL256(full, m0, m1) \
	MOVQ    64(AX), CX; \
	CMPQ    CX, $16; \
	JEQ     full; \
	LEAQ    ·laneMask(SB), R11; \
	NEGQ    CX; \
	LEAQ    64(R11)(CX*4), R11; \
	VMOVUPS (R11), m0; \
	VMOVUPS 32(R11), m1

#define EPI256SETUP \
	MOVQ 32(AX), DX; \
	MOVQ 40(AX), BX; \
	MOVQ 48(AX), R10

// func dense256x4x1(a *denseArgs): 4 rows × 16 outputs.
TEXT ·dense256x4x1(SB), NOSPLIT, $0-8
	MOVQ  a+0(FP), AX
	MOVQ  0(AX), SI
	MOVQ  8(AX), BX
	MOVQ  16(AX), DI
	MOVQ  24(AX), CX
	LEAQ  (SI)(BX*2), R8
	ADDQ  BX, R8
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7

loop256x4x1:
	VMOVUPS      (DI), Y8
	VMOVUPS      32(DI), Y9
	VBROADCASTSS (SI), Y10
	VBROADCASTSS (SI)(BX*1), Y11
	VBROADCASTSS (SI)(BX*2), Y12
	VBROADCASTSS (R8), Y13
	MAC256(Y8, Y10, Y14, Y0)
	MAC256(Y9, Y10, Y15, Y1)
	MAC256(Y8, Y11, Y14, Y2)
	MAC256(Y9, Y11, Y15, Y3)
	MAC256(Y8, Y12, Y14, Y4)
	MAC256(Y9, Y12, Y15, Y5)
	MAC256(Y8, Y13, Y14, Y6)
	MAC256(Y9, Y13, Y15, Y7)
	ADDQ         $4, SI
	ADDQ         $4, R8
	ADDQ         $64, DI
	DECQ         CX
	JNZ          loop256x4x1

	EPI256SETUP
	VMOVUPS (R10), Y8
	VMOVUPS 32(R10), Y9
	VADDPS  Y8, Y0, Y0
	VADDPS  Y9, Y1, Y1
	VADDPS  Y8, Y2, Y2
	VADDPS  Y9, Y3, Y3
	VADDPS  Y8, Y4, Y4
	VADDPS  Y9, Y5, Y5
	VADDPS  Y8, Y6, Y6
	VADDPS  Y9, Y7, Y7
	CMPQ    72(AX), $0
	JEQ     store256x4x1
	RELUCONST256(Y14, Y15)
	RELU256(Y0, Y14, Y15)
	RELU256(Y1, Y14, Y15)
	RELU256(Y2, Y14, Y15)
	RELU256(Y3, Y14, Y15)
	RELU256(Y4, Y14, Y15)
	RELU256(Y5, Y14, Y15)
	RELU256(Y6, Y14, Y15)
	RELU256(Y7, Y14, Y15)

store256x4x1:
	LEAQ (DX)(BX*2), R12
	LEAQ (R12)(BX*1), R13
	TAIL256(full256x4x1, Y12, Y13)
	VMASKMOVPS Y0, Y12, (DX)
	VMASKMOVPS Y1, Y13, 32(DX)
	VMASKMOVPS Y2, Y12, (DX)(BX*1)
	VMASKMOVPS Y3, Y13, 32(DX)(BX*1)
	VMASKMOVPS Y4, Y12, (R12)
	VMASKMOVPS Y5, Y13, 32(R12)
	VMASKMOVPS Y6, Y12, (R13)
	VMASKMOVPS Y7, Y13, 32(R13)
	VZEROUPPER
	RET

full256x4x1:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, (DX)(BX*1)
	VMOVUPS Y3, 32(DX)(BX*1)
	VMOVUPS Y4, (R12)
	VMOVUPS Y5, 32(R12)
	VMOVUPS Y6, (R13)
	VMOVUPS Y7, 32(R13)
	VZEROUPPER
	RET

// func dense256x1x4(a *denseArgs): 1 row × 64 outputs.
TEXT ·dense256x1x4(SB), NOSPLIT, $0-8
	MOVQ  a+0(FP), AX
	MOVQ  0(AX), SI
	MOVQ  16(AX), DI
	MOVQ  24(AX), CX
	MOVQ  56(AX), R14
	LEAQ  (DI)(R14*2), R9
	ADDQ  R14, R9
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7

loop256x1x4:
	VBROADCASTSS (SI), Y8
	VMULPS       (DI), Y8, Y9
	VMULPS       32(DI), Y8, Y10
	VMULPS       (DI)(R14*1), Y8, Y11
	VMULPS       32(DI)(R14*1), Y8, Y12
	VADDPS       Y9, Y0, Y0
	VADDPS       Y10, Y1, Y1
	VADDPS       Y11, Y2, Y2
	VADDPS       Y12, Y3, Y3
	VMULPS       (DI)(R14*2), Y8, Y13
	VMULPS       32(DI)(R14*2), Y8, Y14
	VMULPS       (R9), Y8, Y15
	VMULPS       32(R9), Y8, Y9
	VADDPS       Y13, Y4, Y4
	VADDPS       Y14, Y5, Y5
	VADDPS       Y15, Y6, Y6
	VADDPS       Y9, Y7, Y7
	ADDQ         $4, SI
	ADDQ         $64, DI
	ADDQ         $64, R9
	DECQ         CX
	JNZ          loop256x1x4

	EPI256SETUP
	VADDPS (R10), Y0, Y0
	VADDPS 32(R10), Y1, Y1
	VADDPS 64(R10), Y2, Y2
	VADDPS 96(R10), Y3, Y3
	VADDPS 128(R10), Y4, Y4
	VADDPS 160(R10), Y5, Y5
	VADDPS 192(R10), Y6, Y6
	VADDPS 224(R10), Y7, Y7
	CMPQ   72(AX), $0
	JEQ    store256x1x4
	RELUCONST256(Y14, Y15)
	RELU256(Y0, Y14, Y15)
	RELU256(Y1, Y14, Y15)
	RELU256(Y2, Y14, Y15)
	RELU256(Y3, Y14, Y15)
	RELU256(Y4, Y14, Y15)
	RELU256(Y5, Y14, Y15)
	RELU256(Y6, Y14, Y15)
	RELU256(Y7, Y14, Y15)

store256x1x4:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VMOVUPS Y4, 128(DX)
	VMOVUPS Y5, 160(DX)
	TAIL256(full256x1x4, Y12, Y13)
	VMASKMOVPS Y6, Y12, 192(DX)
	VMASKMOVPS Y7, Y13, 224(DX)
	VZEROUPPER
	RET

full256x1x4:
	VMOVUPS Y6, 192(DX)
	VMOVUPS Y7, 224(DX)
	VZEROUPPER
	RET

// func dense256x1x2(a *denseArgs): 1 row × 32 outputs.
TEXT ·dense256x1x2(SB), NOSPLIT, $0-8
	MOVQ  a+0(FP), AX
	MOVQ  0(AX), SI
	MOVQ  16(AX), DI
	MOVQ  24(AX), CX
	MOVQ  56(AX), R14
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3

loop256x1x2:
	VBROADCASTSS (SI), Y8
	VMULPS       (DI), Y8, Y9
	VMULPS       32(DI), Y8, Y10
	VMULPS       (DI)(R14*1), Y8, Y11
	VMULPS       32(DI)(R14*1), Y8, Y12
	VADDPS       Y9, Y0, Y0
	VADDPS       Y10, Y1, Y1
	VADDPS       Y11, Y2, Y2
	VADDPS       Y12, Y3, Y3
	ADDQ         $4, SI
	ADDQ         $64, DI
	DECQ         CX
	JNZ          loop256x1x2

	EPI256SETUP
	VADDPS (R10), Y0, Y0
	VADDPS 32(R10), Y1, Y1
	VADDPS 64(R10), Y2, Y2
	VADDPS 96(R10), Y3, Y3
	CMPQ   72(AX), $0
	JEQ    store256x1x2
	RELUCONST256(Y14, Y15)
	RELU256(Y0, Y14, Y15)
	RELU256(Y1, Y14, Y15)
	RELU256(Y2, Y14, Y15)
	RELU256(Y3, Y14, Y15)

store256x1x2:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	TAIL256(full256x1x2, Y12, Y13)
	VMASKMOVPS Y2, Y12, 64(DX)
	VMASKMOVPS Y3, Y13, 96(DX)
	VZEROUPPER
	RET

full256x1x2:
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VZEROUPPER
	RET

// func dense256x1x1(a *denseArgs): 1 row × 16 outputs.
TEXT ·dense256x1x1(SB), NOSPLIT, $0-8
	MOVQ  a+0(FP), AX
	MOVQ  0(AX), SI
	MOVQ  16(AX), DI
	MOVQ  24(AX), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1

loop256x1x1:
	VBROADCASTSS (SI), Y8
	VMULPS       (DI), Y8, Y9
	VMULPS       32(DI), Y8, Y10
	VADDPS       Y9, Y0, Y0
	VADDPS       Y10, Y1, Y1
	ADDQ         $4, SI
	ADDQ         $64, DI
	DECQ         CX
	JNZ          loop256x1x1

	EPI256SETUP
	VADDPS (R10), Y0, Y0
	VADDPS 32(R10), Y1, Y1
	CMPQ   72(AX), $0
	JEQ    store256x1x1
	RELUCONST256(Y14, Y15)
	RELU256(Y0, Y14, Y15)
	RELU256(Y1, Y14, Y15)

store256x1x1:
	TAIL256(full256x1x1, Y12, Y13)
	VMASKMOVPS Y0, Y12, (DX)
	VMASKMOVPS Y1, Y13, 32(DX)
	VZEROUPPER
	RET

full256x1x1:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VZEROUPPER
	RET
