//go:build !purego

#include "textflag.h"

// func int8Gather512(a *int8GatherArgs): for each row and each output o
// < n, acc = Σ_s d[s]·Q[idx[s]][o] in int32 (VPMOVSXBD, VPMULLD, VPADDD;
// slots with d = 0 skipped), then the int8 tiles' epilogue:
// max(float32(acc)·(sx·scale[o]) + bias[o], floor) with VCVTDQ2PS,
// VMULPS, VADDPS and VMAXPS (v first, so a NaN or a tie gives floor, as
// epilogue in Go). 64 outputs at a time, then 16.
//
// Args: 0 y, 8 ldy (bytes), 16 q, 24 ldq (bytes), 32 scale, 40 bias,
// 48 n, 56 idx, 64 d, 72 k, 80 rows, 88 floor, 92 sx.
//
// Registers: AX args, DX output row, SI idx row, DI d row, R8 q, R9 ldq,
// R10 scale, R11 output, R12 scratch, R13 n, R14 rows left, BX k, CX
// slot; Z30 floor, Z31 sx, Z13 scratch.

#define QROW \
	MOVLQSX (SI)(CX*4), R12; \
	IMULQ   R9, R12; \
	ADDQ    R8, R12; \
	ADDQ    R11, R12

#define QMAC(off, d, t, acc) \
	VPMOVSXBD off(R12), t; \
	VPMULLD   t, d, t; \
	VPADDD    t, acc, acc

#define EPI(off, acc) \
	VCVTDQ2PS acc, acc; \
	VMULPS    off(R10)(R11*4), Z31, Z13; \
	VMULPS    Z13, acc, acc; \
	VADDPS    off(R12)(R11*4), acc, acc; \
	VMAXPS    Z30, acc, acc

TEXT ·int8Gather512(SB), NOSPLIT, $0-8
	MOVQ         a+0(FP), AX
	MOVQ         0(AX), DX
	MOVQ         16(AX), R8
	MOVQ         24(AX), R9
	MOVQ         32(AX), R10
	MOVQ         48(AX), R13
	MOVQ         56(AX), SI
	MOVQ         64(AX), DI
	MOVQ         72(AX), BX
	MOVQ         80(AX), R14
	VBROADCASTSS 88(AX), Z30
	VBROADCASTSS 92(AX), Z31

row:
	XORQ R11, R11

four:
	LEAQ   64(R11), R12
	CMPQ   R12, R13
	JGT    one
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	XORQ   CX, CX

slots4:
	MOVL         (DI)(CX*4), R12
	TESTL        R12, R12
	JZ           skip4
	VPBROADCASTD R12, Z8
	QROW
	QMAC(0, Z8, Z9, Z0)
	QMAC(16, Z8, Z10, Z1)
	QMAC(32, Z8, Z11, Z2)
	QMAC(48, Z8, Z12, Z3)

skip4:
	INCQ CX
	CMPQ CX, BX
	JLT  slots4

	MOVQ    40(AX), R12
	EPI(0, Z0)
	EPI(64, Z1)
	EPI(128, Z2)
	EPI(192, Z3)
	VMOVUPS Z0, (DX)(R11*4)
	VMOVUPS Z1, 64(DX)(R11*4)
	VMOVUPS Z2, 128(DX)(R11*4)
	VMOVUPS Z3, 192(DX)(R11*4)
	ADDQ    $64, R11
	JMP     four

one:
	CMPQ   R11, R13
	JGE    next
	VPXORD Z0, Z0, Z0
	XORQ   CX, CX

slots1:
	MOVL         (DI)(CX*4), R12
	TESTL        R12, R12
	JZ           skip1
	VPBROADCASTD R12, Z8
	QROW
	QMAC(0, Z8, Z9, Z0)

skip1:
	INCQ CX
	CMPQ CX, BX
	JLT  slots1

	MOVQ    40(AX), R12
	EPI(0, Z0)
	VMOVUPS Z0, (DX)(R11*4)
	ADDQ    $16, R11
	JMP     one

next:
	ADDQ 8(AX), DX
	LEAQ (SI)(BX*4), SI
	LEAQ (DI)(BX*4), DI
	DECQ R14
	JNZ  row
	VZEROUPPER
	RET
