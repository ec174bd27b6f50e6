package pipeline

import (
	"time"
)

// defaultWindowGrowth is train.window_growth when unset.
const defaultWindowGrowth = 1.5

// windowGrowth checks whether the data in the training window has grown
// by train.window_growth since the champion was trained: a champion
// trained while the window was still filling (the first weeks of a
// deployment) is retrained on the fuller window. A champion trained on a
// full window never fires it: the window's span is fixed.
func (r *run) windowGrowth(c *champion) (*Growth, bool) {
	factor := defaultWindowGrowth
	if g := r.cfg.Train.WindowGrowth; g != nil {
		factor = *g
	}
	if factor <= 0 || c.profile == nil {
		return nil, false
	}
	first, trainedAt, ok := c.trainedSpan(r.cfg.Data.TimeColumn)
	if !ok || !trainedAt.After(first) {
		return nil, false
	}
	start := first
	if w := time.Duration(r.cfg.Train.Window); w > 0 && r.opts.Now.Add(-w).After(start) {
		start = r.opts.Now.Add(-w)
	}
	g := &Growth{Trained: trainedAt.Sub(first), Available: r.opts.Now.Sub(start), Factor: factor}
	return g, float64(g.Available) >= factor*float64(g.Trained)
}

// trainedSpan is the time of the champion's first training row and its
// training run's clock (its last training row when the clock is not
// recorded).
func (c *champion) trainedSpan(timeCol string) (first, trainedAt time.Time, ok bool) {
	for _, col := range c.profile.Columns {
		if col.Name != timeCol {
			continue
		}
		var last time.Time
		if first, last, ok = col.TimeRange(); !ok {
			return
		}
		trainedAt = last
		if at, err := time.Parse(time.RFC3339, c.model.Spec().Lineage["trained_at"]); err == nil {
			trainedAt = at
		}
		return first, trainedAt, true
	}
	return
}
