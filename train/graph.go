package train

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/refit-ml/refit/model"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// net is an MLP training network for a fixed batch size, built once and
// run for every minibatch. The first layer runs outside gorgonia on
// sparse rows (see first); the rest of the network, the loss and the
// gradients (dL/dz of the first layer's output z included) are gorgonia
// graphs, one per shard of the batch's rows. The shards run concurrently
// when Config.Threads allows; their gradients are summed in shard order
// and one Adam step updates the first shard's parameters, which are then
// copied into the others. The number of shards depends only on the batch
// size, so the model does not depend on the thread count. The inputs are
// tensors over slices net owns, which the caller fills in place before
// each step. No gorgonia type leaves this file and first.go.
type net struct {
	first   *first
	shards  []*shard
	solver  *gorgonia.AdamSolver // the graph's parameters
	vgs     []gorgonia.ValueGrad
	adam    *adam     // the first layer's
	yb      []float32 // batch×out
	rb      []float32 // batch row weights
	dz      []float32 // batch×widths[1]: dL/dz, gathered from the shards
	widths  []int     // in, hidden..., out
	batch   int
	threads int
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

// shard is the graph of rows [lo, hi) of a batch.
type shard struct {
	g      *gorgonia.ExprGraph
	vm     gorgonia.VM
	params []*gorgonia.Node // w1, b1, ...; w is [in][out]
	inputs []*gorgonia.Node // z (first's output), y (weighted targets), r (row weights)
	values []*tensor.Dense  // the inputs' values, over first.z, yb, rb
	dz     *gorgonia.Node   // dL/dz
	data   *gorgonia.Node   // the weighted loss of the rows, without L2
	lo, hi int
	loss   float32
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

// minShardRows is the least number of rows of a shard: smaller batches
// run as one graph.
const minShardRows = 32

// newNet builds the network with weights drawn from rng: He uniform
// before a relu, Glorot uniform otherwise, zero biases.
func newNet(s netSpec, rng *rand.Rand) (*net, error) {
	routeGEMM()
	n := &net{widths: s.widths, batch: s.batch, threads: max(s.threads, 1), task: s.task, act: s.act, lr: s.lr, l2: s.l2}
	out, last := s.widths[len(s.widths)-1], len(s.widths)-2
	n.yb = make([]float32, s.batch*out)
	n.rb = make([]float32, s.batch)
	n.dz = make([]float32, s.batch*s.widths[1])
	n.first = newFirst(s.widths[0], s.widths[1], s.batch, s.slots, n.threads, initWeights(rng, s.widths[0], s.widths[1], last > 0 && s.act == model.ReLU))
	n.first.relu = last > 0 && s.act == model.ReLU
	var ws [][]float32 // the graph's weights
	for i := 1; i <= last; i++ {
		ws = append(ws, initWeights(rng, s.widths[i], s.widths[i+1], i < last && s.act == model.ReLU))
	}
	parts := 1
	if s.batch >= 2*minShardRows {
		parts = 2
	}
	bs := s
	bs.l2 = s.l2 / float64(parts) // every shard adds the penalty
	for p := range parts {
		sh := &shard{lo: s.batch * p / parts, hi: s.batch * (p + 1) / parts}
		err := guard("building the graph", func() error { return n.build(sh, bs, ws) })
		if err != nil {
			return nil, err
		}
		n.shards = append(n.shards, sh)
	}
	n.buildSolvers()
	return n, nil
}

// build builds the graph of shard sh with a copy of the weights ws.
func (n *net) build(sh *shard, s netSpec, ws [][]float32) error {
	sh.g = gorgonia.NewGraph()
	out, h, rows := s.widths[len(s.widths)-1], s.widths[1], sh.hi-sh.lo
	z := sh.input("z", n.first.z[sh.lo*h:sh.hi*h], rows, h)
	y := sh.input("y", n.yb[sh.lo*out:sh.hi*out], rows, out)
	r := sh.input("r", n.rb[sh.lo:sh.hi], rows, 1)
	logits, err := sh.layers(z, s.widths, s.act, ws, !n.first.relu)
	if err != nil {
		return err
	}
	if sh.data, err = dataLoss(s.task, logits, y, r); err != nil {
		return err
	}
	loss, err := sh.withL2(sh.data, s.l2)
	if err != nil {
		return err
	}
	grads, err := gorgonia.Grad(loss, append(slices.Clone(sh.params), z)...)
	if err != nil {
		return err
	}
	sh.dz = grads[len(grads)-1]
	sh.vm = gorgonia.NewTapeMachine(sh.g, gorgonia.BindDualValues(sh.params...))
	return nil
}

// buildSolvers sets up Adam: gorgonia's solver for the graph's
// parameters (those of the first shard) and its fused equivalent (adam)
// for the first layer's, whose weight rows the threads share.
func (n *net) buildSolvers() {
	n.solver = gorgonia.NewAdamSolver(gorgonia.WithLearnRate(n.lr))
	n.vgs = gorgonia.NodesToValueGrads(n.shards[0].params)
	n.adam = newAdam(n.lr, n.first.in*n.first.out, n.first.out)
}

// input makes a rows×cols float32 input node over backing.
func (sh *shard) input(name string, backing []float32, rows, cols int) *gorgonia.Node {
	t := tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(backing))
	node := gorgonia.NewMatrix(sh.g, tensor.Float32, gorgonia.WithShape(rows, cols),
		gorgonia.WithName(name), gorgonia.WithValue(t))
	sh.inputs, sh.values = append(sh.inputs, node), append(sh.values, t)
	return node
}

// layers adds the layers after the first to the first's output z (its
// activation included unless actFirst is false: the first layer applied
// it), with weights ws (copied), and returns the last layer's
// pre-activation output (the logits).
func (sh *shard) layers(z *gorgonia.Node, widths []int, act model.Activation, ws [][]float32, actFirst bool) (*gorgonia.Node, error) {
	h := z
	for i := 1; i+1 < len(widths); i++ {
		var err error
		if i > 1 || actFirst {
			if h, err = activate(h, act); err != nil {
				return nil, err
			}
		}
		in, out := widths[i], widths[i+1]
		w := gorgonia.NewMatrix(sh.g, tensor.Float32, gorgonia.WithShape(in, out),
			gorgonia.WithName(fmt.Sprintf("w%d", i)),
			gorgonia.WithValue(tensor.New(tensor.WithShape(in, out), tensor.WithBacking(slices.Clone(ws[i-1])))))
		b := gorgonia.NewMatrix(sh.g, tensor.Float32, gorgonia.WithShape(1, out),
			gorgonia.WithName(fmt.Sprintf("b%d", i)),
			gorgonia.WithValue(tensor.New(tensor.WithShape(1, out), tensor.WithBacking(make([]float32, out)))))
		sh.params = append(sh.params, w, b)
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

// withL2 adds l2/2·Σw² over the graph's weight matrices. Every shard
// adds it, so the summed gradient counts it once per shard: the caller
// scales l2 by 1/shards.
func (sh *shard) withL2(loss *gorgonia.Node, l2 float64) (*gorgonia.Node, error) {
	if l2 == 0 {
		return loss, nil
	}
	for i := 0; i < len(sh.params); i += 2 {
		s, err := sumOf(gorgonia.Square(sh.params[i]))
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
	if err := n.runShards(); err != nil {
		return 0, err
	}
	var loss float32
	for _, sh := range n.shards {
		loss += sh.loss
	}
	n.first.backward(n.dz, float32(n.l2))
	if err := n.sumGrads(); err != nil {
		return 0, err
	}
	if err := n.update(); err != nil {
		return 0, err
	}
	n.lastVal = loss
	if n.avg != nil {
		n.average()
	}
	return loss, nil
}

// runShards runs every shard's graph, concurrently when threads allow,
// and gathers their dL/dz into n.dz.
func (n *net) runShards() error {
	errs := make([]error, len(n.shards))
	run := func(i int) { errs[i] = guard("training step", n.shards[i].run) }
	if n.threads > 1 && len(n.shards) > 1 {
		var wg sync.WaitGroup
		for i := 1; i < len(n.shards); i++ {
			wg.Go(func() { run(i) })
		}
		run(0)
		wg.Wait()
	} else {
		for i := range n.shards {
			run(i)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	h := n.widths[1]
	for _, sh := range n.shards {
		dz, ok := sh.dz.Value().Data().([]float32)
		if !ok {
			return fmt.Errorf("train: gradient is %T, want []float32", sh.dz.Value().Data())
		}
		copy(n.dz[sh.lo*h:sh.hi*h], dz)
	}
	for _, sh := range n.shards {
		sh.vm.Reset()
	}
	return nil
}

// run runs the graph once: forward and backward.
func (sh *shard) run() error {
	for i, in := range sh.inputs {
		if err := gorgonia.Let(in, sh.values[i]); err != nil {
			return err
		}
	}
	if err := sh.vm.RunAll(); err != nil {
		return err
	}
	v, ok := sh.data.Value().Data().(float32)
	if !ok {
		return fmt.Errorf("loss is %T, want float32", sh.data.Value().Data())
	}
	sh.loss = v
	return nil
}

// sumGrads adds the other shards' parameter gradients to the first
// shard's, in shard order, and zeroes them.
func (n *net) sumGrads() error {
	for _, sh := range n.shards[1:] {
		for i, p := range sh.params {
			g, err := gradData(p)
			if err != nil {
				return err
			}
			dst, err := gradData(n.shards[0].params[i])
			if err != nil {
				return err
			}
			for j, v := range g {
				dst[j] += v
			}
			clear(g)
		}
	}
	return nil
}

func gradData(p *gorgonia.Node) ([]float32, error) {
	g, err := p.Grad()
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	return g.Data().([]float32), nil
}

// update runs one Adam step: the first layer's weight rows split between
// the threads, its bias and the graph's parameters on the first; then it
// copies the first shard's parameters into the others.
func (n *net) update() error {
	f, st := n.first, n.adam.next()
	var err error
	gw, gb := f.gw.Data().([]float32), f.gb.Data().([]float32)
	f.parallel(f.in, 1, func(lo, hi int) {
		n.adam.update(st, 0, f.weights(), gw, lo*f.out, hi*f.out)
		if lo == 0 {
			n.adam.update(st, 1, f.bias(), gb, 0, f.out)
			err = guard("optimizer step", func() error { return n.solver.Step(n.vgs) })
		}
	})
	if err != nil {
		return err
	}
	n.syncShards()
	return nil
}

// syncShards copies the first shard's graph parameters (the ones
// paramData, the solver, setWeights and applyMasks see) into the others.
func (n *net) syncShards() {
	for _, sh := range n.shards[1:] {
		for i, p := range sh.params {
			copy(p.Value().Data().([]float32), n.shards[0].params[i].Value().Data().([]float32))
		}
	}
}

// paramData returns the parameters' values in layer order: W0, b0, w1,
// b1, ...; each weight matrix is [in][out].
func (n *net) paramData() [][]float32 {
	ps := [][]float32{n.first.weights(), n.first.bias()}
	for _, p := range n.shards[0].params {
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
	n.adam.eta = n.lr
}

// close releases the machines.
func (n *net) close() {
	for _, sh := range n.shards {
		_ = sh.vm.Close()
	}
}
