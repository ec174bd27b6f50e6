package model

import "math"

// The int8 layers' sigmoid: a float32 exp by range reduction and a
// degree-6 polynomial, then 1/(1+e). Its absolute error against the exact
// logistic function is below 1e-6 (TestFastSigmoidError; about 2e-7), a
// hundredth of an int8 model's own quantization error, and it costs a few
// instructions per value where Activation.apply's float64 math.Exp costs
// tens of nanoseconds. Float layers keep Activation.apply, so float models
// give the same bits as before. Every step is one rounded float32
// operation (no fused multiply-adds), so sigmoid512 in assembly gives the
// bits of fastSigmoid.

// Constants of fastSigmoid (sigmoid_amd64.s repeats them).
const (
	sigLo    = -86 // clamp of −x: 2^n stays a normal number
	sigHi    = 87
	sigLog2e = 1.44269504088896341
	sigLn2Hi = 0.693359375 // few bits: n·sigLn2Hi is exact
	sigLn2Lo = -2.12194440e-4
	sigC6    = 1.0 / 720
	sigC5    = 1.0 / 120
	sigC4    = 1.0 / 24
	sigC3    = 1.0 / 6
	sigC2    = 0.5
	sigRound = 0x1.8p23
)

// fastSigmoid is 1/(1+e^−x) in float32 operations; see the comment above.
// NaN gives the value at x = −sigLo, as the assembly's compares do.
func fastSigmoid(x float32) float32 {
	z := -x
	if !(z > sigLo) { // VMAXPS: NaN takes the bound
		z = sigLo
	}
	if !(z < sigHi) {
		z = sigHi
	}
	// roundeven(z·log2e) (|z·log2e| < 2^22): adding and taking away
	// 1.5·2^23 rounds to an integer in float32 arithmetic
	n := float32(float32(float32(z*sigLog2e)+sigRound) - sigRound)
	r := float32(z - float32(n*sigLn2Hi))
	r = float32(r - float32(n*sigLn2Lo))
	p := float32(sigC6)
	p = float32(float32(p*r) + sigC5)
	p = float32(float32(p*r) + sigC4)
	p = float32(float32(p*r) + sigC3)
	p = float32(float32(p*r) + sigC2)
	p = float32(float32(p*r) + 1)
	p = float32(float32(p*r) + 1)
	// p·2^n, exact: p is in [0.7, 1.5) and n in [−124, 126]
	e := math.Float32frombits(math.Float32bits(p) + uint32(int32(n))<<23)
	return 1 / float32(1+e)
}

// fastSigmoidGo applies fastSigmoid to every value of y.
func fastSigmoidGo(y []float32) {
	for i, v := range y {
		y[i] = fastSigmoid(v)
	}
}

// applyAct applies an int8 layer's activation after its fused relu: the
// fast sigmoid for a sigmoid, Activation.apply for the others.
func applyAct(a Activation, y []float32, out int) {
	switch a {
	case ReLU, Identity:
	case Sigmoid:
		fastSigmoids(y)
	default:
		a.apply(y, out)
	}
}
