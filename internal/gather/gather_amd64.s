//go:build !purego

#include "textflag.h"

// Gather and scatter-add kernels. Each reads an *args:
//
//	0 y, 8 ldy (bytes), 16 w, 24 ldw (bytes), 32 b, 40 n (outputs, a
//	multiple of 16), 48 idx *int32, 56 val *float32, 64 k (slots per
//	row, ≥ 1), 72 rows (≥ 1), 80 relu, 88 and 96 the bytes from one
//	row's idx and val to the next's.
//
// rows: y[r][o] = Σ_s val[r][s]·w[idx[r][s]][o] + b[o], each product
// rounded (VMULPS) before it is added to the lane's sum (VADDPS), slots in
// order, then the bias; with relu, max(v, 0) as Go computes it (VMAXPS
// with zero first, then the sign bit cleared, as in model's dense tiles).
// 64 outputs at a time, then 16.
//
// scatter: for rows, then slots, in order, skipping value 0:
// y[idx][o] += val·w[r][o] for o < n (y is the weight gradient, w the
// output gradient, b unused).

DATA absmask<>+0(SB)/4, $0x7fffffff
GLOBL absmask<>(SB), RODATA|NOPTR, $4

// Registers of rows512/rows256: AX args, DX output row, SI idx row, DI
// val row, R8 w, R9 ldw, R10 b, R11 output offset (bytes), R13 n (bytes),
// R14 rows left, BX k, CX slot, R12 weight row address.

#define ROWS_SETUP \
	MOVQ a+0(FP), AX; \
	MOVQ 0(AX), DX; \
	MOVQ 16(AX), R8; \
	MOVQ 24(AX), R9; \
	MOVQ 32(AX), R10; \
	MOVQ 40(AX), R13; \
	SHLQ $2, R13; \
	MOVQ 48(AX), SI; \
	MOVQ 56(AX), DI; \
	MOVQ 64(AX), BX; \
	MOVQ 72(AX), R14

// WROW sets R12 to the weight row of slot CX, at output offset R11.
#define WROW \
	MOVLQSX (SI)(CX*4), R12; \
	IMULQ   R9, R12; \
	ADDQ    R8, R12; \
	ADDQ    R11, R12

#define NEXTROW \
	ADDQ 88(AX), SI; \
	ADDQ 96(AX), DI; \
	ADDQ 8(AX), DX; \
	DECQ R14

// ---------------------------------------------------------------- AVX-512

#define MUL512(m, v, t, acc) \
	VMULPS m, v, t; \
	VADDPS t, acc, acc

#define RELU512(acc) \
	VMAXPS acc, Z30, acc; \
	VPANDD Z31, acc, acc

// func rows512(a *args)
TEXT ·rows512(SB), NOSPLIT, $0-8
	ROWS_SETUP
	VPXORD       Z30, Z30, Z30
	VPBROADCASTD absmask<>(SB), Z31

row512:
	XORQ R11, R11

four512:
	LEAQ   256(R11), R12
	CMPQ   R12, R13
	JGT    one512
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	XORQ   CX, CX

slots512x4:
	WROW
	VBROADCASTSS (DI)(CX*4), Z8
	MUL512((R12), Z8, Z9, Z0)
	MUL512(64(R12), Z8, Z10, Z1)
	MUL512(128(R12), Z8, Z11, Z2)
	MUL512(192(R12), Z8, Z12, Z3)
	INCQ         CX
	CMPQ         CX, BX
	JLT          slots512x4

	VADDPS (R10)(R11*1), Z0, Z0
	VADDPS 64(R10)(R11*1), Z1, Z1
	VADDPS 128(R10)(R11*1), Z2, Z2
	VADDPS 192(R10)(R11*1), Z3, Z3
	CMPQ   80(AX), $0
	JEQ    store512x4
	RELU512(Z0)
	RELU512(Z1)
	RELU512(Z2)
	RELU512(Z3)

store512x4:
	VMOVUPS Z0, (DX)(R11*1)
	VMOVUPS Z1, 64(DX)(R11*1)
	VMOVUPS Z2, 128(DX)(R11*1)
	VMOVUPS Z3, 192(DX)(R11*1)
	ADDQ    $256, R11
	JMP     four512

one512:
	CMPQ   R11, R13
	JGE    next512
	VPXORD Z0, Z0, Z0
	XORQ   CX, CX

slots512x1:
	WROW
	VBROADCASTSS (DI)(CX*4), Z8
	MUL512((R12), Z8, Z9, Z0)
	INCQ         CX
	CMPQ         CX, BX
	JLT          slots512x1

	VADDPS (R10)(R11*1), Z0, Z0
	CMPQ   80(AX), $0
	JEQ    store512x1
	RELU512(Z0)

store512x1:
	VMOVUPS Z0, (DX)(R11*1)
	ADDQ    $64, R11
	JMP     one512

next512:
	NEXTROW
	JNZ row512
	VZEROUPPER
	RET

// ---------------------------------------------------------------- AVX2

#define MUL256(m, v, t, acc) \
	VMULPS m, v, t; \
	VADDPS t, acc, acc

#define RELU256(acc) \
	VMAXPS acc, Y14, acc; \
	VANDPS Y15, acc, acc

// func rows256(a *args)
TEXT ·rows256(SB), NOSPLIT, $0-8
	ROWS_SETUP
	VXORPS       Y14, Y14, Y14
	VBROADCASTSS absmask<>(SB), Y15

row256:
	XORQ R11, R11

four256:
	LEAQ   128(R11), R12
	CMPQ   R12, R13
	JGT    one256
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	XORQ   CX, CX

slots256x4:
	WROW
	VBROADCASTSS (DI)(CX*4), Y8
	MUL256((R12), Y8, Y9, Y0)
	MUL256(32(R12), Y8, Y10, Y1)
	MUL256(64(R12), Y8, Y11, Y2)
	MUL256(96(R12), Y8, Y12, Y3)
	INCQ         CX
	CMPQ         CX, BX
	JLT          slots256x4

	VADDPS (R10)(R11*1), Y0, Y0
	VADDPS 32(R10)(R11*1), Y1, Y1
	VADDPS 64(R10)(R11*1), Y2, Y2
	VADDPS 96(R10)(R11*1), Y3, Y3
	CMPQ   80(AX), $0
	JEQ    store256x4
	RELU256(Y0)
	RELU256(Y1)
	RELU256(Y2)
	RELU256(Y3)

store256x4:
	VMOVUPS Y0, (DX)(R11*1)
	VMOVUPS Y1, 32(DX)(R11*1)
	VMOVUPS Y2, 64(DX)(R11*1)
	VMOVUPS Y3, 96(DX)(R11*1)
	ADDQ    $128, R11
	JMP     four256

one256:
	CMPQ   R11, R13
	JGE    next256
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	XORQ   CX, CX

slots256x2:
	WROW
	VBROADCASTSS (DI)(CX*4), Y8
	MUL256((R12), Y8, Y9, Y0)
	MUL256(32(R12), Y8, Y10, Y1)
	INCQ         CX
	CMPQ         CX, BX
	JLT          slots256x2

	VADDPS (R10)(R11*1), Y0, Y0
	VADDPS 32(R10)(R11*1), Y1, Y1
	CMPQ   80(AX), $0
	JEQ    store256x2
	RELU256(Y0)
	RELU256(Y1)

store256x2:
	VMOVUPS Y0, (DX)(R11*1)
	VMOVUPS Y1, 32(DX)(R11*1)
	ADDQ    $64, R11
	JMP     one256

next256:
	NEXTROW
	JNZ row256
	VZEROUPPER
	RET

// Registers of scatter512/scatter256: AX args, DX weight gradient (y),
// R8 output gradient row (w), R9 ldy, R13 n (bytes), R14 rows left, SI
// idx row, DI val row, BX k, CX slot, R12 weight gradient row, R11
// offset.

#define SCATTER_SETUP \
	MOVQ a+0(FP), AX; \
	MOVQ 0(AX), DX; \
	MOVQ 8(AX), R9; \
	MOVQ 16(AX), R8; \
	MOVQ 40(AX), R13; \
	SHLQ $2, R13; \
	MOVQ 48(AX), SI; \
	MOVQ 56(AX), DI; \
	MOVQ 64(AX), BX; \
	MOVQ 72(AX), R14

// func scatter512(a *args)
TEXT ·scatter512(SB), NOSPLIT, $0-8
	SCATTER_SETUP
	VPXORD Z30, Z30, Z30

srow512:
	XORQ CX, CX

sslot512:
	VBROADCASTSS (DI)(CX*4), Z8
	VCMPPS       $4, Z30, Z8, K1 // value ≠ 0 (NaN counts as ≠)
	KORTESTW     K1, K1
	JZ           sskip512
	MOVLQSX      (SI)(CX*4), R12
	IMULQ        R9, R12
	ADDQ         DX, R12
	XORQ         R11, R11

sout512:
	VMULPS  (R8)(R11*1), Z8, Z9
	VMOVUPS (R12)(R11*1), Z10
	VADDPS  Z9, Z10, Z10
	VMOVUPS Z10, (R12)(R11*1)
	ADDQ    $64, R11
	CMPQ    R11, R13
	JLT     sout512

sskip512:
	INCQ CX
	CMPQ CX, BX
	JLT  sslot512
	ADDQ 88(AX), SI
	ADDQ 96(AX), DI
	ADDQ 24(AX), R8
	DECQ R14
	JNZ  srow512
	VZEROUPPER
	RET

// func scatter256(a *args)
TEXT ·scatter256(SB), NOSPLIT, $0-8
	SCATTER_SETUP
	VXORPS Y14, Y14, Y14

srow256:
	XORQ CX, CX

sslot256:
	VBROADCASTSS (DI)(CX*4), Y8
	VCMPPS       $4, Y14, Y8, Y9 // value ≠ 0 (NaN counts as ≠)
	VMOVMSKPS    Y9, R12
	TESTL        R12, R12
	JZ           sskip256
	MOVLQSX      (SI)(CX*4), R12
	IMULQ        R9, R12
	ADDQ         DX, R12
	XORQ         R11, R11

sout256:
	VMULPS  (R8)(R11*1), Y8, Y9
	VMOVUPS (R12)(R11*1), Y10
	VADDPS  Y9, Y10, Y10
	VMOVUPS Y10, (R12)(R11*1)
	VMULPS  32(R8)(R11*1), Y8, Y11
	VMOVUPS 32(R12)(R11*1), Y12
	VADDPS  Y11, Y12, Y12
	VMOVUPS Y12, 32(R12)(R11*1)
	ADDQ    $64, R11
	CMPQ    R11, R13
	JLT     sout256

sskip256:
	INCQ CX
	CMPQ CX, BX
	JLT  sslot256
	ADDQ 88(AX), SI
	ADDQ 96(AX), DI
	ADDQ 24(AX), R8
	DECQ R14
	JNZ  srow256
	VZEROUPPER
	RET

// Dense tiles: c = a·b for 4 rows (gemm512x4) or 1 row (gemm512x1) and n
// columns, reading a *gemmArgs: 0 a, 8 lda (bytes), 16 b, 24 ldb (bytes),
// 32 c, 40 ldc (bytes), 48 k (≥ 1), 56 n (a multiple of 16). Each lane
// sums its column in order of p with a rounded product (VMULPS with the
// element of a broadcast, then VADDPS), as Rows does.
//
// Registers: SI a, BX lda, AX 3·lda, R8 b, R9 ldb, DX c, R10 ldc, R13 k,
// R14 n (bytes), R11 column offset, CX p left, DI a at p, R12 b at p.

#define GEMM_SETUP \
	MOVQ a+0(FP), AX; \
	MOVQ 0(AX), SI; \
	MOVQ 8(AX), BX; \
	MOVQ 16(AX), R8; \
	MOVQ 24(AX), R9; \
	MOVQ 32(AX), DX; \
	MOVQ 40(AX), R10; \
	MOVQ 48(AX), R13; \
	MOVQ 56(AX), R14; \
	SHLQ $2, R14; \
	LEAQ (BX)(BX*2), AX; \
	XORQ R11, R11

#define ZERO8 \
	VPXORD Z0, Z0, Z0; \
	VPXORD Z1, Z1, Z1; \
	VPXORD Z2, Z2, Z2; \
	VPXORD Z3, Z3, Z3; \
	VPXORD Z4, Z4, Z4; \
	VPXORD Z5, Z5, Z5; \
	VPXORD Z6, Z6, Z6; \
	VPXORD Z7, Z7, Z7

#define MACB(m, w, t, acc) \
	VMULPS.BCST m, w, t; \
	VADDPS      t, acc, acc

// func gemm512x4(a *gemmArgs)
TEXT ·gemm512x4(SB), NOSPLIT, $0-8
	GEMM_SETUP

g4c32:
	LEAQ 128(R11), R12
	CMPQ R12, R14
	JGT  g4c16
	ZERO8
	MOVQ SI, DI
	LEAQ (R8)(R11*1), R12
	MOVQ R13, CX

g4p32:
	VMOVUPS (R12), Z16
	VMOVUPS 64(R12), Z17
	MACB((DI), Z16, Z20, Z0)
	MACB((DI), Z17, Z21, Z1)
	MACB((DI)(BX*1), Z16, Z22, Z2)
	MACB((DI)(BX*1), Z17, Z23, Z3)
	MACB((DI)(BX*2), Z16, Z24, Z4)
	MACB((DI)(BX*2), Z17, Z25, Z5)
	MACB((DI)(AX*1), Z16, Z26, Z6)
	MACB((DI)(AX*1), Z17, Z27, Z7)
	ADDQ    $4, DI
	ADDQ    R9, R12
	DECQ    CX
	JNZ     g4p32

	LEAQ    (DX)(R11*1), R12
	LEAQ    (R12)(R10*2), DI
	VMOVUPS Z0, (R12)
	VMOVUPS Z1, 64(R12)
	VMOVUPS Z2, (R12)(R10*1)
	VMOVUPS Z3, 64(R12)(R10*1)
	VMOVUPS Z4, (DI)
	VMOVUPS Z5, 64(DI)
	VMOVUPS Z6, (DI)(R10*1)
	VMOVUPS Z7, 64(DI)(R10*1)
	ADDQ    $128, R11
	JMP     g4c32

g4c16:
	CMPQ   R11, R14
	JGE    g4done
	VPXORD Z0, Z0, Z0
	VPXORD Z2, Z2, Z2
	VPXORD Z4, Z4, Z4
	VPXORD Z6, Z6, Z6
	MOVQ   SI, DI
	LEAQ   (R8)(R11*1), R12
	MOVQ   R13, CX

g4p16:
	VMOVUPS (R12), Z16
	MACB((DI), Z16, Z20, Z0)
	MACB((DI)(BX*1), Z16, Z22, Z2)
	MACB((DI)(BX*2), Z16, Z24, Z4)
	MACB((DI)(AX*1), Z16, Z26, Z6)
	ADDQ    $4, DI
	ADDQ    R9, R12
	DECQ    CX
	JNZ     g4p16

	LEAQ    (DX)(R11*1), R12
	LEAQ    (R12)(R10*2), DI
	VMOVUPS Z0, (R12)
	VMOVUPS Z2, (R12)(R10*1)
	VMOVUPS Z4, (DI)
	VMOVUPS Z6, (DI)(R10*1)
	ADDQ    $64, R11
	JMP     g4c16

g4done:
	VZEROUPPER
	RET

// func gemm512x1(a *gemmArgs)
TEXT ·gemm512x1(SB), NOSPLIT, $0-8
	GEMM_SETUP

g1c64:
	LEAQ   256(R11), R12
	CMPQ   R12, R14
	JGT    g1c16
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	MOVQ   SI, DI
	LEAQ   (R8)(R11*1), R12
	MOVQ   R13, CX

g1p64:
	VBROADCASTSS (DI), Z8
	MUL512((R12), Z8, Z20, Z0)
	MUL512(64(R12), Z8, Z21, Z1)
	MUL512(128(R12), Z8, Z22, Z2)
	MUL512(192(R12), Z8, Z23, Z3)
	ADDQ         $4, DI
	ADDQ R9, R12
	DECQ CX
	JNZ  g1p64

	LEAQ    (DX)(R11*1), R12
	VMOVUPS Z0, (R12)
	VMOVUPS Z1, 64(R12)
	VMOVUPS Z2, 128(R12)
	VMOVUPS Z3, 192(R12)
	ADDQ    $256, R11
	JMP     g1c64

g1c16:
	CMPQ   R11, R14
	JGE    g1done
	VPXORD Z0, Z0, Z0
	MOVQ   SI, DI
	LEAQ   (R8)(R11*1), R12
	MOVQ   R13, CX

g1p16:
	VMOVUPS (R12), Z16
	MACB((DI), Z16, Z20, Z0)
	ADDQ    $4, DI
	ADDQ    R9, R12
	DECQ    CX
	JNZ     g1p16

	LEAQ    (DX)(R11*1), R12
	VMOVUPS Z0, (R12)
	ADDQ    $64, R11
	JMP     g1c16

g1done:
	VZEROUPPER
	RET

// func gemm512x4t(a *gemmArgs): gemm512x4 for a transposed a (stored
// k×m, lda its row stride): the 4 rows' elements of one p are adjacent
// and p steps by lda.
TEXT ·gemm512x4t(SB), NOSPLIT, $0-8
	GEMM_SETUP

t4c32:
	LEAQ 128(R11), R12
	CMPQ R12, R14
	JGT  t4c16
	ZERO8
	MOVQ SI, DI
	LEAQ (R8)(R11*1), R12
	MOVQ R13, CX

t4p32:
	VMOVUPS (R12), Z16
	VMOVUPS 64(R12), Z17
	MACB((DI), Z16, Z20, Z0)
	MACB((DI), Z17, Z21, Z1)
	MACB(4(DI), Z16, Z22, Z2)
	MACB(4(DI), Z17, Z23, Z3)
	MACB(8(DI), Z16, Z24, Z4)
	MACB(8(DI), Z17, Z25, Z5)
	MACB(12(DI), Z16, Z26, Z6)
	MACB(12(DI), Z17, Z27, Z7)
	ADDQ    BX, DI
	ADDQ    R9, R12
	DECQ    CX
	JNZ     t4p32

	LEAQ    (DX)(R11*1), R12
	LEAQ    (R12)(R10*2), DI
	VMOVUPS Z0, (R12)
	VMOVUPS Z1, 64(R12)
	VMOVUPS Z2, (R12)(R10*1)
	VMOVUPS Z3, 64(R12)(R10*1)
	VMOVUPS Z4, (DI)
	VMOVUPS Z5, 64(DI)
	VMOVUPS Z6, (DI)(R10*1)
	VMOVUPS Z7, 64(DI)(R10*1)
	ADDQ    $128, R11
	JMP     t4c32

t4c16:
	CMPQ   R11, R14
	JGE    t4done
	VPXORD Z0, Z0, Z0
	VPXORD Z2, Z2, Z2
	VPXORD Z4, Z4, Z4
	VPXORD Z6, Z6, Z6
	MOVQ   SI, DI
	LEAQ   (R8)(R11*1), R12
	MOVQ   R13, CX

t4p16:
	VMOVUPS (R12), Z16
	MACB((DI), Z16, Z20, Z0)
	MACB(4(DI), Z16, Z22, Z2)
	MACB(8(DI), Z16, Z24, Z4)
	MACB(12(DI), Z16, Z26, Z6)
	ADDQ    BX, DI
	ADDQ    R9, R12
	DECQ    CX
	JNZ     t4p16

	LEAQ    (DX)(R11*1), R12
	LEAQ    (R12)(R10*2), DI
	VMOVUPS Z0, (R12)
	VMOVUPS Z2, (R12)(R10*1)
	VMOVUPS Z4, (DI)
	VMOVUPS Z6, (DI)(R10*1)
	ADDQ    $64, R11
	JMP     t4c16

t4done:
	VZEROUPPER
	RET

// func gemm512x1t(a *gemmArgs): gemm512x1 for a transposed a.
TEXT ·gemm512x1t(SB), NOSPLIT, $0-8
	GEMM_SETUP

t1c64:
	LEAQ   256(R11), R12
	CMPQ   R12, R14
	JGT    t1c16
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	MOVQ   SI, DI
	LEAQ   (R8)(R11*1), R12
	MOVQ   R13, CX

t1p64:
	VBROADCASTSS (DI), Z8
	MUL512((R12), Z8, Z20, Z0)
	MUL512(64(R12), Z8, Z21, Z1)
	MUL512(128(R12), Z8, Z22, Z2)
	MUL512(192(R12), Z8, Z23, Z3)
	ADDQ         BX, DI
	ADDQ R9, R12
	DECQ CX
	JNZ  t1p64

	LEAQ    (DX)(R11*1), R12
	VMOVUPS Z0, (R12)
	VMOVUPS Z1, 64(R12)
	VMOVUPS Z2, 128(R12)
	VMOVUPS Z3, 192(R12)
	ADDQ    $256, R11
	JMP     t1c64

t1c16:
	CMPQ   R11, R14
	JGE    t1done
	VPXORD Z0, Z0, Z0
	MOVQ   SI, DI
	LEAQ   (R8)(R11*1), R12
	MOVQ   R13, CX

t1p16:
	VMOVUPS (R12), Z16
	MACB((DI), Z16, Z20, Z0)
	ADDQ    BX, DI
	ADDQ    R9, R12
	DECQ    CX
	JNZ     t1p16

	LEAQ    (DX)(R11*1), R12
	VMOVUPS Z0, (R12)
	ADDQ    $64, R11
	JMP     t1c16

t1done:
	VZEROUPPER
	RET

// func maskPositive512(dz, h *float32, n int): dz[i] = 0 where !(h[i] >
// 0), for n a multiple of 16.
TEXT ·maskPositive512(SB), NOSPLIT, $0-24
	MOVQ   dz+0(FP), DI
	MOVQ   h+8(FP), SI
	MOVQ   n+16(FP), CX
	SHRQ   $4, CX
	VPXORD Z1, Z1, Z1

mask512:
	VMOVUPS (SI), Z0
	VCMPPS  $0x1e, Z1, Z0, K1 // h > 0, ordered
	VMOVUPS.Z (DI), K1, Z2
	VMOVUPS Z2, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	DECQ    CX
	JNZ     mask512
	VZEROUPPER
	RET

// func adam512(w, grad, m, v *float32, n int, c *AdamConsts): AdamUpdate on
// n elements (a multiple of 16), the same operations in the same order
// (VMULPS, VADDPS, VSQRTPS, VDIVPS round like their scalar forms). c: 0
// 1−β1, 4 1−β2, 8 β1, 12 β2, 16 ε, 20 −η, 24 c1, 28 c2.
TEXT ·adam512(SB), NOSPLIT, $0-48
	MOVQ         w+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         m+16(FP), R8
	MOVQ         v+24(FP), R9
	MOVQ         n+32(FP), CX
	MOVQ         c+40(FP), AX
	SHRQ         $4, CX
	VBROADCASTSS 0(AX), Z20
	VBROADCASTSS 4(AX), Z21
	VBROADCASTSS 8(AX), Z22
	VBROADCASTSS 12(AX), Z23
	VBROADCASTSS 16(AX), Z24
	VBROADCASTSS 20(AX), Z25
	VBROADCASTSS 24(AX), Z26
	VBROADCASTSS 28(AX), Z27
	VPXORD       Z28, Z28, Z28

adam:
	VMOVUPS (SI), Z0
	VMULPS  Z20, Z0, Z1  // t1 = g·(1−β1)
	VMULPS  Z0, Z0, Z2   // g·g
	VMULPS  Z21, Z2, Z2  // ·(1−β2)
	VMULPS  (R8), Z22, Z3 // m·β1
	VADDPS  Z3, Z1, Z1   // new m = t1 + m·β1
	VMULPS  (R9), Z23, Z4 // v·β2
	VADDPS  Z4, Z2, Z2   // new v = gg + v·β2
	VMOVUPS Z1, (R8)
	VMOVUPS Z2, (R9)
	VMULPS  Z26, Z1, Z1  // new m·c1
	VMULPS  Z27, Z2, Z2  // new v·c2
	VSQRTPS Z2, Z2
	VADDPS  Z24, Z2, Z2  // + ε
	VMULPS  Z25, Z1, Z1  // ·(−η)
	VDIVPS  Z2, Z1, Z1   // / (√ + ε)
	VADDPS  (DI), Z1, Z1 // w + update
	VMOVUPS Z1, (DI)
	VMOVUPS Z28, (SI)
	ADDQ    $64, DI
	ADDQ    $64, SI
	ADDQ    $64, R8
	ADDQ    $64, R9
	DECQ    CX
	JNZ     adam
	VZEROUPPER
	RET
