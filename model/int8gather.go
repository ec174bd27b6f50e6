package model

import (
	"math"
	"sync"
)

// The int8 first layer on sparse rows. Int8Dense quantizes its inputs to
// codes with a zero point zp; a zero input becomes zp exactly, so the
// zero-point correction of its sum cancels every zero feature:
// Σ_k code_k·Q[o][k] − zp·Σ_k Q[o][k] = Σ_slots (code_s − zp)·Q[o][idx_s].
// gatherRows forms that integer sum over the slots only, then runs the
// same epilogue as the tiles, so the outputs are bit-identical to
// Forward's on the dense rows. A dynamic layer takes its input range from
// the slot values: the dense rows add only zeros, and the range always
// includes 0.

// int8Gather is an Int8Dense's weights laid out for the gather, built on
// first use: Q transposed, [in][ld] with ld the outputs rounded up to 16,
// zero padded; and, where the gather kernel combines four slots per
// instruction (hasGather4), qt4.
type int8Gather struct {
	once   sync.Once
	qt     []int8
	ld     int
	static []float32 // a static layer's input scale × weight scales, padded
	// qt4 is qt as unsigned bytes, w+128, with each 64-output block's
	// columns permuted for the AVX-512 kernel's byte and word unpacks:
	// position 16L+4j+i holds output 16j+4L+i (L, j, i < 4). Columns past
	// the last whole 64-output block are zero and unused.
	qt4 []uint8
}

func (g *int8Gather) get(l *Int8Dense) *int8Gather {
	g.once.Do(func() {
		g.ld = l.nb * blockOut
		g.qt = make([]int8, l.in*g.ld)
		for o := range l.out {
			for k, v := range l.q[o*l.in : (o+1)*l.in] {
				g.qt[k*g.ld+o] = v
			}
		}
		if hasGather4 && g.ld >= 4*blockOut {
			g.qt4 = gather4Layout(g.qt, g.ld)
		}
		if l.inScale != 0 {
			g.static = make([]float32, g.ld)
			for o := range g.static {
				g.static[o] = l.inScale * l.scalePad[o]
			}
		}
	})
	return g
}

// gather4Layout is qt's qt4 (see int8Gather).
func gather4Layout(qt []int8, ld int) []uint8 {
	q4 := make([]uint8, len(qt))
	for k := 0; k < len(qt)/ld; k++ {
		row, dst := qt[k*ld:(k+1)*ld], q4[k*ld:(k+1)*ld]
		for b := 0; b+64 <= ld; b += 64 {
			for p := range 64 {
				l, j, i := p/16, p%16/4, p%4
				dst[b+p] = uint8(row[b+16*j+4*l+i]) ^ 0x80
			}
		}
	}
	return q4
}

// gatherScratch is a Predictor's scratch for the int8 gather.
type gatherScratch struct {
	c   []uint8   // rows×k: the slot values' codes
	y   []float32 // rows×ld outputs when out is not a multiple of 16
	acc []int32   // the Go kernel's sums, ld
}

// gatherCall is one int8 gather: rows sparse rows of k slots (idx, and
// their values' codes with zero point zp) into y (floats, ldy apart) or,
// with qy not nil, into the next layer's input codes qy (ldy bytes
// apart), quantized with qinv and qzp like the tiles' codes epilogue.
type gatherCall struct {
	y           []float32
	qy          []uint8
	ldy         int
	g           *int8Gather
	sx          float32   // multiplies every scale (1 for a static layer)
	scale, bias []float32 // padded to g.ld
	floor       float32
	idx         []int32
	c           []uint8
	zp          int32
	k, rows     int
	qinv, qzp   float32
	acc         []int32 // g.ld int32 of scratch for the Go kernel
}

func (l *Int8Dense) gatherRows(dst []float32, idx []int32, val []float32, k, rows int, sc *gatherScratch) {
	c := l.gatherSetup(idx, val, k, rows, sc)
	y, ldy := dst, l.out
	if l.out%blockOut != 0 {
		if cap(sc.y) < rows*c.g.ld {
			sc.y = make([]float32, rows*c.g.ld)
		}
		y, ldy = sc.y[:rows*c.g.ld], c.g.ld
	}
	c.y, c.ldy = y, ldy
	int8GatherRows(&c)
	if ldy != l.out {
		for r := range rows {
			copy(dst[r*l.out:(r+1)*l.out], y[r*ldy:])
		}
	}
	applyAct(l.act, dst[:rows*l.out], l.out)
}

// gatherCodes is gatherRows writing its outputs as next's input codes
// (l.fusesInto(next)) into next's scratch (see step), which it returns:
// the outputs are quantizeOne of gatherRows's, bit for bit, without the
// float rows in between.
func (l *Int8Dense) gatherCodes(next *Int8Dense, nextOwn **int8Tiles, idx []int32, val []float32, k, rows int, sc *gatherScratch) *int8Tiles {
	c := l.gatherSetup(idx, val, k, rows, sc)
	nt := next.tilesFor(nextOwn, rows)
	nt.args.zp, nt.args.sx = int32(next.inZero), next.inScale
	c.qy, c.ldy, c.qinv, c.qzp = nt.xq[:rows*l.out], l.out, 1/next.inScale, next.inZero
	int8GatherRows(&c)
	return nt
}

// gatherSetup quantizes the slot values and fills the parts of a call
// that do not depend on where the outputs go.
func (l *Int8Dense) gatherSetup(idx []int32, val []float32, k, rows int, sc *gatherScratch) gatherCall {
	g := l.gt.get(l)
	val = val[:rows*k]
	sx, zp := l.inScale, l.inZero
	if sx == 0 {
		sx, zp = dynamicParams(minmax(kernelISA, val))
	}
	if cap(sc.c) < len(val) {
		sc.c = make([]uint8, len(val))
	}
	sc.c = sc.c[:len(val)]
	quantize(kernelISA, sc.c, val, 1/sx, zp)
	if cap(sc.acc) < g.ld {
		sc.acc = make([]int32, g.ld)
	}
	// The kernel multiplies each weight scale by sx (as the tiles do), so
	// a dynamic layer's call needs no per-output setup; a static layer's
	// scales already hold its input scale.
	scale, ks := g.static, float32(1)
	if scale == nil {
		scale, ks = l.scalePad, sx
	}
	floor := float32(math.Inf(-1))
	if l.act == ReLU {
		floor = 0
	}
	return gatherCall{g: g, sx: ks, scale: scale, bias: l.bpad, floor: floor, idx: idx[:rows*k],
		c: sc.c, zp: int32(zp), k: k, rows: rows, acc: sc.acc[:g.ld]}
}

// int8GatherGo computes c.rows outputs of c.ldy lanes: the slots' integer
// sum (in c.acc), then the tiles' epilogue, and with c.qy the codes.
func int8GatherGo(c *gatherCall) {
	g, acc := c.g, c.acc
	n := min(c.ldy, g.ld)
	for r := range c.rows {
		clear(acc)
		for s, f := range c.idx[r*c.k : (r+1)*c.k] {
			d := int32(c.c[r*c.k+s]) - c.zp
			if d == 0 {
				continue
			}
			q := g.qt[int(f)*g.ld:][:len(acc)]
			for o, w := range q {
				acc[o] += d * int32(w)
			}
		}
		for o := range n {
			v := epilogue(acc[o], 0, c.sx*c.scale[o], c.bias[o], c.floor)
			if c.qy != nil {
				c.qy[r*c.ldy+o] = quantizeOne(v, c.qinv, c.qzp)
			} else {
				c.y[r*c.ldy+o] = v
			}
		}
	}
}
