//go:build !purego

package model

import "unsafe"

// int8GatherArgs is what int8Gather512 reads; int8gather_amd64.s depends
// on the field offsets (0, 8, ..., 88 floor, 92 sx).
type int8GatherArgs struct {
	y     unsafe.Pointer // first output
	ldy   int            // bytes between output rows
	q     unsafe.Pointer // int8Gather.qt
	ldq   int            // bytes between its rows
	scale unsafe.Pointer // float32 per output, times sx: the weight scale
	bias  unsafe.Pointer
	n     int            // outputs, a multiple of 16
	idx   unsafe.Pointer // slots of the first row
	d     unsafe.Pointer // their code − zp, int32
	k     int            // slots per row, ≥ 1
	rows  int            // ≥ 1
	floor float32
	sx    float32 // the input scale (1 with a static layer's scales)
}

//go:noescape
func int8Gather512(a *int8GatherArgs)

// int8GatherRows computes the outputs with the AVX-512 kernel when the
// int8 kernel is VNNI (it needs AVX-512F only), else in Go.
func int8GatherRows(y []float32, ldy int, g *int8Gather, sx float32, scale, bias []float32, floor float32, idx, d []int32, k, rows int, acc []int32) {
	if kernelISA != isaVNNI || k == 0 || rows == 0 || ldy%blockOut != 0 {
		int8GatherGo(y, ldy, g, sx, scale, bias, floor, idx, d, k, rows, acc)
		return
	}
	a := int8GatherArgs{y: unsafe.Pointer(&y[0]), ldy: 4 * ldy, q: unsafe.Pointer(&g.qt[0]), ldq: g.ld,
		scale: unsafe.Pointer(&scale[0]), bias: unsafe.Pointer(&bias[0]), n: ldy,
		idx: unsafe.Pointer(&idx[0]), d: unsafe.Pointer(&d[0]), k: k, rows: rows, floor: floor, sx: sx}
	int8Gather512(&a)
}
