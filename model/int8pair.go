package model

import "math"

// The last two layers of the flights model's shape (… → 32 → 1, both
// static int8) run as one pass: the first layer's 32 outputs never leave
// the registers as codes, and the last layer's single output is summed
// per row instead of by a 16-output tile that keeps one lane. The outputs
// are those of running the two layers' tiles one after the other (the
// codes epilogue, then the tile), bit for bit: TestInt8PairIdentical.

// pairs reports whether l and next run as one pass (int8Pair512): next is
// the model's last layer, l.fusesInto(next), l has 32 outputs and next one.
func (l *Int8Dense) pairs(next *Int8Dense) bool {
	return hasPairKernel && kernelISA == isaVNNI && l.out == 2*blockOut && next.out == 1 && next.in == l.out
}

// stepPair runs l and next (l.pairs(next)) on rows rows into dst (rows
// floats): from l's input floats src, or from its input codes in in, as
// step does.
func (l *Int8Dense) stepPair(dst, src []float32, in *int8Tiles, rows int, next *Int8Dense, own **int8Tiles) {
	t := l.input(src, in, rows, own)
	n := rows &^ 3
	if n > 0 {
		runPair(l, next, t.xq[:n*l.kp], t.args.zp, t.args.sx, dst[:n])
	}
	if n < rows { // the last 1–3 rows, padded with zero codes to 4
		if len(t.tail) < 4*l.kp {
			t.tail = make([]uint8, 4*l.kp)
		}
		clear(t.tail)
		copy(t.tail, t.xq[n*l.kp:rows*l.kp])
		var y [4]float32
		runPair(l, next, t.tail, t.args.zp, t.args.sx, y[:])
		copy(dst[n:rows], y[:])
	}
	if own == nil {
		l.pool.Put(t)
	}
	applyAct(next.act, dst[:rows], 1)
}

// input returns l's input codes for rows rows: in, or src quantized into
// scratch (own's, or else from l's pool), with their zero point and scale
// in args.
func (l *Int8Dense) input(src []float32, in *int8Tiles, rows int, own **int8Tiles) *int8Tiles {
	if in != nil {
		return in
	}
	t := l.tilesFor(own, rows)
	src = src[:rows*l.in]
	sx, zp := l.inScale, l.inZero
	if sx == 0 {
		sx, zp = dynamicParams(minmax(kernelISA, src))
	}
	l.quantizeInput(t, src, rows, 1/sx, zp)
	t.args.zp, t.args.sx = int32(zp), sx
	return t
}

// actFloor is the epilogue's lower bound for an activation: 0 for a relu.
func actFloor(a Activation) float32 {
	if a == ReLU {
		return 0
	}
	return float32(math.Inf(-1))
}
