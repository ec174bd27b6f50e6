package train

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/refit-ml/refit/model"
)

// Epoch is the progress after one epoch, as Config.Progress sees it.
type Epoch struct {
	Epoch       int     // 1-based
	TrainLoss   float64 // mean training loss over the epoch's minibatches (row-weighted)
	ValidLoss   float64 // unweighted mean loss on the validation rows
	ValidMetric float64 // Report.Metric on the validation rows
	// Improved is true when ValidLoss beat the best so far by more than
	// Config.Tolerance: these weights are kept.
	Improved bool
	// Stop is the early-stopping decision: Config.Patience epochs passed
	// without improvement, so this is the last epoch.
	Stop    bool
	Elapsed time.Duration // since Fit started
}

// Report describes a finished Fit.
type Report struct {
	Task      model.Task
	Labels    []string
	TrainRows int
	ValidRows int
	Features  int // width of the feature matrix
	Params    int
	Epochs    int // epochs run
	BestEpoch int // the epoch whose weights the model has
	// BestValidLoss and BestValidMetric are the validation loss and metric
	// of the best epoch. Metric is "auc" (binary), "accuracy"
	// (multiclass) or "rmse" (regression, in the label's units).
	BestValidLoss   float64
	BestValidMetric float64
	Metric          string
	StoppedEarly    bool
	// Calibration says how the classifier's probability calibrator was
	// fitted ("isotonic on 1200 validation rows"), or why it has none.
	Calibration string `json:",omitempty"`
	History     []Epoch
	Duration    time.Duration
}

// Fit trains a model on data: it validates cfg, reads the sources once,
// holds out validation rows (unless data.Validation is set), fits the
// preprocessing on the training rows, trains an MLP with minibatch Adam
// and returns the model with the weights of the epoch with the lowest
// validation loss. The same data, config and seed give a model that
// encodes to the same bytes. Fit checks ctx between minibatches.
func Fit(ctx context.Context, cfg Config, data Data) (*model.Model, Report, error) {
	start := time.Now()
	if err := cfg.Validate(); err != nil {
		return nil, Report{}, err
	}
	cfg = cfg.withDefaults()
	if data.Train == nil || len(data.Features) == 0 || data.Label == "" {
		return nil, Report{}, fmt.Errorf("train: %w: need a training source, features and a label", ErrInvalidData)
	}
	if slices.Contains(data.Features, data.Label) {
		return nil, Report{}, fmt.Errorf("train: %w: label %q is also a feature", ErrInvalidData, data.Label)
	}
	p, err := prepare(ctx, cfg, data)
	if err != nil {
		return nil, Report{}, fmt.Errorf("train: %w", err)
	}
	t := &trainer{cfg: cfg, p: p, start: start, lineage: data.Lineage}
	m, err := t.run(ctx)
	t.rep.Duration = time.Since(start)
	if err != nil {
		return nil, t.rep, err
	}
	return m, t.rep, nil
}

// trainer runs the epochs of one Fit.
type trainer struct {
	cfg   Config
	p     *problem
	net   *net
	rng   *rand.Rand
	perm  []int
	start time.Time
	best  [][]float32
	rep   Report
	eval  evaluator
	// lineage is copied into the model's spec.
	lineage map[string]string
}

func (t *trainer) run(ctx context.Context) (*model.Model, error) {
	t.initReport()
	t.rng = rand.New(rand.NewPCG(t.cfg.Seed, 2))
	n, err := newNet(t.netSpec(), t.rng)
	if err != nil {
		return nil, err
	}
	defer n.close()
	t.net = n
	if t.cfg.WeightAverage > 0 {
		n.averageWeights(t.cfg.WeightAverage)
	}
	t.perm = make([]int, t.p.train.rows)
	for i := range t.perm {
		t.perm[i] = i
	}
	if err := t.epochs(ctx); err != nil {
		return nil, err
	}
	m, err := t.model(t.best, t.spec(false))
	if err != nil {
		return nil, err
	}
	return t.calibrate(m)
}

func (t *trainer) initReport() {
	t.rep = Report{
		Task: t.p.task, Labels: slices.Clone(t.p.labels), TrainRows: t.p.train.rows,
		ValidRows: t.p.valid.rows, Features: t.p.pre.NumFeatures(), Metric: metricName(t.p.task),
		BestValidLoss: math.Inf(1),
	}
}

func (t *trainer) netSpec() netSpec {
	widths := append([]int{t.p.pre.NumFeatures()}, t.cfg.Hidden...)
	widths = append(widths, max(len(t.p.labels), 1))
	if t.p.task == model.TaskBinary {
		widths[len(widths)-1] = 1
	}
	return netSpec{
		widths: widths, batch: min(t.cfg.BatchSize, t.p.train.rows), slots: t.p.train.k, threads: t.cfg.Threads,
		task: t.p.task, act: t.cfg.Activation, lr: t.cfg.LearningRate, l2: t.cfg.L2,
	}
}

// epochs trains until cfg.Epochs or early stopping.
func (t *trainer) epochs(ctx context.Context) error {
	bad := 0
	for e := 1; e <= t.cfg.Epochs; e++ {
		loss, err := t.epoch(ctx, nil)
		if err != nil {
			return err
		}
		ep, err := t.validate(e, loss)
		if err != nil {
			return err
		}
		bad++
		if ep.Improved {
			bad = 0
		} else if t.cfg.LearningRateDecay != 1 {
			t.net.scaleLearningRate(t.cfg.LearningRateDecay)
		}
		ep.Stop = bad >= t.cfg.Patience && e < t.cfg.Epochs
		t.rep.Epochs, t.rep.StoppedEarly = e, ep.Stop
		t.rep.History = append(t.rep.History, ep)
		if t.cfg.Progress != nil {
			t.cfg.Progress(ep)
		}
		if ep.Stop {
			break
		}
	}
	return nil
}

// epoch runs one shuffled pass of minibatches and returns the mean loss.
// With masks (fine-tuning a pruned model), the masked weights are zeroed
// after every optimizer step; nil masks train every weight.
func (t *trainer) epoch(ctx context.Context, masks [][]bool) (float64, error) {
	t.rng.Shuffle(len(t.perm), func(i, j int) { t.perm[i], t.perm[j] = t.perm[j], t.perm[i] })
	var sum float64
	b := t.net.batch
	for lo := 0; lo < len(t.perm); lo += b {
		if err := ctx.Err(); err != nil {
			return 0, fmt.Errorf("train: %w", err)
		}
		idx := t.perm[lo:min(lo+b, len(t.perm))]
		t.fill(idx)
		loss, err := t.net.step()
		if err != nil {
			return 0, err
		}
		if masks != nil {
			t.net.applyMasks(masks)
		}
		if math.IsNaN(float64(loss)) || math.IsInf(float64(loss), 0) {
			return 0, fmt.Errorf("train: %w: loss %v at epoch %d", ErrDiverged, loss, len(t.rep.History)+1)
		}
		sum += float64(loss) * float64(len(idx))
	}
	return sum / float64(len(t.perm)), nil
}

// fill copies the rows idx into the net's batch inputs; unused slots get
// weight 0 (and no features).
func (t *trainer) fill(idx []int) {
	n, d := t.net, &t.p.train
	f, k, out := n.first, d.k, n.widths[len(n.widths)-1]
	inv := 1 / float32(len(idx))
	clear(n.yb)
	for j, r := range idx {
		copy(f.idx[j*k:(j+1)*k], d.idx[r*k:(r+1)*k])
		copy(f.val[j*k:(j+1)*k], d.val[r*k:(r+1)*k])
		switch t.p.task {
		case model.TaskRegression:
			n.rb[j], n.yb[j] = inv, d.y[r]
		case model.TaskBinary:
			c := d.cls[r]
			n.rb[j] = t.p.classWeights[c] * inv
			n.yb[j] = n.rb[j] * float32(c)
		default:
			c := d.cls[r]
			n.rb[j] = t.p.classWeights[c] * inv
			n.yb[j*out+int(c)] = n.rb[j]
		}
	}
	clear(f.idx[len(idx)*k:])
	clear(f.val[len(idx)*k:])
	clear(n.rb[len(idx):])
}

// validate scores the current weights on the validation rows and keeps
// them if they are the best so far.
func (t *trainer) validate(e int, trainLoss float64) (Epoch, error) {
	ws := t.net.weights()
	m, err := t.model(ws, t.spec(true))
	if err != nil {
		return Epoch{}, err
	}
	loss, metric, err := t.eval.score(m, t.p)
	if err != nil {
		return Epoch{}, err
	}
	ep := Epoch{Epoch: e, TrainLoss: trainLoss, ValidLoss: loss, ValidMetric: metric, Elapsed: time.Since(t.start)}
	if loss < t.rep.BestValidLoss-t.cfg.Tolerance || t.best == nil {
		ep.Improved, t.best = true, ws
		t.rep.BestEpoch, t.rep.BestValidLoss, t.rep.BestValidMetric = e, loss, metric
	}
	return ep, nil
}

// spec is the model spec; standardized keeps a regression model's output
// in standardized units (for validation).
func (t *trainer) spec(standardized bool) model.Spec {
	s := model.Spec{Task: t.p.task, Labels: t.p.labels, Lineage: map[string]string{
		"train.seed":       strconv.FormatUint(t.cfg.Seed, 10),
		"train.rows":       strconv.Itoa(t.p.train.rows),
		"train.best_epoch": strconv.Itoa(t.rep.BestEpoch),
	}}
	maps.Copy(s.Lineage, t.lineage)
	if t.p.task == model.TaskRegression && !standardized {
		s.TargetMean, s.TargetStd = t.p.mean, t.p.std
	}
	return s
}

// model builds a model.Model from weights in model's layout.
func (t *trainer) model(ws [][]float32, spec model.Spec) (*model.Model, error) {
	widths := t.net.widths
	layers := make([]model.Layer, 0, len(widths)-1)
	for i := 0; i+1 < len(widths); i++ {
		act := t.cfg.Activation
		if i+2 == len(widths) {
			act = map[model.Task]model.Activation{model.TaskBinary: model.Sigmoid,
				model.TaskMulticlass: model.Softmax, model.TaskRegression: model.Identity}[t.p.task]
		}
		d, err := model.NewDense(widths[i], widths[i+1], ws[2*i], ws[2*i+1], act)
		if err != nil {
			return nil, fmt.Errorf("train: %w: %w", ErrDiverged, err)
		}
		layers = append(layers, d)
	}
	m, err := model.New(spec, t.p.pre, layers)
	if err != nil {
		return nil, fmt.Errorf("train: building the model: %w", err)
	}
	t.rep.Params = m.NumParams()
	return m, nil
}
