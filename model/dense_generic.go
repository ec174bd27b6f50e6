//go:build purego || !amd64

package model

func detectDense() denseISA { return denseGo }

// runDense is never called: without assembly tiles NewDense packs no
// panels and Dense.Forward runs gemmBias.
func runDense(_ denseISA, d *Dense, dst, src []float32, lo, hi int) {
	gemmBias(dst[lo*d.out:hi*d.out], src[lo*d.in:hi*d.in], d.w, d.b, hi-lo, d.in, d.out)
	if d.act == ReLU {
		d.act.apply(dst[lo*d.out:hi*d.out], d.out)
	}
}
