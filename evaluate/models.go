package evaluate

import (
	"context"
	"fmt"

	"github.com/refit-ml/refit/model"
)

// Headline returns the task's headline metric: the one bootstrap intervals
// and the default policy use (auc, accuracy or r2).
func Headline(task Task) string {
	switch task {
	case TaskMulticlass:
		return Accuracy
	case TaskRegression:
		return R2
	}
	return AUC
}

// DefaultPolicy is the policy used when none is given:
//   - the headline metric must not be shown to drop more than 0.005 below
//     the champion's (see Gate for the rule);
//   - binary: auc >= 0.5 (better than chance); regression: r2 >= 0
//     (better than predicting the mean);
//   - latency p99 at batch 1 not shown more than 20% above the champion's,
//     compared only from the 1 µs floor up;
//   - the file at most 20% larger than the champion's.
//
// Without a champion only the absolute gates can fail.
func DefaultPolicy(task Task) *Policy {
	f := func(v float64) *float64 { return &v }
	head := Headline(task)
	var gates []Gate
	switch task {
	case TaskBinary:
		gates = append(gates, Gate{Metric: AUC, Min: f(0.5)})
	case TaskRegression:
		gates = append(gates, Gate{Metric: R2, Min: f(0)})
	}
	gates = append(gates,
		Gate{Metric: head, MaxDropVsChampion: f(0.005)},
		Gate{Metric: CostLatencyP99, MaxRiseVsChampionPct: f(20)},
		Gate{Metric: CostBytes, MaxRiseVsChampionPct: f(20)},
	)
	return &Policy{Gates: gates}
}

// ModelOptions configure EvaluateModels. The zero value evaluates at the
// defaults of Options and measures cost with the defaults of CostOptions.
type ModelOptions struct {
	// Options apply to every model; Classes is set from each model.
	Options Options
	// Cost configures the cost measurement.
	Cost CostOptions
	// NoCost skips the latency and throughput measurement (sizes are
	// still filled in).
	NoCost bool
}

// EvaluateModels evaluates every scored model into a Result (the i-th for
// models[i], named names[i]) with its Cost: Bytes from paths[i] ("" for
// none), timings on sc.Samples[i]. The models are timed together, sample
// by sample (MeasureCosts), so their timings are comparable.
func EvaluateModels(ctx context.Context, sc *Scores, models []*model.Model, names, paths []string, opts ModelOptions) ([]Result, error) {
	out, _, err := evaluateModels(ctx, sc, models, names, paths, opts)
	return out, err
}

// evaluateModels is EvaluateModels, also returning the timing samples (nil
// when not timed).
func evaluateModels(ctx context.Context, sc *Scores, models []*model.Model, names, paths []string, opts ModelOptions) ([]Result, []timing, error) {
	if len(models) != len(sc.Preds) || len(names) != len(models) || len(paths) != len(models) {
		return nil, nil, fmt.Errorf("evaluate: %w: %d models, %d scored, %d names, %d paths",
			ErrInvalidInput, len(models), len(sc.Preds), len(names), len(paths))
	}
	out := make([]Result, len(models))
	in := make([]CostInput, len(models))
	for i, m := range models {
		r, err := Evaluate(Task(m.Task()), sc.Labels[i], sc.Preds[i], modelOptions(m, sc, opts.Options))
		if err == nil {
			r.Cost, err = sizeCost(m, paths[i])
		}
		if err != nil {
			return nil, nil, fmt.Errorf("evaluate %s: %w", names[i], err)
		}
		r.Model = names[i]
		out[i], in[i] = r, CostInput{Model: m, Path: paths[i], X: sc.Samples[i], Record: sc.SampleRecord}
	}
	if opts.NoCost || sc.SampleRows == 0 {
		return out, nil, nil
	}
	costs, timings, err := measureCosts(ctx, in, sc.SampleRows, opts.Cost)
	if err != nil {
		return nil, nil, err
	}
	for i := range out {
		out[i].Cost = costs[i]
	}
	return out, timings, nil
}

// modelOptions are o for model m: its classes, the task's headline, the
// scored slices.
func modelOptions(m *model.Model, sc *Scores, o Options) Options {
	o.Classes = len(m.Labels())
	if o.Headline == "" {
		o.Headline = Headline(Task(m.Task()))
	}
	if o.Threshold == 0 {
		o.Threshold = 0.5
	}
	o.Slices = sc.Slices
	return o
}
