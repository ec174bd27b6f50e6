package train

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// solverParam is a tensor and its gradient for gorgonia's solver.
type solverParam struct{ v, g *tensor.Dense }

func (p solverParam) Value() gorgonia.Value         { return p.v }
func (p solverParam) Grad() (gorgonia.Value, error) { return p.g, nil }

// adam gives gorgonia's AdamSolver's parameters bit for bit, over steps
// with gradients of every size, a learning-rate change included.
func TestAdamMatchesGorgonia(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 1000
	w0 := make([]float32, n)
	for i := range w0 {
		w0[i] = float32(r.NormFloat64())
	}
	want, got := slices.Clone(w0), slices.Clone(w0)
	gw := make([]float32, n)
	solver := gorgonia.NewAdamSolver(gorgonia.WithLearnRate(0.002))
	p := solverParam{tensor.New(tensor.WithShape(n), tensor.WithBacking(want)), tensor.New(tensor.WithShape(n), tensor.WithBacking(gw))}
	a := newAdam(0.002, n)
	g := make([]float32, n)
	for step := range 60 {
		if step == 40 {
			gorgonia.WithLearnRate(0.0007)(solver)
			a.eta = 0.0007
		}
		for i := range g {
			g[i] = float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(8)-6)))
			if r.IntN(5) == 0 {
				g[i] = 0
			}
		}
		copy(gw, g)
		if err := solver.Step([]gorgonia.ValueGrad{p}); err != nil {
			t.Fatal(err)
		}
		st := a.next()
		a.update(st, 0, got, g, 0, 300)
		a.update(st, 0, got, g, 300, n)
		for i := range want {
			if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
				t.Fatalf("step %d, weight %d: %v, solver %v", step, i, got[i], want[i])
			}
			if g[i] != 0 || gw[i] != 0 {
				t.Fatalf("step %d: gradient %d not zeroed", step, i)
			}
		}
	}
}
