//go:build !purego

package model

import "golang.org/x/sys/cpu"

// The assembly tiles of kernel_amd64.s. Each reads a *tileArgs.
//
//go:noescape
func tile4x4VNNI(a *tileArgs)

//go:noescape
func tile4x1VNNI(a *tileArgs)

//go:noescape
func tile1x4VNNI(a *tileArgs)

//go:noescape
func tile1x1VNNI(a *tileArgs)

//go:noescape
func tile4x1AVX2(a *tileArgs)

//go:noescape
func tile1x1AVX2(a *tileArgs)

//go:noescape
func minmaxAVX2(x *float32, n int, out *[16]float32)

//go:noescape
func quantizeAVX2(dst *uint8, x *float32, n int, inv, zp float32)

// detectISA picks the fastest int8 kernel this CPU runs: AVX-512 VNNI
// (VPDPBUSD), AVX2 (VPMADDUBSW + VPMADDWD) or portable Go.
func detectISA() isa {
	switch {
	case cpu.X86.HasAVX512F && cpu.X86.HasAVX512VNNI && cpu.X86.HasAVX2:
		return isaVNNI
	case cpu.X86.HasAVX2:
		return isaAVX2
	}
	return isaGo
}

// minmax returns the smallest and largest of x.
func minmax(k isa, x []float32) (lo, hi float32) {
	n := len(x) &^ 15
	if k == isaGo || n == 0 {
		return minmaxGo(x)
	}
	var lanes [16]float32
	minmaxAVX2(&x[0], n, &lanes)
	lo, hi = lanes[0], lanes[8]
	for i := 1; i < 8; i++ { // plain compares: the builtins' NaN and ±0 rules cost 3× here
		if v := lanes[i]; v < lo {
			lo = v
		}
		if v := lanes[8+i]; v > hi {
			hi = v
		}
	}
	if n < len(x) {
		l, h := minmaxGo(x[n:])
		lo, hi = min(lo, l), max(hi, h)
	}
	return lo, hi
}

// quantize writes q(x[i]) to dst[i] (see quantizeGo).
func quantize(k isa, dst []uint8, x []float32, inv, zp float32) {
	n := len(x) &^ 31
	if k == isaGo || n == 0 {
		quantizeGo(dst, x, inv, zp)
		return
	}
	quantizeAVX2(&dst[0], &x[0], n, inv, zp)
	quantizeGo(dst[n:len(x)], x[n:], inv, zp)
}

// runTiles computes rows [lo, hi) of the int8 GEMM with the assembly tiles.
func runTiles(k isa, t *int8Tiles, lo, hi int) {
	if k == isaGo {
		t.goTiles(lo, hi)
		return
	}
	a := &t.args
	nb := t.l.nb
	for r := lo; r < hi; {
		step := 1
		if hi-r >= 4 {
			step = 4
		}
		for b := 0; b < nb; {
			t.at(r, b)
			switch {
			case k == isaVNNI && step == 4 && nb-b >= 4:
				tile4x4VNNI(a)
				b += 4
			case k == isaVNNI && step == 4:
				tile4x1VNNI(a)
				b++
			case k == isaVNNI && nb-b >= 4:
				tile1x4VNNI(a)
				b += 4
			case k == isaVNNI:
				tile1x1VNNI(a)
				b++
			case step == 4:
				tile4x1AVX2(a)
				b++
			default:
				tile1x1AVX2(a)
				b++
			}
		}
		r += step
	}
}
