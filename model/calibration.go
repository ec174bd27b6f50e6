package model

import (
	"encoding/json"
	"fmt"
)

// calibrationKey is the optional metadata entry holding the model's
// Calibrator as JSON. A file without it loads as a model without a
// calibrator; a model without one encodes without it, to the same bytes
// as before calibrators existed.
const calibrationKey = "calibration"

// WithCalibrator returns a copy of m that carries c (nil removes it): a
// classifier's probability calibrator, fitted on rows training did not
// use (see FitCalibrator). Predict is unchanged; the calibrator is for
// estimating performance without labels. c must have one curve for a
// binary model, one per class for a multiclass one; regression models
// take none. Errors wrap ErrInvalidInput.
func (m *Model) WithCalibrator(c *Calibrator) (*Model, error) {
	if c != nil {
		if m.spec.Task == TaskRegression {
			return nil, fmt.Errorf("model: %w: a regression model takes no calibrator", ErrInvalidInput)
		}
		if err := c.validate(m.spec.outputs()); err != nil {
			return nil, fmt.Errorf("model: %w: %w", ErrInvalidInput, err)
		}
	}
	out, _ := New(m.spec, m.pre, m.layers) // the same pieces: New cannot fail
	out.cal = c
	return out, nil
}

// Calibrator is the model's probability calibrator, or nil if it has
// none (regression models, and models trained before calibrators).
func (m *Model) Calibrator() *Calibrator { return m.cal }

// encodeCalibration adds the calibration entry when m has a calibrator.
func (m *Model) encodeCalibration(meta map[string]string) error {
	if m.cal == nil {
		return nil
	}
	b, err := json.Marshal(m.cal)
	if err != nil {
		return fmt.Errorf("%s: %w", calibrationKey, err)
	}
	meta[calibrationKey] = string(b)
	return nil
}

// withCalibration attaches the decoded calibration entry, if any.
func withCalibration(m *Model, meta map[string]string) (*Model, error) {
	raw, ok := meta[calibrationKey]
	if !ok {
		return m, nil
	}
	var c Calibrator
	if err := strictUnmarshal([]byte(raw), &c); err != nil {
		return nil, fmt.Errorf("%s: %w", calibrationKey, err)
	}
	if m.spec.Task == TaskRegression {
		return nil, fmt.Errorf("%s: a regression model takes no calibrator", calibrationKey)
	}
	if err := c.validate(m.spec.outputs()); err != nil {
		return nil, fmt.Errorf("%s: %w", calibrationKey, err)
	}
	m.cal = &c
	return m, nil
}
