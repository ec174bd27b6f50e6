package model

import (
	"math"
	"unsafe"
)

// The int8 kernel. Inputs are quantized to unsigned 7-bit codes (0..127)
// with a per-tensor scale and zero point; weights are symmetric int8
// (−127..127) per output channel. 7-bit inputs keep VPMADDUBSW's int16
// pair sums (at most 2·127·127 = 32258) from saturating, so the AVX2,
// AVX-512 VNNI and Go paths compute the same int32 sums exactly, and
// their float epilogue is the same sequence of IEEE operations: the
// outputs are bit-identical whichever path runs.

// isa is an int8 kernel implementation.
type isa int

const (
	isaGo   isa = iota // portable Go
	isaAVX2            // VPMADDUBSW + VPMADDWD, 4 rows × 16 outputs
	isaVNNI            // AVX-512 VPDPBUSD, 4 rows × 64 outputs
)

func (k isa) String() string {
	return [...]string{"go", "avx2", "avx512vnni"}[k]
}

// kernelISA is the kernel Int8Dense uses, chosen once from the CPU's
// features. Tests switch it to compare the paths.
var kernelISA = detectISA()

// KernelISA names the int8 kernel in use: "avx512vnni", "avx2" or "go".
func KernelISA() string { return kernelISA.String() }

// blockOut is the number of outputs of one packed weight block.
const blockOut = 16

// tileArgs is what an assembly tile reads; kernel_amd64.s depends on the
// field offsets (0, 8, ..., 72 floor, 76 zp, 80 wstride, 88 sx, 92 codes,
// 96 qinv, 100 qzp).
//
// The epilogue derives the zero-point correction zp·Σ weights (exact in
// int32) and the output scale sx·weight scale (one float32 multiply) from
// the per-layer vectors itself, so a call does no per-output set-up.
type tileArgs struct {
	x       unsafe.Pointer // first input row (uint8 codes)
	ldx     int            // bytes between input rows
	w       unsafe.Pointer // packed panel of the first block
	k4      int            // groups of 4 inputs
	y       unsafe.Pointer // first output
	ldy     int            // bytes between output rows
	wsum    unsafe.Pointer // int32 per output: Σ weights
	wscale  unsafe.Pointer // float32 per output: weight scale
	bias    unsafe.Pointer // float32 per output
	floor   float32        // 0 for a relu, −Inf otherwise
	zp      int32          // input zero point
	wstride int            // bytes between block panels
	sx      float32        // input scale
	// codes ≠ 0 writes uint8 codes for the next layer instead of floats:
	// roundeven(min(max(v·qinv + qzp, 0), 127)), as quantizeGo.
	codes     int32
	qinv, qzp float32
}

// int8Tiles is the scratch of one Int8Dense.Forward call.
type int8Tiles struct {
	l      *Int8Dense
	xq     []uint8   // rows × kp input codes; the padding stays 0
	y      []float32 // output rows, ldy floats apart
	qy     []uint8   // or output codes, ldy bytes apart (args.codes ≠ 0)
	ybuf   []float32 // padded output when out is not a multiple of 16
	tail   []uint8   // a pair's last rows, padded to 4 (stepPair)
	ldy    int
	args   tileArgs
	done   chan struct{} // the helper goroutine's completion
	helper *int8Tiles    // tile arguments for the helper goroutine
	lo, hi int           // the helper's rows
}

// at points the tile arguments at input row r and output block b.
func (t *int8Tiles) at(r, b int) {
	l, a := t.l, &t.args
	a.x = unsafe.Pointer(&t.xq[r*l.kp])
	a.w = unsafe.Pointer(&l.packed[b*l.kp*blockOut])
	if a.codes != 0 {
		a.y = unsafe.Pointer(&t.qy[r*t.ldy+b*blockOut])
	} else {
		a.y = unsafe.Pointer(&t.y[r*t.ldy+b*blockOut])
	}
	a.wsum = unsafe.Pointer(&l.wsum[b*blockOut])
	a.wscale = unsafe.Pointer(&l.scalePad[b*blockOut])
	a.bias = unsafe.Pointer(&l.bpad[b*blockOut])
}

// goTiles is the portable kernel for rows [lo, hi): the same integer sums
// and the same float epilogue as the assembly.
func (t *int8Tiles) goTiles(lo, hi int) {
	l, a := t.l, &t.args
	for r := lo; r < hi; r++ {
		x := t.xq[r*l.kp : r*l.kp+l.in]
		for o := range l.out {
			w := l.q[o*l.in : o*l.in+l.in][:len(x)]
			var acc int32
			for k, v := range x {
				acc += int32(v) * int32(w[k])
			}
			y := epilogue(acc, a.zp*l.wsum[o], a.sx*l.scale[o], l.bpad[o], a.floor)
			if a.codes != 0 {
				t.qy[r*t.ldy+o] = quantizeOne(y, a.qinv, a.qzp)
			} else {
				t.y[r*t.ldy+o] = y
			}
		}
	}
}

// epilogue dequantizes one sum, adds the bias and applies the floor (a
// fused relu): max(float32(acc−corr)·scale + bias, floor), rounded after
// each operation like the assembly's VPMULLD (corr), VMULPS (scale),
// VCVTDQ2PS, VMULPS, VADDPS, VMAXPS.
func epilogue(acc, corr int32, scale, bias, floor float32) float32 {
	v := float32(float32(acc-corr)*scale) + bias
	if v > floor {
		return v
	}
	return floor
}

// minmaxGo is the portable minmax.
func minmaxGo(x []float32) (lo, hi float32) {
	if len(x) == 0 {
		return 0, 0
	}
	lo, hi = x[0], x[0]
	for _, v := range x[1:] {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// quantizeGo writes roundeven(min(max(x·inv + zp, 0), 127)) for each x,
// the same operations as the assembly.
func quantizeGo(dst []uint8, x []float32, inv, zp float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = quantizeOne(v, inv, zp)
	}
}

func quantizeOne(v, inv, zp float32) uint8 {
	f := float32(v*inv) + zp
	f = min(max(f, 0), 127)
	return uint8(math.RoundToEven(float64(f)))
}

// dynamicParams is the per-tensor input quantization of values in
// [lo, hi]: the range is widened to include 0 and mapped onto 0..127.
// Plain compares instead of the min and max builtins (whose NaN and ±0
// rules cost more than the rest here, once per layer and batch) give the
// same results: a NaN still makes scale NaN, and a zero of either sign
// gives the same scale and zero point.
func dynamicParams(lo, hi float32) (scale, zero float32) {
	if lo > 0 {
		lo = 0
	}
	if hi < 0 {
		hi = 0
	}
	scale = (hi - lo) / 127
	if !(scale > 0) || scale > math.MaxFloat32 {
		return 1, 0
	}
	if lo == 0 { // a relu's outputs: −0/scale rounds to a zero point of 0
		return scale, 0
	}
	zero = float32(math.RoundToEven(float64(-lo / scale)))
	if !(zero > 0) {
		zero = 0
	} else if zero > 127 {
		zero = 127
	}
	return scale, zero
}
