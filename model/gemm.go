package model

// The dense kernel is plain Go. Measured against gonum's Sgemm (v0.15.0,
// already in go.sum) on 256×128 · 128×256 on this 2-core machine under
// load: 1.8-2.3 GMAC/s here (2.5-2.8 in BenchmarkGemm with less load),
// 2.6 for gonum on one thread (SSE assembly) and 7.4 when gonum spreads
// one call over both cores. The gap did not justify a dependency whose summation order this package cannot pin
// and whose goroutines compete with the caller's; callers that want more
// throughput run one Predictor per goroutine.

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
			s0 += v * w0[k]
			s1 += v * w1[k]
			s2 += v * w2[k]
			s3 += v * w3[k]
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
		s00 += v0 * a
		s01 += v0 * c
		s10 += v1 * a
		s11 += v1 * c
		s20 += v2 * a
		s21 += v2 * c
		s30 += v3 * a
		s31 += v3 * c
	}
	return
}

// dot is the inner product of two equally long vectors, summed in order
// like dot4x2 so a row's result does not depend on its place in a batch.
func dot(x, w []float32) float32 {
	w = w[:len(x)]
	var s float32
	for k, v := range x {
		s += v * w[k]
	}
	return s
}
