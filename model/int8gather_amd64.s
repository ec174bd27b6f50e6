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
// then uint8 rows, ldy bytes apart). With codes = 2 the 64-output blocks
// leave out the floor, which the caller has found to change no code
// (int8GatherRows), and with codes = 3, qzp being 0, also the + qzp.
// 64 outputs at a time, then 16.
//
// Args: 0 y, 8 ldy (bytes), 16 q, 24 ldq (bytes), 32 scale, 40 bias,
// 48 n, 56 idx, 64 c (uint8 slot codes), 72 k, 80 rows, 88 floor, 92 sx,
// 96 zp, 100 codes, 104 qinv, 108 qzp, 112 q4.
//
// With q4 (int8Gather.qt4) not nil, the 64-output blocks take four slots
// per step: the four weight rows' bytes (w+128, unsigned) unpacked into
// one dword per output (VPUNPCK[LH]BW, VPUNPCK[LH]WD; qt4's column order
// undoes the unpacks' lane order) and one VPDPBUSD per 16 outputs against
// the four d = code − zp as signed bytes; Σ d·(w+128) − 128·Σ d is the
// same int32 sum (the last term one more VPDPBUSD). Slots past the last
// four take the one-slot steps.
//
// Registers: AX args, DX output row, SI idx row, DI code row, R8 q, R9
// ldq, R10 scale, R11 output, R12 scratch, R13 n, R14 rows left, BX k, CX
// slot, R15 zp; Z30 floor, Z31 sx, Z13 scratch, Z24–Z27 the codes
// epilogue's qinv, qzp, 0 and 127, Z28 bytes of 128, Z29 bytes of zp, Z7
// 128·Σ d, Z14–Z21 the four-slot unpacks.

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

// EPIS and EPIU: EPI without its floor, with sx·scale (EPIS) or, when sx
// is 1 (a static layer, whose scales hold the input scale), with scale
// itself: scale·1 is scale exactly.
#define EPIS(off, acc) \
	VCVTDQ2PS acc, acc; \
	VMULPS    off(R10)(R11*4), Z31, Z13; \
	VMULPS    Z13, acc, acc; \
	VADDPS    off(R12)(R11*4), acc, acc

#define EPIU(off, acc) \
	VCVTDQ2PS acc, acc; \
	VMULPS    off(R10)(R11*4), acc, acc; \
	VADDPS    off(R12)(R11*4), acc, acc

#define QOUT(acc, boff) \
	VMULPS    Z24, acc, acc; \
	VADDPS    Z25, acc, acc; \
	VMAXPS    Z26, acc, acc; \
	VMINPS    Z27, acc, acc; \
	VCVTPS2DQ acc, acc; \
	VPMOVUSDB acc, boff(DX)(R11*1)

// Q4ROW(off, z): z = the 64 bytes of qt4's row for slot CX+off/4 at
// output R11.
#define Q4ROW(off, z) \
	MOVLQSX  off(SI)(CX*4), R12; \
	IMULQ    R9, R12; \
	ADDQ     112(AX), R12; \
	ADDQ     R11, R12; \
	VMOVDQU8 (R12), z

// QOUTZ: QOUT when qzp is zero: x + 0 is x but for x = −0, which the
// clamp at 0 makes 0 either way.
#define QOUTZ(acc, boff) \
	VMULPS    Z24, acc, acc; \
	VMAXPS    Z26, acc, acc; \
	VMINPS    Z27, acc, acc; \
	VCVTPS2DQ acc, acc; \
	VPMOVUSDB acc, boff(DX)(R11*1)

DATA gf127<>+0(SB)/4, $127.0
GLOBL gf127<>(SB), RODATA|NOPTR, $4

DATA gb128<>+0(SB)/4, $0x80808080
GLOBL gb128<>(SB), RODATA|NOPTR, $4

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
	VPBROADCASTD gb128<>(SB), Z28
	IMUL3L       $0x01010101, R15, R12
	VPBROADCASTD R12, Z29

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
	CMPQ   112(AX), $0
	JEQ    slots4
	VPXORD Z7, Z7, Z7

g4:
	LEAQ         4(CX), R12
	CMPQ         R12, BX
	JGT          g4done
	VPBROADCASTD (DI)(CX*1), Z8
	VPSUBB       Z29, Z8, Z8
	VPDPBUSD     Z8, Z28, Z7
	Q4ROW(0, Z14)
	Q4ROW(4, Z15)
	Q4ROW(8, Z16)
	Q4ROW(12, Z17)
	VPUNPCKLBW   Z15, Z14, Z18
	VPUNPCKHBW   Z15, Z14, Z19
	VPUNPCKLBW   Z17, Z16, Z20
	VPUNPCKHBW   Z17, Z16, Z21
	VPUNPCKLWD   Z20, Z18, Z14
	VPUNPCKHWD   Z20, Z18, Z15
	VPUNPCKLWD   Z21, Z19, Z16
	VPUNPCKHWD   Z21, Z19, Z17
	VPDPBUSD     Z8, Z14, Z0
	VPDPBUSD     Z8, Z15, Z1
	VPDPBUSD     Z8, Z16, Z2
	VPDPBUSD     Z8, Z17, Z3
	ADDQ         $4, CX
	JMP          g4

g4done:
	VPSUBD Z7, Z0, Z0
	VPSUBD Z7, Z1, Z1
	VPSUBD Z7, Z2, Z2
	VPSUBD Z7, Z3, Z3
	CMPQ   CX, BX
	JGE    epi4

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

epi4:
	MOVQ 40(AX), R12
	CMPL 92(AX), $0x3f800000
	JEQ  unit4
	EPIS(0, Z0)
	EPIS(64, Z1)
	EPIS(128, Z2)
	EPIS(192, Z3)
	JMP  floor4

unit4:
	EPIU(0, Z0)
	EPIU(64, Z1)
	EPIU(128, Z2)
	EPIU(192, Z3)

floor4:
	CMPL    100(AX), $2
	JGE     q4
	VMAXPS  Z30, Z0, Z0
	VMAXPS  Z30, Z1, Z1
	VMAXPS  Z30, Z2, Z2
	VMAXPS  Z30, Z3, Z3
	CMPL    100(AX), $0
	JNE     q4
	VMOVUPS Z0, (DX)(R11*4)
	VMOVUPS Z1, 64(DX)(R11*4)
	VMOVUPS Z2, 128(DX)(R11*4)
	VMOVUPS Z3, 192(DX)(R11*4)
	ADDQ    $64, R11
	JMP     four

q4:
	CMPL    100(AX), $3
	JEQ     qz4
	QOUT(Z0, 0)
	QOUT(Z1, 16)
	QOUT(Z2, 32)
	QOUT(Z3, 48)
	ADDQ    $64, R11
	JMP     four

qz4:
	QOUTZ(Z0, 0)
	QOUTZ(Z1, 16)
	QOUTZ(Z2, 32)
	QOUTZ(Z3, 48)
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
