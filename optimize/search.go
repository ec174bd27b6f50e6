package optimize

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/train"
)

// Validation is what candidates are compared on: features as the model's
// Preprocessor makes them and one label per row (binary: 0 or 1;
// multiclass: class index; regression: target in the label's units).
type Validation struct {
	X      []float32
	Labels []float64
}

// Options configure Run. The zero value does nothing but measure.
type Options struct {
	// Sparsity is the target fraction of zero weights (unstructured) or of
	// removed hidden neurons (Structured). Defaults to 0: no pruning.
	Sparsity float64
	// Structured removes whole hidden neurons instead of single weights.
	Structured bool
	// PerLayer prunes each layer to Sparsity instead of using one global
	// magnitude threshold. Defaults to false (global).
	PerLayer bool
	// Quantize converts the layers to int8. Defaults to false.
	Quantize bool
	// Static quantizes layer inputs with scales from the validation rows
	// (clipped at Percentile, if set) instead of per batch.
	Static     bool
	Percentile float64
	// KeepFirstFloat and KeepLastFloat keep those layers in float32.
	KeepFirstFloat, KeepLastFloat bool
	// MaxMetricDrop is the largest tolerated loss of the metric (ROC AUC,
	// accuracy, or an RMSE increase). Defaults to 0.01.
	MaxMetricDrop float64
	// Backoff lists the fractions of Sparsity tried in order. Defaults to
	// 1, 0.75, 0.5, 0.25, 0.
	Backoff []float64
	// FineTune, if set, is the data pruned models are fine-tuned on with
	// Train (Epochs defaults to 8; pruning reaches its target after three
	// quarters of them). Without it pruning is one-shot.
	FineTune *train.Data
	Train    train.Config
}

func (o Options) withDefaults() Options {
	if o.MaxMetricDrop == 0 {
		o.MaxMetricDrop = 0.01
	}
	if o.Backoff == nil {
		o.Backoff = []float64{1, 0.75, 0.5, 0.25, 0}
	}
	if o.Train.Epochs == 0 {
		o.Train.Epochs = 8
	}
	return o
}

// Attempt is one candidate the search evaluated.
type Attempt struct {
	Sparsity    float64 `json:"sparsity"`
	Structured  bool    `json:"structured"`
	Quantized   bool    `json:"quantized"`
	FloatLayers []int   `json:"float_layers,omitempty"`
	Metric      float64 `json:"metric"`
	Drop        float64 `json:"drop"`
	Kept        bool    `json:"kept"`
	Reason      string  `json:"reason"`
}

// Result is the outcome of Run.
type Result struct {
	Model    *model.Model `json:"-"`
	Metric   string       `json:"metric"` // auc, accuracy or rmse
	Baseline float64      `json:"baseline"`
	Final    float64      `json:"final"`
	// Rows is the number of validation rows the metric was measured on.
	Rows     int       `json:"rows,omitempty"`
	Attempts []Attempt `json:"attempts"`
	// Calibration says how the kept variant's probability calibrator was
	// fitted (see Result.calibrate), or why it has none.
	Calibration string `json:"calibration,omitempty"`
}

// Run searches for the smallest, fastest variant of base whose metric on
// val is within MaxMetricDrop of base's: the target sparsity first, then
// less (Backoff); at each sparsity int8 for every layer (but those kept
// float), then with the first layer float, then the first and last, then
// float only. Every candidate is recorded with the reason it was kept or
// rejected. If nothing passes, the result is base itself.
func Run(ctx context.Context, base *model.Model, val Validation, opts Options) (Result, error) {
	opts = opts.withDefaults()
	if opts.Sparsity < 0 || opts.Sparsity >= 1 {
		return Result{}, fmt.Errorf("optimize: %w: sparsity %v not in [0, 1)", ErrInvalidInput, opts.Sparsity)
	}
	name, baseline, err := Metric(base, val)
	if err != nil {
		return Result{}, err
	}
	res := Result{Metric: name, Baseline: baseline, Rows: len(val.Labels)}
	for _, s := range levels(opts) {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		pruned, err := prune(ctx, base, s, opts)
		if err != nil {
			return res, err
		}
		if opts.Quantize && s > 0 {
			// pruned float first: if it already drops too much, quantized
			// variants at this sparsity would too
			_, pm, err := Metric(pruned, val)
			if err != nil {
				return res, err
			}
			if d := drop(name, baseline, pm); d > opts.MaxMetricDrop {
				res.Attempts = append(res.Attempts, Attempt{Sparsity: s, Structured: opts.Structured, Metric: pm, Drop: d,
					Reason: fmt.Sprintf("pruning alone: %s drop %.4f > %.4f: lower sparsity", name, d, opts.MaxMetricDrop)})
				continue
			}
		}
		for _, fl := range floatConfigs(opts, len(base.Layers())) {
			cand := pruned
			quant := opts.Quantize && len(fl) < len(base.Layers())
			if quant {
				q := QuantizeOptions{Float: fl, Static: opts.Static, Calibration: val.X, Percentile: opts.Percentile}
				if cand, err = Quantize(pruned, q); err != nil {
					return res, err
				}
			}
			a := Attempt{Sparsity: s, Structured: opts.Structured && s > 0, Quantized: quant, FloatLayers: fl}
			_, a.Metric, err = Metric(cand, val)
			if err != nil {
				return res, err
			}
			a.Drop = drop(name, baseline, a.Metric)
			a.Kept = a.Drop <= opts.MaxMetricDrop
			if a.Kept {
				a.Reason = fmt.Sprintf("%s drop %.4f ≤ %.4f", name, a.Drop, opts.MaxMetricDrop)
			} else {
				a.Reason = fmt.Sprintf("%s drop %.4f > %.4f: back off", name, a.Drop, opts.MaxMetricDrop)
			}
			res.Attempts = append(res.Attempts, a)
			if a.Kept {
				res.Model, res.Final = cand, a.Metric
				return res.calibrate(base, val)
			}
		}
	}
	res.Model, res.Final = base, baseline
	res.Attempts = append(res.Attempts, Attempt{Metric: baseline, Kept: true, Reason: "no candidate within tolerance: keep the float model"})
	return res, nil
}

// levels are the sparsities to try, without repeats.
func levels(o Options) []float64 {
	var out []float64
	for _, f := range o.Backoff {
		s := math.Round(o.Sparsity*f*1e4) / 1e4
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if !slices.Contains(out, 0) {
		out = append(out, 0)
	}
	return out
}

// floatConfigs lists the layer sets kept in float, from most quantized
// to none quantized.
func floatConfigs(o Options, n int) [][]int {
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	if !o.Quantize {
		return [][]int{all}
	}
	var first []int
	if o.KeepFirstFloat {
		first = append(first, 0)
	}
	if o.KeepLastFloat && !slices.Contains(first, n-1) {
		first = append(first, n-1)
	}
	cfgs := [][]int{first}
	add := func(s []int) {
		s = slices.Compact(slices.Sorted(slices.Values(s)))
		if !slices.ContainsFunc(cfgs, func(c []int) bool { return slices.Equal(c, s) }) {
			cfgs = append(cfgs, s)
		}
	}
	add(append(slices.Clone(first), 0))
	add(append(slices.Clone(first), 0, n-1))
	add(all)
	return cfgs
}

// prune returns base pruned to sparsity s (fine-tuned if data is given).
func prune(ctx context.Context, base *model.Model, s float64, o Options) (*model.Model, error) {
	if s == 0 {
		return base, nil
	}
	if o.Structured {
		m, err := PruneNeurons(base, s)
		if err != nil || o.FineTune == nil {
			return m, err
		}
		m, _, err = train.FineTune(ctx, o.Train, m, *o.FineTune, nil)
		return m, err
	}
	ws, err := denseWeights(base)
	if err != nil {
		return nil, err
	}
	// Float layers take the sparse form from 40 % sparsity: there
	// model.Sparse runs 256-row blocks in 0.8 of the dense time and single
	// rows within 1 % of it (BenchmarkSparseCrossover); below, it gains
	// little or loses.
	sparse := s >= 0.4
	if o.FineTune == nil {
		return applyMasks(base, MagnitudeMasks(ws, s, !o.PerLayer), sparse)
	}
	steps := max(1, o.Train.Epochs*3/4)
	masks := func(epoch int, w [][]float32) [][]bool {
		if epoch > steps {
			return nil
		}
		return MagnitudeMasks(w, Schedule(0, s, epoch, steps), !o.PerLayer)
	}
	m, _, err := train.FineTune(ctx, o.Train, base, *o.FineTune, masks)
	if err != nil {
		return nil, err
	}
	ws, err = denseWeights(m)
	if err != nil {
		return nil, err
	}
	keep := make([][]bool, len(ws))
	for i, w := range ws {
		keep[i] = make([]bool, len(w))
		for j, v := range w {
			keep[i][j] = v != 0
		}
	}
	return applyMasks(m, keep, sparse)
}

// Metric scores m on val: "auc" (binary), "accuracy" (multiclass) or
// "rmse" (regression).
func Metric(m *model.Model, val Validation) (string, float64, error) {
	nf := m.Preprocessor().NumFeatures()
	rows := len(val.Labels)
	if rows == 0 || len(val.X) != rows*nf {
		return "", 0, fmt.Errorf("optimize: %w: %d feature values for %d labelled rows of %d features",
			ErrInvalidInput, len(val.X), rows, nf)
	}
	pred, err := m.NewPredictor().Forward(val.X, rows, nil)
	if err != nil {
		return "", 0, err
	}
	switch m.Task() {
	case model.TaskBinary:
		auc, err := evaluate.ROCAUC(val.Labels, pred)
		return "auc", auc, err
	case model.TaskMulticlass:
		k := m.OutputWidth()
		hit := 0
		for i, c := range model.Argmax(pred, k, nil) {
			if float64(c) == val.Labels[i] {
				hit++
			}
		}
		return "accuracy", float64(hit) / float64(rows), nil
	}
	var se float64
	for i, p := range pred {
		d := float64(p) - val.Labels[i]
		se += d * d
	}
	return "rmse", math.Sqrt(se / float64(rows)), nil
}

// drop is how much worse got is than base (positive is worse).
func drop(metric string, base, got float64) float64 {
	if metric == "rmse" {
		return got - base
	}
	return base - got
}
