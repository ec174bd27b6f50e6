package pipeline

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/validate/estimate"
)

// recalibrate refits a binary candidate's probability calibrator on the
// holdout, once the gates have been checked, and measures its calibration
// shift over the holdout's time chunks. The holdout follows every row
// training and optimization saw, so it is the closest the run has to the
// months the calibrator will estimate without labels (CBPE): on flights,
// a calibrator from rows inside the window overestimated the next
// months' AUC by 0.08–0.14. Gates and scores read raw probabilities, never
// the calibrator, so the verdict stands. A holdout too small to measure
// its shift (estimate.MeasureShift) keeps training's calibrator. It
// returns a note for the stage.
func (r *run) recalibrate(ctx context.Context, c *candidate) (string, error) {
	m := c.model
	if m.Calibrator() == nil || m.Task() != model.TaskBinary {
		return "", nil
	}
	label, err := colexpr.Compile(r.cfg.Train.Label, c.holdout.ds.Schema())
	if err != nil {
		return "", err
	}
	h := c.holdout
	h.label = label
	var probs, scratch []float32
	var labels []int
	var times []int64
	for rec, err := range h.records(ctx) {
		if err != nil {
			return "", err
		}
		lab, ok := rec.Column(int(rec.NumCols()) - 1).(*array.Boolean)
		if !ok {
			return "calibrator kept: the label is not true/false", nil
		}
		t, _, err := timeValues(rec.Column(rec.Schema().FieldIndices(h.timeCol)[0]))
		if err != nil {
			return "", err
		}
		if scratch, err = m.Predict(rec, scratch); err != nil {
			return "", fmt.Errorf("pipeline: calibrating on the holdout: %w", err)
		}
		probs = append(probs, scratch...)
		for i := range lab.Len() {
			y := 0
			if lab.Value(i) {
				y = 1
			}
			labels = append(labels, y)
		}
		times = append(times, t...)
	}
	// A holdout too small to measure its own shift keeps the calibrator
	// training fitted: a calibrator on a few hundred rows, without the
	// shift that widens its intervals, would claim more than it knows.
	shift, why := estimate.MeasureShift(probs, 1, labels, times, r.cfg.Train.Seed)
	if shift == nil {
		return "calibrator kept from training: " + why, nil
	}
	cal, err := model.FitCalibrator(probs, 1, labels)
	if err != nil {
		return fmt.Sprintf("calibrator kept from training: %v", err), nil
	}
	cal.Shift = shift
	note := fmt.Sprintf("calibrator refitted on %d holdout rows (%s), shift over %d time chunks", cal.Rows, cal.Method, shift.Chunks)
	if c.model, err = m.WithCalibrator(cal); err != nil {
		return "", err
	}
	return note, c.model.Save(c.path)
}
