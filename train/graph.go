package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/refit-ml/refit/model"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// net is an MLP training graph for a fixed batch size, built once and run
// for every minibatch. The first layer runs outside the graph on sparse
// rows (see first); the graph takes its output z as an input and computes
// the rest of the network, the loss and the gradients, dL/dz included.
// The other inputs are tensors over slices net owns, which the caller
// fills in place before each step. No gorgonia type leaves this file and
// first.go.
type net struct {
	g       *gorgonia.ExprGraph
	vm      gorgonia.VM
	solver  *gorgonia.AdamSolver
	grads   []gorgonia.ValueGrad // first's W and b, then the graph's
	params  []*gorgonia.Node     // w1, b1, ...; w is [in][out]
	inputs  []*gorgonia.Node     // z (first's output), y (weighted targets), r (row weights)
	values  []*tensor.Dense      // the inputs' values, over first.z, yb, rb
	dz      *gorgonia.Node       // dL/dz
	data    *gorgonia.Node       // the weighted mean loss, without L2
	first   *first
	yb      []float32 // batch×out
	rb      []float32 // batch row weights
	widths  []int     // in, hidden..., out
	batch   int
	task    model.Task
	act     model.Activation
	lastVal float32
	lr, l2  float64
	// avg is the exponential moving average of the parameters (in
	// paramData's order and layout) with factor avgDecay per step; nil
	// when off.
	avg      [][]float32
	avgDecay float32
}

// netSpec is what a net is built from.
type netSpec struct {
	widths  []int // in, hidden..., out
	batch   int
	slots   int // sparse slots per row
	threads int
	task    model.Task
	act     model.Activation
	lr, l2  float64
}

// newNet builds the graph with weights drawn from rng: He uniform before
// a relu, Glorot uniform otherwise, zero biases.
func newNet(s netSpec, rng *rand.Rand) (*net, error) {
	n := &net{widths: s.widths, batch: s.batch, task: s.task, act: s.act, l2: s.l2, g: gorgonia.NewGraph()}
	out := s.widths[len(s.widths)-1]
	n.yb = make([]float32, s.batch*out)
	n.rb = make([]float32, s.batch)
	in, h := s.widths[0], s.widths[1]
	n.first = newFirst(in, h, s.batch, s.slots, s.threads, initWeights(rng, in, h, len(s.widths) > 2 && s.act == model.ReLU))
	err := guard("building the graph", func() error { return n.build(s, rng) })
	if err != nil {
		return nil, err
	}
	return n, nil
}

func (n *net) build(s netSpec, rng *rand.Rand) error {
	out := s.widths[len(s.widths)-1]
	z := n.input("z", n.first.z, s.batch, s.widths[1])
	y := n.input("y", n.yb, s.batch, out)
	r := n.input("r", n.rb, s.batch, 1)
	logits, err := n.layers(z, rng)
	if err != nil {
		return err
	}
	if n.data, err = dataLoss(s.task, logits, y, r); err != nil {
		return err
	}
	loss, err := n.withL2(n.data, s.l2)
	if err != nil {
		return err
	}
	grads, err := gorgonia.Grad(loss, append(slices.Clone(n.params), z)...)
	if err != nil {
		return err
	}
	n.dz = grads[len(grads)-1]
	n.vm = gorgonia.NewTapeMachine(n.g, gorgonia.BindDualValues(n.params...))
	n.lr = s.lr
	n.solver = gorgonia.NewAdamSolver(gorgonia.WithLearnRate(s.lr))
	n.grads = append(n.first.params(), gorgonia.NodesToValueGrads(n.params)...)
	return nil
}

// input makes a rows×cols float32 input node over backing.
func (n *net) input(name string, backing []float32, rows, cols int) *gorgonia.Node {
	t := tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(backing))
	node := gorgonia.NewMatrix(n.g, tensor.Float32, gorgonia.WithShape(rows, cols),
		gorgonia.WithName(name), gorgonia.WithValue(t))
	n.inputs, n.values = append(n.inputs, node), append(n.values, t)
	return node
}

// layers adds the layers after the first to the first's output z and
// returns the last layer's pre-activation output (the logits).
func (n *net) layers(z *gorgonia.Node, rng *rand.Rand) (*gorgonia.Node, error) {
	h := z
	last := len(n.widths) - 2
	for i := 1; i <= last; i++ {
		var err error
		if h, err = activate(h, n.act); err != nil {
			return nil, err
		}
		in, out := n.widths[i], n.widths[i+1]
		w := gorgonia.NewMatrix(n.g, tensor.Float32, gorgonia.WithShape(in, out),
			gorgonia.WithName(fmt.Sprintf("w%d", i)),
			gorgonia.WithValue(tensor.New(tensor.WithShape(in, out), tensor.WithBacking(initWeights(rng, in, out, i < last && n.act == model.ReLU)))))
		b := gorgonia.NewMatrix(n.g, tensor.Float32, gorgonia.WithShape(1, out),
			gorgonia.WithName(fmt.Sprintf("b%d", i)),
			gorgonia.WithValue(tensor.New(tensor.WithShape(1, out), tensor.WithBacking(make([]float32, out)))))
		n.params = append(n.params, w, b)
		xw, err := gorgonia.Mul(h, w)
		if err != nil {
			return nil, err
		}
		if h, err = gorgonia.BroadcastAdd(xw, b, nil, []byte{0}); err != nil {
			return nil, err
		}
	}
	return h, nil
}

func activate(h *gorgonia.Node, act model.Activation) (*gorgonia.Node, error) {
	if act == model.Tanh {
		return gorgonia.Tanh(h)
	}
	return gorgonia.Rectify(h)
}

// initWeights draws an in×out matrix uniformly from ±√(6/in) (He, before
// a relu) or ±√(6/(in+out)) (Glorot).
func initWeights(rng *rand.Rand, in, out int, he bool) []float32 {
	limit := math.Sqrt(6 / float64(in+out))
	if he {
		limit = math.Sqrt(6 / float64(in))
	}
	w := make([]float32, in*out)
	for i := range w {
		w[i] = float32((2*rng.Float64() - 1) * limit)
	}
	return w
}

// dataLoss is the row-weighted loss Σ r·loss(row) of logits z against
// targets y, where y is already multiplied by r: binary cross-entropy
// softplus(z) − y·z, softmax cross-entropy −Σ y·log softmax(z), or half
// the squared error.
func dataLoss(task model.Task, z, y, r *gorgonia.Node) (*gorgonia.Node, error) {
	switch task {
	case model.TaskBinary:
		sp, err := gorgonia.Softplus(z)
		if err != nil {
			return nil, err
		}
		a, err := gorgonia.HadamardProd(r, sp)
		if err != nil {
			return nil, err
		}
		b, err := gorgonia.HadamardProd(y, z)
		if err != nil {
			return nil, err
		}
		return sumOf(gorgonia.Sub(a, b))
	case model.TaskMulticlass:
		ls, err := gorgonia.LogSoftMax(z)
		if err != nil {
			return nil, err
		}
		s, err := sumOf(gorgonia.HadamardProd(y, ls))
		if err != nil {
			return nil, err
		}
		return gorgonia.Neg(s)
	}
	// regression: y holds unweighted targets; r weights the rows.
	d, err := gorgonia.Sub(z, y)
	if err != nil {
		return nil, err
	}
	sq, err := gorgonia.Square(d)
	if err != nil {
		return nil, err
	}
	s, err := sumOf(gorgonia.HadamardProd(r, sq))
	if err != nil {
		return nil, err
	}
	return gorgonia.Mul(s, gorgonia.NewConstant(float32(0.5)))
}

func sumOf(n *gorgonia.Node, err error) (*gorgonia.Node, error) {
	if err != nil {
		return nil, err
	}
	return gorgonia.Sum(n)
}

// withL2 adds l2/2·Σw² over the weight matrices.
func (n *net) withL2(loss *gorgonia.Node, l2 float64) (*gorgonia.Node, error) {
	if l2 == 0 {
		return loss, nil
	}
	for i := 0; i < len(n.params); i += 2 {
		s, err := sumOf(gorgonia.Square(n.params[i]))
		if err != nil {
			return nil, err
		}
		p, err := gorgonia.Mul(s, gorgonia.NewConstant(float32(l2/2)))
		if err != nil {
			return nil, err
		}
		if loss, err = gorgonia.Add(loss, p); err != nil {
			return nil, err
		}
	}
	return loss, nil
}

// step runs forward, backward and one Adam update on the batch in
// first's slots, yb and rb and returns the batch's data loss.
func (n *net) step() (float32, error) {
	n.first.forward()
	err := guard("training step", func() error {
		for i, in := range n.inputs {
			if err := gorgonia.Let(in, n.values[i]); err != nil {
				return err
			}
		}
		defer n.vm.Reset()
		if err := n.vm.RunAll(); err != nil {
			return err
		}
		v, ok := n.data.Value().Data().(float32)
		if !ok {
			return fmt.Errorf("loss is %T, want float32", n.data.Value().Data())
		}
		n.lastVal = v
		dz, ok := n.dz.Value().Data().([]float32)
		if !ok {
			return fmt.Errorf("gradient is %T, want []float32", n.dz.Value().Data())
		}
		n.first.backward(dz, float32(n.l2))
		return n.solver.Step(n.grads)
	})
	if err == nil && n.avg != nil {
		n.average()
	}
	return n.lastVal, err
}

// paramData returns the parameters' values in layer order: W0, b0, w1,
// b1, ...; each weight matrix is [in][out].
func (n *net) paramData() [][]float32 {
	ps := [][]float32{n.first.weights(), n.first.bias()}
	for _, p := range n.params {
		ps = append(ps, p.Value().Data().([]float32))
	}
	return ps
}

// averageWeights makes weights return the exponential moving average of
// the parameters over the steps from now on, with factor decay per step.
func (n *net) averageWeights(decay float64) {
	n.avgDecay = float32(decay)
	n.avg = nil
	for _, p := range n.paramData() {
		n.avg = append(n.avg, slices.Clone(p))
	}
}

// average folds the current parameters into the moving average.
func (n *net) average() {
	d := n.avgDecay
	for i, p := range n.paramData() {
		a := n.avg[i]
		for j, v := range p {
			a[j] = d*a[j] + (1-d)*v
		}
	}
}

// weights copies the current parameters (or their moving average) out,
// converting each weight matrix to model's [out][in] layout.
func (n *net) weights() [][]float32 {
	ps := n.paramData()
	if n.avg != nil {
		ps = n.avg
	}
	out := make([][]float32, len(ps))
	for i, v := range ps {
		if i%2 == 1 {
			out[i] = slices.Clone(v)
			continue
		}
		in, o := n.widths[i/2], n.widths[i/2+1]
		t := make([]float32, in*o)
		for a := range in {
			for b := range o {
				t[b*in+a] = v[a*o+b]
			}
		}
		out[i] = t
	}
	return out
}

// scaleLearningRate multiplies Adam's step size by f; the moment
// estimates are kept.
func (n *net) scaleLearningRate(f float64) {
	n.lr *= f
	gorgonia.WithLearnRate(n.lr)(n.solver)
}

// close releases the machine.
func (n *net) close() { _ = n.vm.Close() }
