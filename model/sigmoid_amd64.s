//go:build !purego

#include "textflag.h"

// func sigmoid512(y *float32, n int): y[i] = fastSigmoid(y[i]) in place,
// n a positive multiple of 16; the same float32 operations in the same
// order as fastSigmoid (sigmoid.go): clamp −x (VMAXPS, VMINPS with the
// bound second, so NaN gives the bound), n = roundeven(z·log2e)
// (VRNDSCALEPS $0), two-step reduction, Horner, p·2^n (VSCALEFPS, exact
// here), 1/(1+e).

DATA sigc<>+0(SB)/4, $-86.0
DATA sigc<>+4(SB)/4, $87.0
DATA sigc<>+8(SB)/4, $1.44269504088896341
DATA sigc<>+12(SB)/4, $0.693359375
DATA sigc<>+16(SB)/4, $-2.12194440e-4
DATA sigc<>+20(SB)/4, $0.001388888888888889
DATA sigc<>+24(SB)/4, $0.008333333333333333
DATA sigc<>+28(SB)/4, $0.041666666666666664
DATA sigc<>+32(SB)/4, $0.16666666666666666
DATA sigc<>+36(SB)/4, $0.5
DATA sigc<>+40(SB)/4, $1.0
GLOBL sigc<>(SB), RODATA|NOPTR, $44

TEXT ·sigmoid512(SB), NOSPLIT, $0-16
	MOVQ y+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSS sigc<>+0(SB), Z20
	VBROADCASTSS sigc<>+4(SB), Z21
	VBROADCASTSS sigc<>+8(SB), Z22
	VBROADCASTSS sigc<>+12(SB), Z23
	VBROADCASTSS sigc<>+16(SB), Z24
	VBROADCASTSS sigc<>+20(SB), Z25
	VBROADCASTSS sigc<>+24(SB), Z26
	VBROADCASTSS sigc<>+28(SB), Z27
	VBROADCASTSS sigc<>+32(SB), Z28
	VBROADCASTSS sigc<>+36(SB), Z29
	VBROADCASTSS sigc<>+40(SB), Z30
	VPXORD       Z31, Z31, Z31

loop:
	VSUBPS      (SI), Z31, Z0  // z = 0 − x = −x
	VMAXPS      Z20, Z0, Z0
	VMINPS      Z21, Z0, Z0
	VMULPS      Z22, Z0, Z1
	VRNDSCALEPS $0, Z1, Z1     // n
	VMULPS      Z23, Z1, Z2
	VSUBPS      Z2, Z0, Z0     // r = z − n·ln2hi
	VMULPS      Z24, Z1, Z2
	VSUBPS      Z2, Z0, Z0     // r −= n·ln2lo
	VMULPS      Z0, Z25, Z3    // p = c6·r
	VADDPS      Z26, Z3, Z3
	VMULPS      Z0, Z3, Z3
	VADDPS      Z27, Z3, Z3
	VMULPS      Z0, Z3, Z3
	VADDPS      Z28, Z3, Z3
	VMULPS      Z0, Z3, Z3
	VADDPS      Z29, Z3, Z3
	VMULPS      Z0, Z3, Z3
	VADDPS      Z30, Z3, Z3
	VMULPS      Z0, Z3, Z3
	VADDPS      Z30, Z3, Z3
	VSCALEFPS   Z1, Z3, Z3     // e = p·2^n
	VADDPS      Z30, Z3, Z3
	VDIVPS      Z3, Z30, Z3    // 1/(1+e)
	VMOVUPS     Z3, (SI)
	ADDQ        $64, SI
	SUBQ        $16, CX
	JNZ         loop
	VZEROUPPER
	RET
