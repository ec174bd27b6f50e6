//go:build !purego

package model

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// denseArgs is what a dense assembly tile reads; dense_amd64.s depends on
// the field offsets (0, 8, ..., 64 tail, 72 relu).
type denseArgs struct {
	x       unsafe.Pointer // first input row
	ldx     int            // bytes between input rows
	w       unsafe.Pointer // first panel
	k       int            // inputs per row, ≥ 1
	y       unsafe.Pointer // first output of the first row
	ldy     int            // bytes between output rows
	b       unsafe.Pointer // padded bias of the first panel
	wstride int            // bytes between panels
	tail    int            // outputs to store of the tile's last panel, 1..16
	relu    int            // ≠ 0: store max(v, 0) like Activation.apply
}

// The assembly tiles of dense_amd64.s, named by ISA, rows × panels of 16
// outputs. Each reads a *denseArgs.
//
//go:noescape
func dense512x4x2(a *denseArgs)

//go:noescape
func dense512x4x1(a *denseArgs)

//go:noescape
func dense512x1x4(a *denseArgs)

//go:noescape
func dense512x1x2(a *denseArgs)

//go:noescape
func dense512x1x1(a *denseArgs)

//go:noescape
func dense256x4x1(a *denseArgs)

//go:noescape
func dense256x1x4(a *denseArgs)

//go:noescape
func dense256x1x2(a *denseArgs)

//go:noescape
func dense256x1x1(a *denseArgs)

// detectDense picks the fastest float32 dense kernel this CPU runs.
func detectDense() denseISA {
	switch {
	case cpu.X86.HasAVX512F && cpu.X86.HasAVX2:
		return denseAVX512
	case cpu.X86.HasAVX2:
		return denseAVX2
	}
	return denseGo
}

// runDense computes output rows [lo, hi) of d, a relu included but no
// other activation, with k's tiles: 4 rows at a time, then single rows.
func runDense(k denseISA, d *Dense, dst, src []float32, lo, hi int) {
	a := denseArgs{ldx: 4 * d.in, k: d.in, ldy: 4 * d.out, wstride: 4 * d.in * panelWidth}
	if d.act == ReLU {
		a.relu = 1
	}
	r := lo
	for ; r+4 <= hi; r += 4 {
		d.denseRow(k, &a, dst, src, r, 4)
	}
	for ; r < hi; r++ {
		d.denseRow(k, &a, dst, src, r, 1)
	}
}

// denseRow computes every output of rows [r, r+n), n = 4 or 1, with the
// widest tiles that fit.
func (d *Dense) denseRow(k denseISA, a *denseArgs, dst, src []float32, r, n int) {
	a.x = unsafe.Pointer(&src[r*d.in])
	np := len(d.bpad) / panelWidth
	for p := 0; p < np; {
		step := tileFor(k, n, np-p)
		a.w = unsafe.Pointer(&d.panels[p*d.in*panelWidth])
		a.y = unsafe.Pointer(&dst[r*d.out+p*panelWidth])
		a.b = unsafe.Pointer(&d.bpad[p*panelWidth])
		a.tail = min(panelWidth, d.out-(p+step-1)*panelWidth)
		denseTile(k, n, step, a)
		p += step
	}
}

// tileFor is how many panels the tile for n rows takes when left panels
// remain: the most the ISA's tiles hold.
func tileFor(k denseISA, n, left int) int {
	most := 4
	if n == 4 {
		most = 1
		if k == denseAVX512 {
			most = 2
		}
	}
	for most > left {
		most /= 2
	}
	return most
}

// denseTile runs the tile of n rows × panels panels.
func denseTile(k denseISA, n, panels int, a *denseArgs) {
	switch {
	case k == denseAVX512 && n == 4 && panels == 2:
		dense512x4x2(a)
	case k == denseAVX512 && n == 4:
		dense512x4x1(a)
	case k == denseAVX512 && panels == 4:
		dense512x1x4(a)
	case k == denseAVX512 && panels == 2:
		dense512x1x2(a)
	case k == denseAVX512:
		dense512x1x1(a)
	case n == 4:
		dense256x4x1(a)
	case panels == 4:
		dense256x1x4(a)
	case panels == 2:
		dense256x1x2(a)
	default:
		dense256x1x1(a)
	}
}
