package train

import (
	"fmt"

	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/validate/estimate"
)

// calibrate fits m's probability calibrator on the validation rows, which
// training did not fit on (early stopping only chose the epoch), and
// returns the model carrying it. Regression models, and validation rows
// lacking a class, are returned as they are (Report.Calibration says
// why).
func (t *trainer) calibrate(m *model.Model) (*model.Model, error) {
	if t.p.task == model.TaskRegression {
		return m, nil
	}
	v := &t.p.valid
	pred, err := m.NewPredictor().ForwardSparse(v.sparse(), nil)
	if err != nil {
		return nil, fmt.Errorf("train: calibrating: %w", err)
	}
	labels := make([]int, len(v.cls))
	for i, c := range v.cls {
		labels[i] = int(c)
	}
	c, err := model.FitCalibrator(pred, m.OutputWidth(), labels)
	if err != nil {
		t.rep.Calibration = fmt.Sprintf("none: %v", err)
		return m, nil
	}
	t.rep.Calibration = fmt.Sprintf("%s on %d validation rows", c.Method, c.Rows)
	times := t.p.validTimes
	if len(times) != len(labels) {
		times = nil
	}
	shift, why := estimate.MeasureShift(pred, m.OutputWidth(), labels, times, t.cfg.Seed)
	if shift == nil {
		t.rep.Calibration += fmt.Sprintf("; calibration shift not measured: %s", why)
	} else {
		t.rep.Calibration += fmt.Sprintf("; calibration shift measured over %d chunks by %s", shift.Chunks, shift.By)
	}
	c.Shift = shift
	return m.WithCalibrator(c)
}
