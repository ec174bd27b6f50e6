package evaluate

import (
	"fmt"

	"github.com/refit-ml/refit/model"
)

// MetricInterval is the bootstrap interval of one model's metric on the
// rows it was scored on: model i of sc, which is m. It uses the gates'
// resampling (Poisson counts over rows in score order, seeded) and their
// defaults: level 0.90 and 1000 resamples, fewer beyond 100,000 rows.
// The pipeline's monitor puts it beside the champion's live metric.
func MetricInterval(sc *Scores, i int, m *model.Model, metric string, opts BootstrapOptions) (Interval, error) {
	if i < 0 || i >= len(sc.Preds) {
		return Interval{}, fmt.Errorf("evaluate interval: %w: model %d of %d", ErrInvalidInput, i, len(sc.Preds))
	}
	if sc.Rows == 0 {
		return Interval{}, fmt.Errorf("evaluate interval: %w", ErrNoRows)
	}
	task := Task(m.Task())
	rows := make([]int, len(sc.Labels[i]))
	for r := range rows {
		rows[r] = r
	}
	if task == TaskBinary {
		sortByScore(rows, sc.Preds[i])
	}
	a, err := newResampled(task, sc.Labels[i], sc.Preds[i], rows, modelOptions(m, sc, Options{}))
	if err != nil {
		return Interval{}, fmt.Errorf("evaluate interval: %w", err)
	}
	ev := evidence{opts: CompareOptions{Bootstrap: opts}}
	ivs := ownBootstrap(a, len(rows), []string{metric}, "", ev.bootstrapOptions("", len(rows)))
	if len(ivs) == 0 {
		return Interval{}, fmt.Errorf("evaluate interval: %w: metric %q", ErrInvalidInput, metric)
	}
	return ivs[0], nil
}
