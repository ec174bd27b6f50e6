// Package gather computes a dense layer's affine map on sparse feature
// rows (see model.SparseRows) without multiplying zeros: a row's outputs
// are the sum of the weight rows its slots name, each scaled by the
// slot's value (a gather), and the gradient of the weights is the
// gradient of the outputs scattered back into those rows (a
// scatter-add). Packages model (inference) and train (the first layer of
// a network) share these kernels. Train also uses the rest: Gemm and
// GemmTransA, the dense products gorgonia's graphs run on (see
// train/blas.go), MaskPositive (the gradient through a relu) and
// AdamUpdate (the first layer's optimizer step).
//
// Weights are row-major [input][ldw]: the weights of one input for every
// output are contiguous. A row's sparse slots are idx[r*k:(r+1)*k] and
// val[r*k:(r+1)*k].
//
// Every output is summed in slot order from +0, each product rounded to
// float32 before it is added (no fused multiply-add), then the bias is
// added: with slots in ascending feature order this is the sum a dense
// kernel forms over the whole row in index order, because adding a ±0
// product leaves a sum that is never −0 unchanged. The assembly (AVX2 or
// AVX-512, 16 outputs per vector step) and the Go code give the same
// bits (Gemm and GemmTransA have AVX-512 tiles only: elsewhere train
// keeps gonum's products); which runs depends only on the CPU and the
// purego tag.
//
// Functions trust their caller for slice lengths and index ranges; they
// do not allocate.
package gather

// Rows computes, for rows sparse rows of k slots,
//
//	y[r*ldy+o] = Σ_s float32(val[r*k+s]·w[idx[r*k+s]*ldw+o]) + b[o]
//
// for o < n, with max(·, 0) applied when relu is set.
func Rows(y []float32, ldy int, w []float32, ldw int, b []float32, n int, idx []int32, val []float32, k, rows int, relu bool) {
	if rows <= 0 || n <= 0 {
		return
	}
	done := 0
	if n >= 16 && kernel != kernelGo {
		done = n &^ 15
		rowsSIMD(y, ldy, w, ldw, b, done, idx, val, k, rows, relu)
	}
	if done < n {
		rowsGo(y, ldy, w, ldw, b, done, n, idx, val, k, rows, relu)
	}
}

// rowsGo is Rows for outputs [lo, hi).
func rowsGo(y []float32, ldy int, w []float32, ldw int, b []float32, lo, hi int, idx []int32, val []float32, k, rows int, relu bool) {
	var acc [16]float32
	for r := range rows {
		ix, vs := idx[r*k:(r+1)*k], val[r*k:(r+1)*k]
		yr := y[r*ldy : r*ldy+hi]
		for c := lo; c < hi; c += 16 {
			m := min(16, hi-c)
			a := acc[:m]
			clear(a)
			for s, f := range ix {
				v := vs[s]
				wr := w[int(f)*ldw+c:][:m]
				for j := range a {
					a[j] += float32(v * wr[j])
				}
			}
			for j, v := range a {
				v += b[c+j]
				if relu {
					v = max(v, 0)
				}
				yr[c+j] = v
			}
		}
	}
}

// ScatterAdd adds, row by row and slot by slot in order,
// float32(val[r*k+s]·g[r*ldg+o]) to w[idx[r*k+s]*ldw+o] for o in
// [lo, hi). Slots with value 0 are skipped. Each weight's sum is formed
// in the same order whatever [lo, hi) is, so callers may split the
// outputs between goroutines.
func ScatterAdd(w []float32, ldw int, g []float32, ldg int, idx []int32, val []float32, k, rows, lo, hi int) {
	if rows <= 0 || hi <= lo {
		return
	}
	done := lo
	if hi-lo >= 16 && kernel != kernelGo {
		done = lo + (hi-lo)&^15
		scatterSIMD(w, ldw, g, ldg, idx, val, k, rows, lo, done)
	}
	if done < hi {
		scatterGo(w, ldw, g, ldg, idx, val, k, rows, done, hi)
	}
}

func scatterGo(w []float32, ldw int, g []float32, ldg int, idx []int32, val []float32, k, rows, lo, hi int) {
	for r := range rows {
		gr := g[r*ldg+lo : r*ldg+hi]
		for s, f := range idx[r*k : (r+1)*k] {
			v := val[r*k+s]
			if v == 0 {
				continue
			}
			wr := w[int(f)*ldw+lo:][:len(gr)]
			for j, x := range gr {
				wr[j] += float32(v * x)
			}
		}
	}
}

// ColumnSums adds Σ_r g[r*ldg+o] (rows in order) to dst[o] for o in
// [lo, hi): the gradient of the bias.
func ColumnSums(dst, g []float32, ldg, rows, lo, hi int) {
	for r := range rows {
		gr := g[r*ldg+lo : r*ldg+hi]
		d := dst[lo:hi][:len(gr)]
		for j, x := range gr {
			d[j] += x
		}
	}
}

// kernelKind is an implementation of the kernels.
type kernelKind int

const (
	kernelGo     kernelKind = iota // portable Go
	kernelAVX2                     // two ymm per 16 outputs
	kernelAVX512                   // one zmm per 16 outputs
)

func (k kernelKind) String() string { return [...]string{"go", "avx2", "avx512"}[k] }

// kernel is the implementation in use, chosen once from the CPU's
// features; tests switch it to compare the paths.
var kernel = detect()

// Kernel names the implementation in use: "avx512", "avx2" or "go".
func Kernel() string { return kernel.String() }
