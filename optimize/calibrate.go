package optimize

import (
	"fmt"

	"github.com/refit-ml/refit/model"
)

// calibrate gives the kept variant its own probability calibrator, fitted
// on the validation rows the search measured it on: pruning and int8
// change the probabilities, so the float model's calibrator no longer
// fits them. Only a classifier whose base carries a calibrator gets one;
// validation rows lacking a class leave the variant without (Calibration
// says so).
func (res Result) calibrate(base *model.Model, val Validation) (Result, error) {
	if res.Model == base || base.Calibrator() == nil {
		return res, nil
	}
	rows := len(val.Labels)
	pred, err := res.Model.NewPredictor().Forward(val.X, rows, nil)
	if err != nil {
		return res, fmt.Errorf("optimize: calibrating: %w", err)
	}
	labels := make([]int, rows)
	for i, l := range val.Labels {
		labels[i] = int(l)
	}
	c, err := model.FitCalibrator(pred, res.Model.OutputWidth(), labels)
	if err != nil {
		res.Calibration = fmt.Sprintf("none: %v", err)
		return res, nil
	}
	// The calibration shift between periods is the data's, not the
	// variant's (its probabilities track the base's): carried over.
	c.Shift = base.Calibrator().Shift
	res.Calibration = fmt.Sprintf("%s on the %d validation rows", c.Method, c.Rows)
	res.Model, err = res.Model.WithCalibrator(c)
	return res, err
}
