package optimize

import (
	"fmt"
	"math"
	"slices"

	"github.com/refit-ml/refit/model"
)

// QuantizeOptions configure Quantize. The zero value quantizes every layer
// with dynamic input quantization.
type QuantizeOptions struct {
	// Float lists layer indices to keep in float32. Defaults to none.
	Float []int
	// Static quantizes each layer's inputs with a fixed scale and zero
	// point from Calibration (rows×NumFeatures features) instead of each
	// batch's range. Defaults to false (dynamic).
	Static      bool
	Calibration []float32
	// Percentile clips the calibration range to this two-sided percentile
	// (e.g. 99.99) instead of the minimum and maximum. Defaults to 0:
	// minimum and maximum.
	Percentile float64
}

// Quantize converts m's float32 layers (Dense or Sparse) to int8, weights
// symmetric per output channel: Q = round(W/s), s = max|W[o]|/127.
func Quantize(m *model.Model, opts QuantizeOptions) (*model.Model, error) {
	layers := m.Layers()
	var ranges [][2]float32
	if opts.Static {
		var err error
		if ranges, err = calibrate(m, opts.Calibration, opts.Percentile); err != nil {
			return nil, err
		}
	}
	for i, l := range layers {
		if slices.Contains(opts.Float, i) {
			continue
		}
		w := weightsOf(l)
		act, ok := l.(interface{ Activation() model.Activation })
		if w == nil || !ok {
			return nil, fmt.Errorf("optimize: quantize: %w: layer %d is %T", ErrInvalidInput, i, l)
		}
		if _, isInt8 := l.(*model.Int8Dense); isInt8 {
			continue
		}
		var io model.Int8Options
		if opts.Static {
			io = staticParams(ranges[i][0], ranges[i][1])
		}
		q, err := QuantizeLayer(l.In(), l.Out(), w, biasOf(l), act.Activation(), io)
		if err != nil {
			return nil, fmt.Errorf("optimize: quantize layer %d: %w", i, err)
		}
		layers[i] = q
	}
	return model.New(m.Spec(), m.Preprocessor(), layers)
}

func biasOf(l model.Layer) []float32 {
	if b, ok := l.(interface{ Bias() []float32 }); ok {
		return b.Bias()
	}
	return nil
}

// QuantizeLayer quantizes one float32 layer's weights ([out][in]) per
// output channel.
func QuantizeLayer(in, out int, w, b []float32, act model.Activation, opts model.Int8Options) (*model.Int8Dense, error) {
	q := make([]int8, len(w))
	scale := make([]float32, out)
	for o := range out {
		row := w[o*in : (o+1)*in]
		var m float64
		for _, v := range row {
			m = max(m, math.Abs(float64(v)))
		}
		if m == 0 {
			continue
		}
		s := m / 127
		scale[o] = float32(s)
		for k, v := range row {
			q[o*in+k] = int8(max(-127, min(127, math.RoundToEven(float64(v)/s))))
		}
	}
	return model.NewInt8Dense(in, out, q, scale, b, act, opts)
}

// staticParams maps [lo, hi] (widened to include 0) onto codes 0..127.
func staticParams(lo, hi float32) model.Int8Options {
	lo, hi = min(lo, 0), max(hi, 0)
	s := (hi - lo) / 127
	if !(s > 0) {
		return model.Int8Options{InputScale: 1}
	}
	z := float32(math.RoundToEven(float64(-lo / s)))
	return model.Int8Options{InputScale: s, InputZero: min(max(z, 0), 127)}
}

// calibrate runs the float model on the calibration rows and returns each
// layer's input range.
func calibrate(m *model.Model, x []float32, pct float64) ([][2]float32, error) {
	nf := m.Preprocessor().NumFeatures()
	if len(x) == 0 || len(x)%nf != 0 {
		return nil, fmt.Errorf("optimize: calibration: %w: %d values for %d features", ErrInvalidInput, len(x), nf)
	}
	rows := len(x) / nf
	var ranges [][2]float32
	cur := x
	for _, l := range m.Layers() {
		ranges = append(ranges, valueRange(cur, pct))
		next := make([]float32, rows*l.Out())
		for lo := 0; lo < rows; lo += 256 {
			hi := min(lo+256, rows)
			l.Forward(next[lo*l.Out():hi*l.Out()], cur[lo*l.In():hi*l.In()], hi-lo)
		}
		cur = next
	}
	return ranges, nil
}

// valueRange is the min and max of v, or its pct two-sided percentiles.
func valueRange(v []float32, pct float64) [2]float32 {
	if pct <= 0 || pct >= 100 {
		lo, hi := v[0], v[0]
		for _, x := range v {
			lo, hi = min(lo, x), max(hi, x)
		}
		return [2]float32{lo, hi}
	}
	s := slices.Clone(v)
	slices.Sort(s)
	at := func(p float64) float32 { return s[int(math.Round(p/100*float64(len(s)-1)))] }
	return [2]float32{at(100 - pct), at(pct)}
}
