//go:build !purego

package model

import "golang.org/x/sys/cpu"

//go:noescape
func sigmoid512(y *float32, n int)

var hasAVX512 = cpu.X86.HasAVX512F

// fastSigmoids applies fastSigmoid to every value of y, 16 at a time in
// AVX-512 where the CPU has it.
func fastSigmoids(y []float32) {
	n := len(y) &^ 15
	if hasAVX512 && n > 0 {
		sigmoid512(&y[0], n)
	}
	fastSigmoidGo(y[n:])
}
