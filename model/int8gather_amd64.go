//go:build !purego

package model

import (
	"math"
	"unsafe"

	"golang.org/x/sys/cpu"
)

// hasGather4: int8Gather512 combines four slots per VPDPBUSD (it needs
// AVX-512BW's byte unpacks besides VNNI).
var hasGather4 = cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VNNI

// int8GatherArgs is what int8Gather512 reads; int8gather_amd64.s depends
// on the field offsets (0, 8, ..., 88 floor, 92 sx, 96 zp, 100 codes, 104
// qinv, 108 qzp, 112 q4).
type int8GatherArgs struct {
	y     unsafe.Pointer // first output (float32, or uint8 with codes ≠ 0)
	ldy   int            // bytes between output rows
	q     unsafe.Pointer // int8Gather.qt
	ldq   int            // bytes between its rows
	scale unsafe.Pointer // float32 per output, times sx: the weight scale
	bias  unsafe.Pointer
	n     int            // outputs, a multiple of 16
	idx   unsafe.Pointer // slots of the first row
	c     unsafe.Pointer // their codes, uint8
	k     int            // slots per row, ≥ 1
	rows  int            // ≥ 1
	floor float32
	sx    float32 // the input scale (1 with a static layer's scales)
	zp    int32   // the codes' zero point
	codes int32   // ≠ 0: quantize the outputs with qinv, qzp; 2: without the floor, 3: nor qzp (0)
	qinv  float32
	qzp   float32
	q4    unsafe.Pointer // int8Gather.qt4, or nil: one slot at a time
}

//go:noescape
func int8Gather512(a *int8GatherArgs)

// int8GatherRows computes the outputs with the AVX-512 kernel when the
// int8 kernel is VNNI (it needs AVX-512F only), else in Go.
func int8GatherRows(c *gatherCall) {
	if kernelISA != isaVNNI || c.k == 0 || c.rows == 0 || c.ldy%blockOut != 0 {
		int8GatherGo(c)
		return
	}
	a := int8GatherArgs{q: unsafe.Pointer(&c.g.qt[0]), ldq: c.g.ld,
		scale: unsafe.Pointer(&c.scale[0]), bias: unsafe.Pointer(&c.bias[0]), n: c.ldy,
		idx: unsafe.Pointer(&c.idx[0]), c: unsafe.Pointer(&c.c[0]), k: c.k, rows: c.rows,
		floor: c.floor, sx: c.sx, zp: c.zp}
	if c.g.qt4 != nil {
		a.q4 = unsafe.Pointer(&c.g.qt4[0])
	}
	if c.qy != nil {
		a.y, a.ldy, a.codes, a.qinv, a.qzp = unsafe.Pointer(&c.qy[0]), c.ldy, 1, c.qinv, c.qzp
		if floorIdle(c.floor, c.qinv, c.qzp) {
			a.codes = 2
			if c.qzp == 0 {
				a.codes = 3
			}
		}
	} else {
		a.y, a.ldy = unsafe.Pointer(&c.y[0]), 4*c.ldy
	}
	int8Gather512(&a)
}

// floorIdle reports whether the codes epilogue's clamp at 0 makes the
// floor max(v, floor) redundant: with qinv > 0, every v below a floor of 0
// (a NaN, −0 or less) gives v·qinv + 0 ≤ 0 or NaN, clamped to 0 as the
// floor's 0 is; with no floor (−∞) the max only turns a NaN into −∞,
// clamped to 0 as the NaN is (VMAXPS returns its second operand, 0, for
// a NaN).
func floorIdle(floor, qinv, qzp float32) bool {
	if !(qinv > 0) || math.IsInf(float64(qzp), 0) || qzp != qzp {
		return false
	}
	return math.IsInf(float64(floor), -1) || (floor == 0 && qzp == 0)
}
