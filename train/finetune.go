package train

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/refit-ml/refit/model"
)

// MaskFunc is called before each fine-tuning epoch (1-based) with the
// current weights of every layer ([out][in], a copy). It returns one 0/1
// mask per layer in the same layout (true keeps a weight), or nil to keep
// the previous masks. Package optimize uses it for gradual pruning.
type MaskFunc func(epoch int, weights [][]float32) [][]bool

// FineTune continues training a model whose layers are all float32 Dense
// layers on data, with the model's own preprocessing, labels and target
// scaling, for cfg.Epochs epochs (minibatch Adam, cfg's batch size,
// learning rate and L2; Hidden, Activation and TopK are taken from m).
// After every optimizer step the weights outside the masks are set to
// exactly zero, so pruned weights stay pruned. It returns the model of the
// last epoch (not the best: with gradual pruning earlier epochs are
// denser) and the report with one entry per epoch.
func FineTune(ctx context.Context, cfg Config, m *model.Model, data Data, masks MaskFunc) (*model.Model, Report, error) {
	start := time.Now()
	cfg.Task = m.Task()
	if err := cfg.Validate(); err != nil {
		return nil, Report{}, err
	}
	cfg = cfg.withDefaults()
	dense, err := denseLayers(m)
	if err != nil {
		return nil, Report{}, err
	}
	cfg.Hidden, cfg.Activation = nil, dense[0].Activation()
	for _, d := range dense[:len(dense)-1] {
		cfg.Hidden = append(cfg.Hidden, d.Out())
	}
	if len(dense) == 1 {
		cfg.Activation = model.ReLU
	}
	p, err := prepareFor(ctx, cfg, m, data)
	if err != nil {
		return nil, Report{}, fmt.Errorf("train: fine-tuning: %w", err)
	}
	t := &trainer{cfg: cfg, p: p, start: start}
	t.initReport()
	t.rng = rand.New(rand.NewPCG(cfg.Seed, 3))
	n, err := newNet(t.netSpec(), t.rng)
	if err != nil {
		return nil, t.rep, err
	}
	defer n.close()
	t.net = n
	n.setWeights(dense)
	t.perm = make([]int, p.train.rows)
	for i := range t.perm {
		t.perm[i] = i
	}
	ws, err := t.fineTuneEpochs(ctx, masks)
	t.rep.Duration = time.Since(start)
	if err != nil {
		return nil, t.rep, err
	}
	out, err := rebuild(m, dense, ws)
	return out, t.rep, err
}

func denseLayers(m *model.Model) ([]*model.Dense, error) {
	var ds []*model.Dense
	for i, l := range m.Layers() {
		d, ok := l.(*model.Dense)
		if !ok {
			return nil, fmt.Errorf("train: fine-tuning: %w: layer %d is %T, not float32 dense", ErrInvalidData, i, l)
		}
		ds = append(ds, d)
	}
	return ds, nil
}

// prepareFor builds the matrices with m's preprocessing and checks the
// labels against m's.
func prepareFor(ctx context.Context, cfg Config, m *model.Model, d Data) (*problem, error) {
	tb, vb, lab, mask, err := readData(ctx, cfg, d)
	if err != nil {
		return nil, err
	}
	defer tb.release()
	defer vb.release()
	p := &problem{task: m.Task(), pre: m.Preprocessor()}
	if err := p.build(ctx, tb, vb, &lab, mask, cfg); err != nil {
		return nil, err
	}
	spec := m.Spec()
	switch p.task {
	case model.TaskRegression:
		// targets are standardized with the model's mean and std
		for _, y := range [][]float32{p.train.y, p.valid.y} {
			for i, v := range y {
				y[i] = float32((float64(v)*p.std + p.mean - spec.TargetMean) / spec.TargetStd)
			}
		}
		p.mean, p.std = spec.TargetMean, spec.TargetStd
	default:
		if !slices.Equal(p.labels, spec.Labels) {
			return nil, fmt.Errorf("%w: data has classes %q, the model %q", ErrInvalidData, p.labels, spec.Labels)
		}
	}
	return p, nil
}

// setWeights copies the dense layers' parameters into the net.
func (n *net) setWeights(ds []*model.Dense) {
	ps := n.paramData()
	for i, d := range ds {
		w := ps[2*i]
		in, out := d.In(), d.Out()
		src := d.Weights()
		for a := range in {
			for b := range out {
				w[a*out+b] = src[b*in+a]
			}
		}
		copy(ps[2*i+1], d.Bias())
	}
	n.syncShards()
}

// applyMasks zeroes the net's weights outside the masks ([in][out]).
func (n *net) applyMasks(masks [][]bool) {
	ps := n.paramData()
	for i, mk := range masks {
		w := ps[2*i]
		for j, keep := range mk {
			if !keep {
				w[j] = 0
			}
		}
	}
	n.syncShards()
}

// fineTuneEpochs runs the epochs with masks and returns the last weights.
func (t *trainer) fineTuneEpochs(ctx context.Context, masks MaskFunc) ([][]float32, error) {
	var cur [][]bool // [in][out] per layer
	for e := 1; e <= t.cfg.Epochs; e++ {
		if masks != nil {
			ws := t.net.weights()
			var layerW [][]float32
			for i := 0; i < len(ws); i += 2 {
				layerW = append(layerW, ws[i])
			}
			if mk := masks(e, layerW); mk != nil {
				cur = t.transposeMasks(mk)
			}
			t.net.applyMasks(cur)
		}
		loss, err := t.epoch(ctx, cur)
		if err != nil {
			return nil, err
		}
		ep, err := t.validate(e, loss)
		if err != nil {
			return nil, err
		}
		t.rep.Epochs = e
		t.rep.History = append(t.rep.History, ep)
		if t.cfg.Progress != nil {
			t.cfg.Progress(ep)
		}
	}
	t.net.applyMasks(cur)
	return t.net.weights(), nil
}

// transposeMasks converts [out][in] masks to the graph's [in][out].
func (t *trainer) transposeMasks(mk [][]bool) [][]bool {
	out := make([][]bool, len(mk))
	for i, m := range mk {
		in, o := t.net.widths[i], t.net.widths[i+1]
		tm := make([]bool, len(m))
		for a := range in {
			for b := range o {
				tm[a*o+b] = m[b*in+a]
			}
		}
		out[i] = tm
	}
	return out
}

// rebuild makes a model like m with new weights (model layout).
func rebuild(m *model.Model, ds []*model.Dense, ws [][]float32) (*model.Model, error) {
	layers := make([]model.Layer, len(ds))
	for i, d := range ds {
		nd, err := model.NewDense(d.In(), d.Out(), ws[2*i], ws[2*i+1], d.Activation())
		if err != nil {
			return nil, fmt.Errorf("train: fine-tuning: %w: %w", ErrDiverged, err)
		}
		layers[i] = nd
	}
	return model.New(m.Spec(), m.Preprocessor(), layers)
}
