package estimate

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/refit-ml/refit/model"
	"gonum.org/v1/gonum/stat/distuv"
)

// Shift chunking. A chunk needs MinRows rows for its estimate's sampling
// spread to be small next to the shift being measured; at least
// MinShiftChunks chunks give the spread's t quantile a few degrees of
// freedom, and MaxShiftChunks keeps chunks long (a month ahead is
// compared with whole chunks, not hours).
const (
	MinShiftChunks = 4
	MaxShiftChunks = 10
)

// MeasureShift measures the calibration shift of a model's holdout: the
// raw predictions scores (rows×classes, classes 1 for binary), the true
// class of each row (0/1 for binary) and, when the rows have a time
// column, their times (nil otherwise: the chunks are then random rows,
// which measures the calibrator's noise but not any shift between
// periods). The rows are cut into k chunks of equal size (consecutive in
// time; k = rows/MinRows, clamped to [MinShiftChunks, MaxShiftChunks]);
// for each chunk a calibrator is fitted (model.FitCalibrator) on the
// other chunks, the chunk's metrics are estimated with it and compared
// with its realized metrics. It returns nil, with the reason, when the
// rows are too few for MinShiftChunks chunks of MinRows or a chunk's fit
// fails (a class absent from the other chunks).
func MeasureShift(scores []float32, classes int, labels []int, times []int64, seed uint64) (*model.CalibrationShift, string) {
	n := len(labels)
	if n == 0 || len(scores) != n*classes || times != nil && len(times) != n {
		return nil, fmt.Sprintf("%d scores, %d labels, %d times", len(scores), n, len(times))
	}
	k := min(n/MinRows, MaxShiftChunks)
	if k < MinShiftChunks {
		return nil, fmt.Sprintf("%d holdout rows, fewer than %d chunks of %d", n, MinShiftChunks, MinRows)
	}
	order, by := chunkOrder(n, times, seed)
	s := &model.CalibrationShift{By: by, Chunks: k, ChunkRows: n / k,
		SD: map[string]float64{}, RMSE: map[string]float64{}, Sampling: map[string]float64{}}
	opts := Options{Samples: 200, Seed: seed}
	chunks := map[string]float64{} // chunks with a defined error, by metric
	for j := range k {
		lo, hi := j*n/k, (j+1)*n/k
		inS, inL, outS, outL := split(scores, labels, classes, order, lo, hi)
		c, err := model.FitCalibrator(outS, classes, outL)
		if err != nil {
			return nil, fmt.Sprintf("chunk %d of %d: %v", j+1, k, err)
		}
		est, err := estimateWith(inS, c.Apply(inS, nil), classes, opts)
		if err != nil {
			return nil, fmt.Sprintf("chunk %d of %d: %v", j+1, k, err)
		}
		real, err := estimateWith(inS, oneHot(inL, classes), classes, Options{Samples: 2})
		if err != nil {
			return nil, fmt.Sprintf("chunk %d of %d: %v", j+1, k, err)
		}
		for i, m := range est.Metrics {
			e := m.Value - real.Metrics[i].Value
			if math.IsNaN(e) {
				continue
			}
			sd := samplingSD(m, est.Level)
			s.RMSE[m.Name] += e * e
			s.Sampling[m.Name] += sd * sd
			chunks[m.Name]++
		}
	}
	for name, c := range chunks {
		mse, v := s.RMSE[name]/c, s.Sampling[name]/c
		s.SD[name] = math.Sqrt(max(mse-v, 0))
		s.RMSE[name], s.Sampling[name] = math.Sqrt(mse), math.Sqrt(v)
	}
	return s, ""
}

// chunkOrder returns the rows in chunk order: by time (stable, so ties
// keep source order) when times are given, else a seeded permutation.
func chunkOrder(n int, times []int64, seed uint64) ([]int, string) {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	if times == nil {
		rand.New(rand.NewPCG(seed, 0x73686966)).Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
		return order, "random"
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(times[a], times[b]) })
	return order, "time"
}

// split returns the scores and labels of the rows order[lo:hi] and of
// every other row.
func split(scores []float32, labels []int, classes int, order []int, lo, hi int) (inS []float32, inL []int, outS []float32, outL []int) {
	for p, i := range order {
		row := scores[i*classes : (i+1)*classes]
		if p >= lo && p < hi {
			inS, inL = append(inS, row...), append(inL, labels[i])
		} else {
			outS, outL = append(outS, row...), append(outL, labels[i])
		}
	}
	return inS, inL, outS, outL
}

// oneHot returns labels as probabilities: the estimate from them is the
// realized metric.
func oneHot(labels []int, classes int) []float64 {
	out := make([]float64, len(labels)*classes)
	for i, l := range labels {
		switch {
		case classes == 1:
			out[i] = float64(l)
		case l >= 0 && l < classes:
			out[i*classes+l] = 1
		}
	}
	return out
}

func estimateWith(scores []float32, cal []float64, classes int, opts Options) (Estimate, error) {
	if classes == 1 {
		return Binary(scores, cal, opts)
	}
	return Multiclass(scores, cal, classes, opts)
}

// samplingSD is the standard deviation a metric's sampling interval
// implies (its half-width over the normal quantile of the level).
func samplingSD(m Metric, level float64) float64 {
	z := distuv.UnitNormal.Quantile(1 - (1-level)/2)
	if math.IsNaN(m.Lo) || math.IsNaN(m.Hi) {
		return 0
	}
	return (m.Hi - m.Lo) / (2 * z)
}

// shiftHalfWidth is the half-width the calibration shift adds to a
// metric's interval at the level: the t quantile with chunks−1 degrees of
// freedom (the spread is estimated from that many chunks) times the
// shift's standard deviation; 0 without a measured shift.
func shiftHalfWidth(s *model.CalibrationShift, name string, level float64) float64 {
	if s == nil || s.SD[name] == 0 {
		return 0
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(s.Chunks - 1)}.Quantile(1 - (1-level)/2)
	return t * s.SD[name]
}

// withShift widens each metric's interval by the calibration shift s:
// the sampling interval's lower and upper half-widths and the shift's
// half-width added in quadrature, clipped to [0, 1]. The sampling
// interval is kept in SamplingLo and SamplingHi, the shift's part in
// Shift.
func (e *Estimate) withShift(s *model.CalibrationShift) {
	if s == nil {
		return
	}
	e.Shift = &ShiftInfo{By: s.By, Chunks: s.Chunks, ChunkRows: s.ChunkRows}
	for i := range e.Metrics {
		m := &e.Metrics[i]
		h := shiftHalfWidth(s, m.Name, e.Level)
		m.SamplingLo, m.SamplingHi, m.Shift = m.Lo, m.Hi, h
		if math.IsNaN(m.Lo) || math.IsNaN(m.Hi) {
			continue
		}
		m.Lo = max(m.Value-math.Hypot(m.Value-m.Lo, h), 0)
		m.Hi = min(m.Value+math.Hypot(m.Hi-m.Value, h), 1)
	}
}

// ShiftInfo says how the calibration shift in an estimate's intervals
// was measured (see model.CalibrationShift).
type ShiftInfo struct {
	By        string `json:"by"`
	Chunks    int    `json:"chunks"`
	ChunkRows int    `json:"chunk_rows"`
}
