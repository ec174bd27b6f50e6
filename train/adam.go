package train

import "math"

// adam is gorgonia's AdamSolver for the first layer's parameters, fused
// into one pass over each tensor without allocation. It does the
// solver's float32 operations in the solver's order (its defaults: β1 0.9,
// β2 0.999, ε 1e-8, no clipping or regularization), so the parameters
// come out bit for bit as gorgonia.NewAdamSolver would leave them
// (TestAdamMatchesGorgonia); the solver itself clones each tensor four
// times a step, which made the 482×64 first layer the costliest part of
// a flights training step.
type adam struct {
	eta   float64
	iter  int
	m, v  [][]float32 // per tensor
	betas [2]float64
}

func newAdam(eta float64, sizes ...int) *adam {
	a := &adam{eta: eta, betas: [2]float64{0.9, 0.999}}
	for _, n := range sizes {
		a.m, a.v = append(a.m, make([]float32, n)), append(a.v, make([]float32, n))
	}
	return a
}

// adamStep is one step's constants, as the solver computes them.
type adamStep struct {
	omb1, omb2, b1, b2, eps, negEta, cv1, cv2 float32
}

// next advances the iteration and returns its constants.
func (a *adam) next() adamStep {
	a.iter++
	c1 := 1 - math.Pow(a.betas[0], float64(a.iter))
	c2 := 1 - math.Pow(a.betas[1], float64(a.iter))
	return adamStep{
		omb1: float32(1) - float32(a.betas[0]), omb2: float32(1) - float32(a.betas[1]),
		b1: float32(a.betas[0]), b2: float32(a.betas[1]), eps: float32(1e-8), negEta: -float32(a.eta),
		cv1: float32(1) / float32(c1), cv2: float32(1) / float32(c2),
	}
}

// update applies the step to w[lo:hi] of tensor t with gradient g, and
// zeroes g there, as the solver does. Elements are independent, so
// callers may split [0, len(w)) between goroutines.
func (s adamStep) update(a *adam, t int, w, g []float32, lo, hi int) {
	m, v := a.m[t][lo:hi], a.v[t][lo:hi]
	w, g = w[lo:hi][:len(m)], g[lo:hi][:len(m)]
	for i, gi := range g {
		t1 := float32(gi * s.omb1)
		gg := float32(float32(gi*gi) * s.omb2)
		nm := t1 + float32(m[i]*s.b1)
		nv := gg + float32(v[i]*s.b2)
		m[i], v[i] = nm, nv
		mh := float32(nm * s.cv1)
		vh := float32(math.Sqrt(float64(float32(nv*s.cv2)))) + s.eps // correctly rounded, as the solver's SQRTSS
		mh = float32(mh*s.negEta) / vh
		w[i] += mh
		g[i] = 0
	}
}
