package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"testing"
)

// calibrationRef is testdata/calibration_ref.json, written by
// testdata/calibration_ref.py with scikit-learn 1.2.1.
type calibrationRef struct {
	Probs  []float32 `json:"probs"`
	Labels []int     `json:"labels"`
	Grid   []float32 `json:"grid"`
	Want   []float64 `json:"want"`
	WantCV []float64 `json:"want_cv"`
	A, B   float64
}

func loadCalibrationRef(t *testing.T) map[string]calibrationRef {
	t.Helper()
	b, err := os.ReadFile("testdata/calibration_ref.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref map[string]calibrationRef
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

func maxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var d float64
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

// The calibrators agree with scikit-learn 1.2.1 on the same scores:
// IsotonicRegression(out_of_bounds="clip") and CalibratedClassifierCV
// (isotonic, prefit; binary and 3 classes) to 1e-9, Platt's A and B
// (_sigmoid_calibration on the logits) to 1e-4, its curve to 1e-5.
func TestCalibratorMatchesScikitLearn(t *testing.T) {
	ref := loadCalibrationRef(t)
	iso := ref["isotonic"]
	c, err := FitCalibrator(iso.Probs, 1, iso.Labels)
	if err != nil {
		t.Fatal(err)
	}
	if c.Method != CalibrationIsotonic || c.Rows != len(iso.Labels) {
		t.Fatalf("method %s rows %d", c.Method, c.Rows)
	}
	if d := maxAbsDiff(c.Apply(iso.Grid, nil), iso.Want); d > 1e-9 {
		t.Errorf("isotonic on the grid: max |diff| %g from IsotonicRegression", d)
	}
	if d := maxAbsDiff(c.Apply(iso.Probs, nil), iso.WantCV); d > 1e-9 {
		t.Errorf("isotonic on the rows: max |diff| %g from CalibratedClassifierCV", d)
	}

	pl := ref["platt"]
	c, err = FitCalibrator(pl.Probs, 1, pl.Labels)
	if err != nil {
		t.Fatal(err)
	}
	cv := c.Curves[0]
	if c.Method != CalibrationPlatt || math.Abs(cv.A-pl.A) > 1e-4 || math.Abs(cv.B-pl.B) > 1e-4 {
		t.Errorf("platt %s A %.6f B %.6f, scikit-learn A %.6f B %.6f", c.Method, cv.A, cv.B, pl.A, pl.B)
	}
	if d := maxAbsDiff(c.Apply(pl.Grid, nil), pl.Want); d > 1e-5 {
		t.Errorf("platt on the grid: max |diff| %g", d)
	}

	mc := ref["multiclass"]
	c, err = FitCalibrator(mc.Probs, 3, mc.Labels)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxAbsDiff(c.Apply(mc.Probs, nil), mc.WantCV); d > 1e-9 {
		t.Errorf("multiclass: max |diff| %g from CalibratedClassifierCV", d)
	}
}

// A calibrator survives the model file; a model without one encodes as
// before (no calibration entry) and a bad calibrator is refused.
func TestCalibratorRoundTrip(t *testing.T) {
	ref := loadCalibrationRef(t)
	m, rec := testModel(t, TaskBinary, 4)
	rec.Release()
	plain := encode(t, m)
	if bytes.Contains(plain, []byte(`"calibration"`)) {
		t.Fatal("a model without a calibrator has a calibration entry")
	}
	for _, name := range []string{"isotonic", "platt"} {
		c, err := FitCalibrator(ref[name].Probs, 1, ref[name].Labels)
		if err != nil {
			t.Fatal(err)
		}
		cm, err := m.WithCalibrator(c)
		if err != nil {
			t.Fatal(err)
		}
		if m.Calibrator() != nil {
			t.Fatal("WithCalibrator changed its receiver")
		}
		back, err := DecodeBytes(encode(t, cm))
		if err != nil {
			t.Fatal(err)
		}
		grid := ref[name].Grid
		if d := maxAbsDiff(back.Calibrator().Apply(grid, nil), c.Apply(grid, nil)); d != 0 || back.Calibrator().Method != name {
			t.Errorf("%s: decoded calibrator differs by %g", name, d)
		}
		if !bytes.Equal(encode(t, back), encode(t, cm)) {
			t.Errorf("%s: re-encoding changes the bytes", name)
		}
		again, err := DecodeBytes(encode(t, back.WithThreads(2)))
		if err != nil || again.Calibrator() == nil {
			t.Errorf("%s: WithThreads lost the calibrator (%v)", name, err)
		}
	}
	bad := &Calibrator{Method: CalibrationIsotonic, Rows: 3, Curves: []Curve{{X: []float64{0.5, 0.2}, Y: []float64{0.1, 0.2}}}}
	if _, err := m.WithCalibrator(bad); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("decreasing x: err %v", err)
	}
	two := &Calibrator{Method: CalibrationPlatt, Rows: 3, Curves: []Curve{{A: 1}, {A: 1}}}
	if _, err := m.WithCalibrator(two); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("two curves for a binary model: err %v", err)
	}
}

// A calibrator's measured shift survives the model file; a calibration
// entry without one (files saved before it existed) loads with none, and
// a negative or non-finite shift is refused.
func TestCalibratorShiftRoundTrip(t *testing.T) {
	ref := loadCalibrationRef(t)
	m, rec := testModel(t, TaskBinary, 4)
	rec.Release()
	c, err := FitCalibrator(ref["isotonic"].Probs, 1, ref["isotonic"].Labels)
	if err != nil {
		t.Fatal(err)
	}
	old, err := m.WithCalibrator(c)
	if err != nil {
		t.Fatal(err)
	}
	oldBytes := encode(t, old)
	if bytes.Contains(oldBytes, []byte(`shift`)) {
		t.Fatal("a calibrator without a shift encodes one")
	}
	back, err := DecodeBytes(oldBytes)
	if err != nil || back.Calibrator() == nil || back.Calibrator().Shift != nil {
		t.Fatalf("old file: err %v, calibrator %+v", err, back.Calibrator())
	}
	withShift := *c
	withShift.Shift = &CalibrationShift{By: "time", Chunks: 10, ChunkRows: 500,
		SD: map[string]float64{"auc": 0.01}, RMSE: map[string]float64{"auc": 0.012}, Sampling: map[string]float64{"auc": 0.006}}
	sm, err := m.WithCalibrator(&withShift)
	if err != nil {
		t.Fatal(err)
	}
	back, err = DecodeBytes(encode(t, sm))
	if err != nil {
		t.Fatal(err)
	}
	if s := back.Calibrator().Shift; s == nil || s.SD["auc"] != 0.01 || s.Chunks != 10 || s.By != "time" {
		t.Errorf("decoded shift %+v", s)
	}
	for _, bad := range []CalibrationShift{
		{By: "time", Chunks: 10, ChunkRows: 5, SD: map[string]float64{"auc": -1}},
		{By: "time", Chunks: 10, ChunkRows: 5, RMSE: map[string]float64{"auc": math.NaN()}},
		{By: "weekly", Chunks: 10, ChunkRows: 5},
		{By: "time", Chunks: 1, ChunkRows: 5},
	} {
		b := *c
		b.Shift = &bad
		if _, err := m.WithCalibrator(&b); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("shift %+v: err %v", bad, err)
		}
	}
}
