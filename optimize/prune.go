package optimize

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/refit-ml/refit/model"
)

// ErrInvalidInput marks bad options, models or data.
var ErrInvalidInput = errors.New("invalid input")

// Schedule is the Zhu & Gupta (2017) gradual pruning schedule: the
// sparsity at step t of n, from initial si to final sf,
// s_t = sf + (si − sf)·(1 − t/n)³ (t is clamped to [0, n]).
func Schedule(si, sf float64, t, n int) float64 {
	if n <= 0 {
		return sf
	}
	f := 1 - float64(min(max(t, 0), n))/float64(n)
	return sf + (si-sf)*f*f*f
}

// MagnitudeMasks returns, per layer, which weights to keep ([out][in]) so
// that a fraction sparsity of them is zero: those of smallest magnitude,
// over all layers at once (global) or in each layer. Ties are broken by
// position, so the masks are deterministic.
func MagnitudeMasks(weights [][]float32, sparsity float64, global bool) [][]bool {
	masks := make([][]bool, len(weights))
	for i, w := range weights {
		masks[i] = make([]bool, len(w))
	}
	type ref struct {
		layer, idx int
		mag        float32
	}
	prune := func(refs []ref) {
		slices.SortStableFunc(refs, func(a, b ref) int { return cmp.Compare(a.mag, b.mag) })
		cut := int(math.Round(sparsity * float64(len(refs))))
		for _, r := range refs[min(cut, len(refs)):] {
			masks[r.layer][r.idx] = true
		}
	}
	var all []ref
	for i, w := range weights {
		var refs []ref
		for j, v := range w {
			refs = append(refs, ref{i, j, float32(math.Abs(float64(v)))})
		}
		if global {
			all = append(all, refs...)
		} else {
			prune(refs)
		}
	}
	if global {
		prune(all)
	}
	return masks
}

// applyMasks returns a model with the masked weights zeroed; layers become
// Sparse when sparse is set.
func applyMasks(m *model.Model, masks [][]bool, sparse bool) (*model.Model, error) {
	layers := m.Layers()
	for i, l := range layers {
		d, ok := l.(*model.Dense)
		if !ok {
			return nil, fmt.Errorf("optimize: %w: layer %d is %T, want float32 dense", ErrInvalidInput, i, l)
		}
		w := slices.Clone(d.Weights())
		for j, keep := range masks[i] {
			if !keep {
				w[j] = 0
			}
		}
		var err error
		if sparse {
			layers[i], err = model.NewSparse(d.In(), d.Out(), w, d.Bias(), d.Activation())
		} else {
			layers[i], err = model.NewDense(d.In(), d.Out(), w, d.Bias(), d.Activation())
		}
		if err != nil {
			return nil, err
		}
	}
	return model.New(m.Spec(), m.Preprocessor(), layers)
}

// denseWeights returns the weights of m's dense layers.
func denseWeights(m *model.Model) ([][]float32, error) {
	var ws [][]float32
	for i, l := range m.Layers() {
		d, ok := l.(*model.Dense)
		if !ok {
			return nil, fmt.Errorf("optimize: %w: layer %d is %T, want float32 dense", ErrInvalidInput, i, l)
		}
		ws = append(ws, d.Weights())
	}
	return ws, nil
}

// Sparsity is the fraction of zero weights (biases excluded) over the
// float32 dense and sparse layers of m.
func Sparsity(m *model.Model) float64 {
	var zero, n int
	for _, l := range m.Layers() {
		w := weightsOf(l)
		for _, v := range w {
			if v == 0 {
				zero++
			}
		}
		n += len(w)
	}
	if n == 0 {
		return 0
	}
	return float64(zero) / float64(n)
}

func weightsOf(l model.Layer) []float32 {
	switch l := l.(type) {
	case *model.Dense:
		return l.Weights()
	case *model.Sparse:
		return l.Weights()
	case *model.Int8Dense:
		return l.Dequantized()
	}
	return nil
}

// PruneNeurons removes a fraction of each hidden layer's neurons, those
// whose incoming weights have the smallest L2 norm (ties: lower index
// kept), and shrinks the layer and the next layer's inputs. A removed
// neuron's constant output act(bias) is folded into the next layer's bias,
// so removing neurons with zero incoming weights leaves the outputs
// unchanged.
func PruneNeurons(m *model.Model, fraction float64) (*model.Model, error) {
	ds := make([]*model.Dense, 0)
	for i, l := range m.Layers() {
		d, ok := l.(*model.Dense)
		if !ok {
			return nil, fmt.Errorf("optimize: %w: layer %d is %T, want float32 dense", ErrInvalidInput, i, l)
		}
		ds = append(ds, d)
	}
	w := make([][]float32, len(ds))
	b := make([][]float32, len(ds))
	in := make([]int, len(ds)+1)
	for i, d := range ds {
		w[i], b[i], in[i] = slices.Clone(d.Weights()), slices.Clone(d.Bias()), d.In()
	}
	in[len(ds)] = ds[len(ds)-1].Out()
	for i := 0; i+1 < len(ds); i++ {
		keep := keepNeurons(w[i], in[i], in[i+1], fraction)
		w[i], b[i], w[i+1], b[i+1] = shrink(w[i], b[i], w[i+1], b[i+1], in[i], in[i+2], keep, ds[i].Activation())
		in[i+1] = len(keep)
	}
	layers := make([]model.Layer, len(ds))
	for i, d := range ds {
		nd, err := model.NewDense(in[i], in[i+1], w[i], b[i], d.Activation())
		if err != nil {
			return nil, err
		}
		layers[i] = nd
	}
	return model.New(m.Spec(), m.Preprocessor(), layers)
}

// keepNeurons returns the sorted indices of the out neurons to keep.
func keepNeurons(w []float32, in, out int, fraction float64) []int {
	norms := make([]float64, out)
	idx := make([]int, out)
	for o := range out {
		for _, v := range w[o*in : (o+1)*in] {
			norms[o] += float64(v) * float64(v)
		}
		idx[o] = o
	}
	slices.SortStableFunc(idx, func(a, c int) int { return cmp.Compare(norms[a], norms[c]) })
	drop := min(int(math.Round(fraction*float64(out))), out-1)
	keep := slices.Clone(idx[drop:])
	slices.Sort(keep)
	return keep
}

// shrink keeps the neurons keep of layer (w, b) [out][in] and the matching
// inputs of the next layer (nw, nb) [nout][out], folding the dropped
// neurons' constant act(bias) into nb when their weights are all zero.
func shrink(w, b, nw, nb []float32, in, nout int, keep []int, act model.Activation) (w2, b2, nw2, nb2 []float32) {
	out := len(b)
	kept := make([]bool, out)
	for _, o := range keep {
		kept[o] = true
		w2 = append(w2, w[o*in:(o+1)*in]...)
		b2 = append(b2, b[o])
	}
	nb2 = slices.Clone(nb)
	for o := range out {
		if kept[o] || slices.ContainsFunc(w[o*in:(o+1)*in], func(v float32) bool { return v != 0 }) {
			continue
		}
		a := constAct(b[o], act)
		for j := range nout {
			nb2[j] += a * nw[j*out+o]
		}
	}
	for j := range nout {
		for _, o := range keep {
			nw2 = append(nw2, nw[j*out+o])
		}
	}
	return w2, b2, nw2, nb2
}

// constAct is act applied to a constant pre-activation.
func constAct(v float32, act model.Activation) float32 {
	switch act {
	case model.ReLU:
		return max(v, 0)
	case model.Tanh:
		return float32(math.Tanh(float64(v)))
	}
	return v
}
