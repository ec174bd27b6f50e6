package estimate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/refit-ml/refit/model"
)

// shiftData draws n rows of a binary model's scores and labels whose
// true probability is logistic(4·(score−0.5) + offset), the offset drawn
// anew (normal, sd offsetSD) for each of periods consecutive periods; the
// times are the row numbers.
func shiftData(rng *rand.Rand, n, periods int, offsetSD float64) (scores []float32, labels []int, times []int64) {
	offset := 0.0
	for i := range n {
		if i%(n/periods) == 0 {
			offset = offsetSD * rng.NormFloat64()
		}
		s := rng.Float64()
		p := 1 / (1 + math.Exp(-(4*(s-0.5) + offset)))
		l := 0
		if rng.Float64() < p {
			l = 1
		}
		scores, labels, times = append(scores, float32(s)), append(labels, l), append(times, int64(i))
	}
	return scores, labels, times
}

// With the relation to the label stable, the measured shift is below a
// chunk's sampling spread (what remains is the calibrator's own noise and
// the spread of the estimate of the shift) and the widened intervals stay
// within twice the sampling ones; when the relation moves from period to
// period (one offset per chunk-long period), the shift is large, the
// sampling-only intervals miss, and the widened ones cover.
func TestMeasureShift(t *testing.T) {
	for _, tc := range []struct {
		name     string
		offsetSD float64
		minWide  float64 // coverage of the widened precision interval
	}{
		{"stable", 0, 0.9},
		{"moving", 0.5, 0.85},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(11, 12))
			scores, labels, times := shiftData(rng, 20_000, 10, tc.offsetSD)
			cal, err := model.FitCalibrator(scores, 1, labels)
			if err != nil {
				t.Fatal(err)
			}
			s, why := MeasureShift(scores, 1, labels, times, 1)
			if s == nil {
				t.Fatal(why)
			}
			t.Logf("shift by %s, %d chunks of %d: SD %v, RMSE %v, sampling %v", s.By, s.Chunks, s.ChunkRows, s.SD, s.RMSE, s.Sampling)
			if s.By != "time" || s.Chunks != MaxShiftChunks || s.ChunkRows != 2000 {
				t.Errorf("chunks %+v", s)
			}
			for name, sd := range s.SD {
				if tc.offsetSD == 0 && sd > s.Sampling[name] || tc.offsetSD > 0 && name == Precision && sd < 2*s.Sampling[name] {
					t.Errorf("%s: SD %.4f, chunk sampling SD %.4f", name, sd, s.Sampling[name])
				}
			}
			const trials = 100
			narrow, wide := 0, 0
			var sampW, shiftW float64
			for range trials {
				ns, nl, _ := shiftData(rng, 5000, 1, tc.offsetSD)
				e, err := Binary(ns, cal.Apply(ns, nil), Options{Samples: 100})
				if err != nil {
					t.Fatal(err)
				}
				e.withShift(s)
				real, err := Binary(ns, oneHot(nl, 1), Options{Samples: 2})
				if err != nil {
					t.Fatal(err)
				}
				m, _ := e.Metric(Precision)
				r, _ := real.Metric(Precision)
				if r.Value >= m.SamplingLo && r.Value <= m.SamplingHi {
					narrow++
				}
				if r.Value >= m.Lo && r.Value <= m.Hi {
					wide++
				}
				sampW += (m.SamplingHi - m.SamplingLo) / 2 / trials
				shiftW += m.Shift / trials
			}
			t.Logf("precision: sampling-only interval covers %d of %d, widened %d; mean half-widths sampling %.4f, shift %.4f",
				narrow, trials, wide, sampW, shiftW)
			if float64(wide)/trials < tc.minWide {
				t.Errorf("widened intervals cover %d of %d", wide, trials)
			}
			if tc.offsetSD == 0 && math.Hypot(sampW, shiftW) > 2*sampW {
				t.Errorf("stable relation: shift half-width %.4f widens the sampling one %.4f more than twice", shiftW, sampW)
			}
			if tc.offsetSD > 0 && narrow >= wide {
				t.Errorf("moving relation: the sampling-only intervals cover as often (%d) as the widened ones (%d)", narrow, wide)
			}
		})
	}
}

// Without times the chunks are random rows; too few rows give no shift.
func TestMeasureShiftFallbacks(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	scores, labels, _ := shiftData(rng, 6000, 1, 0)
	s, why := MeasureShift(scores, 1, labels, nil, 1)
	if s == nil || s.By != "random" || s.Chunks != 6 {
		t.Errorf("no times: %+v (%s)", s, why)
	}
	if s, why := MeasureShift(scores[:3000], 1, labels[:3000], nil, 1); s != nil || why == "" {
		t.Errorf("3,000 rows: %+v", s)
	}
}

// A multiclass holdout gets a shift for every macro metric.
func TestMeasureShiftMulticlass(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n, k = 8000, 3
	scores, labels := make([]float32, n*k), make([]int, n)
	for i := range n {
		l := rng.IntN(k)
		labels[i] = l
		var sum float32
		for j := range k {
			v := float32(rng.Float64())
			if j == l {
				v += 0.7
			}
			scores[i*k+j], sum = v, sum+v
		}
		for j := range k {
			scores[i*k+j] /= sum
		}
	}
	s, why := MeasureShift(scores, k, labels, nil, 2)
	if s == nil {
		t.Fatal(why)
	}
	for _, name := range Names(model.TaskMulticlass) {
		if _, ok := s.SD[name]; !ok || s.Sampling[name] <= 0 {
			t.Errorf("%s: SD %v, sampling %v", name, s.SD[name], s.Sampling[name])
		}
	}
}

// With a measured calibration shift, the text shows each interval's
// sampling part and the shift's half-width beside the combined interval.
func TestWriteTextShift(t *testing.T) {
	scores, cal := synthBinary(2000, 5)
	e, err := Binary(scores, cal, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	e.withShift(&model.CalibrationShift{By: "time", Chunks: 10, ChunkRows: 8697,
		SD: map[string]float64{Accuracy: 0.02, AUC: 0.01}})
	auc, _ := e.Metric(AUC)
	if want := 2.262157 * 0.01; math.Abs(auc.Shift-want) > 1e-5 || auc.Lo >= auc.SamplingLo || auc.Hi <= auc.SamplingHi {
		t.Errorf("auc %+v: want shift %.6f widening the sampling interval", auc, want)
	}
	var b strings.Builder
	if err := (Checked{Estimate: e}).WriteText(&b, "m"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"interval = sampling ± calibration shift (measured over 10 time chunks of 8,697 holdout rows):",
		fmt.Sprintf("  auc              sampling [%.4f, %.4f], shift ±%.4f", auc.SamplingLo, auc.SamplingHi, auc.Shift),
		fmt.Sprintf("auc                 %.4f  [%.4f, %.4f]", auc.Value, auc.Lo, auc.Hi),
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
}
