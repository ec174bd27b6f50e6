package model

// The float32 dense kernel. On amd64 with AVX-512 or AVX2, Dense.Forward
// runs the assembly tiles of dense_amd64.s over the weights packed once by
// NewDense into panels of 16 outputs, [in][16] each (zero-padded at the
// tail): one vector holds one input's weights for 16 consecutive outputs,
// so the tiles vectorize across outputs and every lane still sums its own
// dot product in index order, with a separate multiply and add (no FMA),
// then adds the bias, exactly like gemmBias below. The outputs are
// bit-identical on every path (NaN payloads aside: when two different NaNs
// meet in a sum, which one survives depends on the operand order the Go
// compiler picks), and a row's output does not depend on its batch. The
// tiles are 4 rows × 32 outputs (AVX-512; 4 × 16 with AVX2) and 1 row ×
// up to 64 outputs for batch 1 and the rows left over; a relu is fused
// into their store. Separate multiplies and adds cost half the FMA peak
// on Intel CPUs, where both use the same two pipes, and little on AMD
// Zen 4, where adds have pipes of their own. Elsewhere (other CPUs, other
// architectures, the purego tag) gemmBias, plain Go, is the kernel; it
// stays the reference the tests compare the assembly with. It rounds each
// product explicitly (float32(v*w)): the Go spec lets a compiler fuse
// x*y+z into one FMA, which GOAMD64=v3 and arm64 builds do, and an
// explicit conversion forbids it.

// denseISA is a float32 dense kernel implementation.
type denseISA int

const (
	denseGo     denseISA = iota // gemmBias, portable Go
	denseAVX2                   // ymm tiles: 4 rows × 16 outputs, 1 × 64
	denseAVX512                 // zmm tiles: 4 rows × 32 outputs, 1 × 64
)

func (k denseISA) String() string {
	return [...]string{"go", "avx2", "avx512"}[k]
}

// denseKernel is the kernel Dense uses, chosen once from the CPU's
// features. Tests switch it to compare the paths.
var denseKernel = detectDense()

// panelWidth is the number of outputs of one packed weight panel.
const panelWidth = 16

// packPanels returns W (out×in, row-major) as panels of panelWidth
// outputs, [out/panelWidth rounded up][in][panelWidth], and b padded to
// a whole number of panels. The padding is zero.
func packPanels(w, b []float32, in, out int) (panels, bpad []float32) {
	np := (out + panelWidth - 1) / panelWidth
	panels = make([]float32, np*in*panelWidth)
	for o := range out {
		p := panels[o/panelWidth*in*panelWidth+o%panelWidth:]
		for k, v := range w[o*in : o*in+in] {
			p[k*panelWidth] = v
		}
	}
	bpad = make([]float32, np*panelWidth)
	copy(bpad, b)
	return panels, bpad
}

// gemmBias computes y = x·Wᵀ + b for x rows×in, W out×in (row-major) and
// y rows×out. It works on 4 rows × 2 outputs at a time: every weight load
// is used 4 times and every input load twice, with 8 accumulators that
// stay in registers.
func gemmBias(y, x, w, b []float32, rows, in, out int) {
	r := 0
	for ; r+4 <= rows; r += 4 {
		x0 := x[r*in : r*in+in]
		x1 := x[(r+1)*in : (r+1)*in+in]
		x2 := x[(r+2)*in : (r+2)*in+in]
		x3 := x[(r+3)*in : (r+3)*in+in]
		o := 0
		for ; o+2 <= out; o += 2 {
			w0 := w[o*in : o*in+in]
			w1 := w[(o+1)*in : (o+1)*in+in]
			s00, s01, s10, s11, s20, s21, s30, s31 := dot4x2(x0, x1, x2, x3, w0, w1)
			y[r*out+o], y[r*out+o+1] = s00+b[o], s01+b[o+1]
			y[(r+1)*out+o], y[(r+1)*out+o+1] = s10+b[o], s11+b[o+1]
			y[(r+2)*out+o], y[(r+2)*out+o+1] = s20+b[o], s21+b[o+1]
			y[(r+3)*out+o], y[(r+3)*out+o+1] = s30+b[o], s31+b[o+1]
		}
		for ; o < out; o++ {
			wo := w[o*in : o*in+in]
			y[r*out+o] = dot(x0, wo) + b[o]
			y[(r+1)*out+o] = dot(x1, wo) + b[o]
			y[(r+2)*out+o] = dot(x2, wo) + b[o]
			y[(r+3)*out+o] = dot(x3, wo) + b[o]
		}
	}
	for ; r < rows; r++ {
		gemvBias(y[r*out:r*out+out], x[r*in:r*in+in], w, b)
	}
}

// gemvBias computes one row, four outputs at a time: four independent
// accumulators, each still summed in index order.
func gemvBias(y, x, w, b []float32) {
	in, out := len(x), len(y)
	o := 0
	for ; o+4 <= out; o += 4 {
		w0 := w[o*in : o*in+in][:len(x)]
		w1 := w[(o+1)*in : (o+1)*in+in][:len(x)]
		w2 := w[(o+2)*in : (o+2)*in+in][:len(x)]
		w3 := w[(o+3)*in : (o+3)*in+in][:len(x)]
		var s0, s1, s2, s3 float32
		for k, v := range x {
			s0 += float32(v * w0[k])
			s1 += float32(v * w1[k])
			s2 += float32(v * w2[k])
			s3 += float32(v * w3[k])
		}
		y[o], y[o+1], y[o+2], y[o+3] = s0+b[o], s1+b[o+1], s2+b[o+2], s3+b[o+3]
	}
	for ; o < out; o++ {
		y[o] = dot(x, w[o*in:o*in+in]) + b[o]
	}
}

func dot4x2(x0, x1, x2, x3, w0, w1 []float32) (s00, s01, s10, s11, s20, s21, s30, s31 float32) {
	n := len(x0)
	x1, x2, x3, w0, w1 = x1[:n], x2[:n], x3[:n], w0[:n], w1[:n]
	for k := 0; k < n; k++ {
		a, c := w0[k], w1[k]
		v0, v1, v2, v3 := x0[k], x1[k], x2[k], x3[k]
		s00 += float32(v0 * a)
		s01 += float32(v0 * c)
		s10 += float32(v1 * a)
		s11 += float32(v1 * c)
		s20 += float32(v2 * a)
		s21 += float32(v2 * c)
		s30 += float32(v3 * a)
		s31 += float32(v3 * c)
	}
	return
}

// dot is the inner product of two equally long vectors, summed in order
// like dot4x2 so a row's result does not depend on its place in a batch.
func dot(x, w []float32) float32 {
	w = w[:len(x)]
	var s float32
	for k, v := range x {
		s += float32(v * w[k])
	}
	return s
}
