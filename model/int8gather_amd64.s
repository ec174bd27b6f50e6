//go:build !purego

#include "textflag.h"

// func int8Gather512(a *int8GatherArgs): for each row and each output o
// < n, acc = Σ_s d_s·Q[idx[s]][o] in int32 with d_s = code[s] − zp
// (VPMOVSXBD, VPDPWSSD; slots with d = 0 skipped), then the int8
// tiles' epilogue: max(float32(acc)·(sx·scale[o]) + bias[o], floor) with
// VCVTDQ2PS, VMULPS, VADDPS and VMAXPS (v first, so a NaN or a tie gives
// floor, as epilogue in Go). With codes ≠ 0 each output is then quantized
// for the next layer like the tiles' codes epilogue,
// roundeven(min(max(v·qinv + qzp, 0), 127)), and stored as a byte (y is
// then uint8 rows, ldy bytes apart). 64 outputs at a time, then 16.
//
// Args: 0 y, 8 ldy (bytes), 16 q, 24 ldq (bytes), 32 scale, 40 bias,
// 48 n, 56 idx, 64 c (uint8 slot codes), 72 k, 80 rows, 88 floor, 92 sx,
// 96 zp, 100 codes, 104 qinv, 108 qzp.
//
// Registers: AX args, DX output row, SI idx row, DI code row, R8 q, R9
// ldq, R10 scale, R11 output, R12 scratch, R13 n, R14 rows left, BX k, CX
// slot, R15 zp; Z30 floor, Z31 sx, Z13 scratch, Z24–Z27 the codes
// epilogue's qinv, qzp, 0 and 127.

#define QROW \
	MOVLQSX (SI)(CX*4), R12; \
	IMULQ   R9, R12; \
	ADDQ    R8, R12; \
	ADDQ    R11, R12

// QMAC: acc += d·w for 16 outputs. Each int32 lane of t is the weight
// sign-extended, i.e. the int16 pair (w, 0 or −1), and each lane of d the
// pair (d, 0), so VPDPWSSD adds w·d + 0 exactly (one instruction instead
// of VPMULLD and VPADDD).
#define QMAC(off, d, t, acc) \
	VPMOVSXBD off(R12), t; \
	VPDPWSSD  t, d, acc

#define EPI(off, acc) \
	VCVTDQ2PS acc, acc; \
	VMULPS    off(R10)(R11*4), Z31, Z13; \
	VMULPS    Z13, acc, acc; \
	VADDPS    off(R12)(R11*4), acc, acc; \
	VMAXPS    Z30, acc, acc

#define QOUT(acc, boff) \
	VMULPS    Z24, acc, acc; \
	VADDPS    Z25, acc, acc; \
	VMAXPS    Z26, acc, acc; \
	VMINPS    Z27, acc, acc; \
	VCVTPS2DQ acc, acc; \
	VPMOVUSDB acc, boff(DX)(R11*1)

DATA gf127<>+0(SB)/4, $127.0
GLOBL gf127<>(SB), RODATA|NOPTR, $4

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
	VBROADCASTSS gf127<>(SB), Z27
	VBROADCASTSS 104(AX), Z24
	VBROADCASTSS 108(AX), Z25
	VPXORD       Z26, Z26, Z26
	MOVLQSX      96(AX), R15

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
	MOVBLZX      (DI)(CX*1), R12
	SUBL         R15, R12
	JZ           skip4
	ANDL         $0xffff, R12
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
	CMPL    100(AX), $0
	JNE     q4
	VMOVUPS Z0, (DX)(R11*4)
	VMOVUPS Z1, 64(DX)(R11*4)
	VMOVUPS Z2, 128(DX)(R11*4)
	VMOVUPS Z3, 192(DX)(R11*4)
	ADDQ    $64, R11
	JMP     four

q4:
	QOUT(Z0, 0)
	QOUT(Z1, 16)
	QOUT(Z2, 32)
	QOUT(Z3, 48)
	ADDQ    $64, R11
	JMP     four

one:
	CMPQ   R11, R13
	JGE    next
	VPXORD Z0, Z0, Z0
	XORQ   CX, CX

slots1:
	MOVBLZX      (DI)(CX*1), R12
	SUBL         R15, R12
	JZ           skip1
	ANDL         $0xffff, R12
	VPBROADCASTD R12, Z8
	QROW
	QMAC(0, Z8, Z9, Z0)

skip1:
	INCQ CX
	CMPQ CX, BX
	JLT  slots1

	MOVQ    40(AX), R12
	EPI(0, Z0)
	CMPL    100(AX), $0
	JNE     q1
	VMOVUPS Z0, (DX)(R11*4)
	ADDQ    $16, R11
	JMP     one

q1:
	QOUT(Z0, 0)
	ADDQ    $16, R11
	JMP     one

next:
	ADDQ 8(AX), DX
	LEAQ (SI)(BX*4), SI
	ADDQ BX, DI
	DECQ R14
	JNZ  row
	VZEROUPPER
	RET
