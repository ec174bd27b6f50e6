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

// mulAdd is a·b + c as the compiler builds it: with GOAMD64=v3 it may
// fuse it into one FMA, in this package and in gorgonia's.
//
//go:noinline
func mulAdd(a, b, c float32) float32 { return a*b + c }

// compilerFuses reports whether this build fuses a·b + c: (1+2⁻¹²)² − (1+2⁻¹¹)
// is 2⁻²⁴ fused and 0 rounded.
func compilerFuses() bool {
	a := float32(1 + 1.0/(1<<12))
	return mulAdd(a, a, -float32(1+1.0/(1<<11))) != 0
}

// adam gives gorgonia's AdamSolver's parameters bit for bit, over steps
// with gradients of every size, a learning-rate change included. Where
// the compiler fuses multiply-adds (GOAMD64=v3) gorgonia's Go loops round
// differently from the explicit roundings (and assembly) of adam, and the
// two agree to 1e-6.
func TestAdamMatchesGorgonia(t *testing.T) {
	exact := !compilerFuses()
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
			same := math.Float32bits(want[i]) == math.Float32bits(got[i])
			if !exact {
				same = math.Abs(float64(want[i]-got[i])) <= 1e-6*max(1, math.Abs(float64(want[i])))
			}
			if !same {
				t.Fatalf("step %d, weight %d: %v, solver %v", step, i, got[i], want[i])
			}
			got[i] = want[i] // follow the solver, so differences do not grow
			if g[i] != 0 || gw[i] != 0 {
				t.Fatalf("step %d: gradient %d not zeroed", step, i)
			}
		}
	}
}
