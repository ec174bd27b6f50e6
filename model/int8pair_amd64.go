//go:build !purego

package model

import "unsafe"

// int8PairArgs is what int8Pair512 reads; int8pair_amd64.s depends on the
// field offsets (0, 8, ..., 80 qb, 88 floor, 92 zp, 96 sx, 100 qinv, 104
// qzp, 108 corr, 112 scale, 116 bias, 120 floor).
type int8PairArgs struct {
	x       unsafe.Pointer // first input row (uint8 codes)
	ldx     int            // bytes between input rows
	w       unsafe.Pointer // layer A's packed panel
	k4      int            // groups of 4 inputs
	wstride int            // bytes between A's block panels
	y       unsafe.Pointer // float32 outputs, one per row
	groups  int            // groups of 4 rows, ≥ 1
	wsum    unsafe.Pointer // A's Σ weights, 32 int32
	wscale  unsafe.Pointer // A's weight scales, 32 float32
	bias    unsafe.Pointer // A's biases, 32 float32
	qb      unsafe.Pointer // B's 32 int8 weights
	floor   float32        // A's
	zp      int32          // A's input zero point
	sx      float32        // A's input scale
	qinv    float32        // 1 / B's input scale
	qzp     float32        // B's input zero point
	corr    int32          // B's zero point × Σ its weights
	scale   float32        // B's input scale × its weight scale
	biasB   float32
	floorB  float32
}

//go:noescape
func int8Pair512(a *int8PairArgs)

// hasPairKernel: int8Pair512 exists on this build.
const hasPairKernel = true

// runPair computes groups·4 rows of the pair from the codes at x into y.
func runPair(l, next *Int8Dense, x []uint8, zp int32, sx float32, y []float32) {
	a := int8PairArgs{x: unsafe.Pointer(&x[0]), ldx: l.kp, w: unsafe.Pointer(&l.packed[0]), k4: l.kp / 4,
		wstride: l.kp * blockOut, y: unsafe.Pointer(&y[0]), groups: len(y) / 4,
		wsum: unsafe.Pointer(&l.wsum[0]), wscale: unsafe.Pointer(&l.scalePad[0]), bias: unsafe.Pointer(&l.bpad[0]),
		qb: unsafe.Pointer(&next.q[0]), floor: actFloor(l.act), zp: zp, sx: sx,
		qinv: 1 / next.inScale, qzp: next.inZero,
		corr: int32(next.inZero) * next.wsum[0], scale: next.scalePad[0] * next.inScale,
		biasB: next.bpad[0], floorB: actFloor(next.act)}
	_ = x[len(y)/4*4*l.kp-1]
	int8Pair512(&a)
}
