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
// zero padded.
type int8Gather struct {
	once   sync.Once
	qt     []int8
	ld     int
	static []float32 // a static layer's input scale × weight scales, padded
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
		if l.inScale != 0 {
			g.static = make([]float32, g.ld)
			for o := range g.static {
				g.static[o] = l.inScale * l.scalePad[o]
			}
		}
	})
	return g
}

// gatherScratch is a Predictor's scratch for the int8 gather.
type gatherScratch struct {
	d   []int32   // rows×k: code − zp per slot
	y   []float32 // rows×ld outputs when out is not a multiple of 16
	acc []int32   // the Go kernel's sums, ld
}

func (l *Int8Dense) gatherRows(dst []float32, idx []int32, val []float32, k, rows int, sc *gatherScratch) {
	g := l.gt.get(l)
	val = val[:rows*k]
	sx, zp := l.inScale, l.inZero
	if sx == 0 {
		sx, zp = dynamicParams(minmax(kernelISA, val))
	}
	sc.d = slotCodes(sc.d, val, 1/sx, zp)
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
	y, ldy := dst, l.out
	if l.out%blockOut != 0 {
		if cap(sc.y) < rows*g.ld {
			sc.y = make([]float32, rows*g.ld)
		}
		y, ldy = sc.y[:rows*g.ld], g.ld
	}
	if cap(sc.acc) < g.ld {
		sc.acc = make([]int32, g.ld)
	}
	int8GatherRows(y, ldy, g, ks, scale, l.bpad, floor, idx, sc.d, k, rows, sc.acc[:g.ld])
	if ldy != l.out {
		for r := range rows {
			copy(dst[r*l.out:(r+1)*l.out], y[r*ldy:])
		}
	}
	if l.act != ReLU && l.act != Identity {
		l.act.apply(dst[:rows*l.out], l.out)
	}
}

// slotCodes returns code(v) − zp for every slot value, in d (grown if
// needed): 0 for a zero value, and one shared code for the one-hot 1s.
func slotCodes(d []int32, val []float32, inv, zp float32) []int32 {
	if cap(d) < len(val) {
		d = make([]int32, len(val))
	}
	d = d[:len(val)]
	izp := int32(zp)
	one := int32(quantizeOne(1, inv, zp)) - izp
	for i, v := range val {
		switch v {
		case 0:
			d[i] = 0
		case 1:
			d[i] = one
		default:
			d[i] = int32(quantizeOne(v, inv, zp)) - izp
		}
	}
	return d
}

// int8GatherGo computes rows outputs of ld lanes: the slots' integer sum
// (in acc, g.ld long), then the tiles' epilogue.
func int8GatherGo(y []float32, ldy int, g *int8Gather, sx float32, scale, bias []float32, floor float32, idx, d []int32, k, rows int, acc []int32) {
	n := min(ldy, g.ld)
	for r := range rows {
		clear(acc)
		for s, f := range idx[r*k : (r+1)*k] {
			c := d[r*k+s]
			if c == 0 {
				continue
			}
			q := g.qt[int(f)*g.ld:][:len(acc)]
			for o, w := range q {
				acc[o] += c * int32(w)
			}
		}
		yr := y[r*ldy : r*ldy+n]
		for o := range yr {
			yr[o] = epilogue(acc[o], 0, sx*scale[o], bias[o], floor)
		}
	}
}
