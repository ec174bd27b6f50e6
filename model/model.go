package model

import (
	"fmt"
	"slices"
	"sync"

	"github.com/apache/arrow/go/v17/arrow"
)

// blockRows is how many rows a Predictor pushes through the layers at a
// time, bounding its scratch memory independently of the batch size.
const blockRows = 256

// BlockRows is how many rows a Predictor pushes through the layers at a
// time: batches are cut into blocks of BlockRows rows from their first
// row (the last block may be shorter). An int8 layer with dynamic input
// quantization takes its input range from each block, so its outputs
// for a row depend on the other rows of the row's block.
const BlockRows = blockRows

// Model is a trained model: preprocessing, then layers, for one task. It is
// immutable after New and safe for concurrent use.
type Model struct {
	spec     Spec
	pre      *Preprocessor
	layers   []Layer
	maxWidth int
	threads  int         // goroutines a Predictor may use: the most any layer allows
	work     int         // cost per row in int8 multiply-adds (see layerWork)
	gather   bool        // the first layer runs as a gather on sparse rows
	cal      *Calibrator // optional; see WithCalibrator
	pool     sync.Pool   // of *Predictor, for Model.Predict
}

// New assembles a model and checks that the pieces fit together: the first
// layer takes pre.NumFeatures() inputs, each layer takes its predecessor's
// outputs, and the last layer matches the task (binary: 1 output with
// sigmoid; multiclass: one output per label with softmax; regression: 1
// output). spec is copied; pre and the layers are shared (they are
// immutable). Errors wrap ErrInvalidInput.
func New(spec Spec, pre *Preprocessor, layers []Layer) (*Model, error) {
	spec = spec.withDefaults()
	if err := spec.validate(); err != nil {
		return nil, fmt.Errorf("model: %w: %w", ErrInvalidInput, err)
	}
	if pre == nil || len(layers) == 0 {
		return nil, fmt.Errorf("model: %w: need preprocessing and at least one layer", ErrInvalidInput)
	}
	m := &Model{spec: spec, pre: pre, layers: slices.Clone(layers), maxWidth: pre.NumFeatures()}
	if err := m.checkLayers(); err != nil {
		return nil, fmt.Errorf("model: %w: %w", ErrInvalidInput, err)
	}
	m.gather = usesGather(pre, m.layers[0])
	if m.gather { // the first layer adds SparseWidth weight rows
		m.work += 4*pre.SparseWidth()*m.layers[0].Out() - layerWork(m.layers[0])
	}
	return m, nil
}

func (m *Model) checkLayers() error {
	width := m.pre.NumFeatures()
	for i, l := range m.layers {
		if l == nil {
			return fmt.Errorf("layer %d is nil", i)
		}
		if l.In() != width {
			return fmt.Errorf("layer %d takes %d inputs, previous step gives %d", i, l.In(), width)
		}
		width = l.Out()
		m.maxWidth = max(m.maxWidth, width)
		m.work += layerWork(l)
		if t, ok := l.(interface{ threadCount() int }); ok {
			m.threads = max(m.threads, t.threadCount())
		}
	}
	if width != m.spec.outputs() {
		return fmt.Errorf("%s task needs %d outputs, last layer has %d", m.spec.Task, m.spec.outputs(), width)
	}
	want := map[Task]Activation{TaskBinary: Sigmoid, TaskMulticlass: Softmax}[m.spec.Task]
	if want != "" {
		last, ok := m.layers[len(m.layers)-1].(interface{ Activation() Activation })
		if !ok || last.Activation() != want {
			return fmt.Errorf("%s task needs a %s on the last layer", m.spec.Task, want)
		}
	}
	return nil
}

// WithThreads returns a model whose layers may use n goroutines (see
// Dense.WithThreads): a Predictor then shares large batches, their
// preprocessing included, with the process's helper goroutine. Outputs
// are the same. Layers without a WithThreads method are kept as they are.
func (m *Model) WithThreads(n int) *Model {
	layers := make([]Layer, len(m.layers))
	for i, l := range m.layers {
		switch l := l.(type) {
		case *Dense:
			layers[i] = l.WithThreads(n)
		case *Sparse:
			layers[i] = l.WithThreads(n)
		case *Int8Dense:
			layers[i] = l.WithThreads(n)
		default:
			layers[i] = l
		}
	}
	c, _ := New(m.spec, m.pre, layers) // the same shapes: New cannot fail
	c.cal = m.cal
	return c
}

// layerWork is a layer's cost per row in int8 multiply-adds, the unit of
// minParallelBatchWork. Measured on one core here, the int8 kernels run
// about 200 G multiply-adds/s, the float32 dense kernel about 45 G (4.4×
// fewer) and the sparse kernel about 28 G per stored weight (7× fewer).
func layerWork(l Layer) int {
	switch l := l.(type) {
	case *Int8Dense:
		return l.In() * l.Out()
	case *Sparse:
		return 7 * len(l.val)
	}
	return 4 * l.In() * l.Out()
}

// Spec returns a copy of the model's spec (with defaults filled in).
func (m *Model) Spec() Spec { return m.spec.withDefaults() }

// Task is the model's task.
func (m *Model) Task() Task { return m.spec.Task }

// Labels returns a copy of the class names, indexed by class.
func (m *Model) Labels() []string { return slices.Clone(m.spec.Labels) }

// Preprocessor returns the model's preprocessing.
func (m *Model) Preprocessor() *Preprocessor { return m.pre }

// Layers returns the model's layers (a copy of the slice).
func (m *Model) Layers() []Layer { return slices.Clone(m.layers) }

// OutputWidth is the number of values Predict gives per row: the number of
// classes for multiclass, 1 otherwise.
func (m *Model) OutputWidth() int { return m.spec.outputs() }

// NumParams is the total number of parameters of the layers.
func (m *Model) NumParams() int {
	n := 0
	for _, l := range m.layers {
		n += l.NumParams()
	}
	return n
}

// NonZeros is the total number of non-zero parameters of the layers.
func (m *Model) NonZeros() int {
	n := 0
	for _, l := range m.layers {
		n += l.NonZeros()
	}
	return n
}

// Predict predicts every row of rec; see Predictor.Predict. It takes a
// Predictor from an internal pool, so it is safe for concurrent use and
// allocation-free in steady state.
func (m *Model) Predict(rec arrow.Record, dst []float32) ([]float32, error) {
	p, _ := m.pool.Get().(*Predictor)
	if p == nil {
		p = m.NewPredictor()
	}
	dst, err := p.Predict(rec, dst)
	m.pool.Put(p)
	return dst, err
}

// Argmax writes the index of the largest of each row's classes values in
// probs (rows×classes) into dst, grown if needed, and returns
// dst[:rows]. Ties go to the lower index.
func Argmax(probs []float32, classes int, dst []int) []int {
	if classes <= 0 {
		return dst[:0]
	}
	rows := len(probs) / classes
	if cap(dst) < rows {
		dst = make([]int, rows)
	}
	dst = dst[:rows]
	for r := range dst {
		row := probs[r*classes : (r+1)*classes]
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		dst[r] = best
	}
	return dst
}
