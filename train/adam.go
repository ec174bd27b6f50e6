package train

import (
	"math"

	"github.com/refit-ml/refit/internal/gather"
)

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

// next advances the iteration and returns its constants, as the solver
// computes them.
func (a *adam) next() *gather.AdamConsts {
	a.iter++
	c1 := 1 - math.Pow(a.betas[0], float64(a.iter))
	c2 := 1 - math.Pow(a.betas[1], float64(a.iter))
	return &gather.AdamConsts{
		OneMinusBeta1: float32(1) - float32(a.betas[0]), OneMinusBeta2: float32(1) - float32(a.betas[1]),
		Beta1: float32(a.betas[0]), Beta2: float32(a.betas[1]), Eps: float32(1e-8), NegEta: -float32(a.eta),
		Correction1: float32(1) / float32(c1), Correction2: float32(1) / float32(c2),
	}
}

// update applies the step c to w[lo:hi] of tensor t with gradient g, and
// zeroes g there, as the solver does. Elements are independent, so
// callers may split [0, len(w)) between goroutines.
func (a *adam) update(c *gather.AdamConsts, t int, w, g []float32, lo, hi int) {
	gather.AdamUpdate(w[lo:hi], g[lo:hi], a.m[t][lo:hi], a.v[t][lo:hi], c)
}
