package model

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Calibration methods.
const (
	// CalibrationIsotonic is isotonic regression of the label on the
	// model's probability (scikit-learn's IsotonicRegression with
	// out_of_bounds="clip", y_min=0, y_max=1): a non-decreasing step
	// curve, interpolated linearly between its breakpoints.
	CalibrationIsotonic = "isotonic"
	// CalibrationPlatt is Platt scaling on the logit of the model's
	// probability: 1/(1+exp(A·logit(p)+B)), A and B fitted by Newton's
	// method on Platt's smoothed targets (scikit-learn's
	// _sigmoid_calibration).
	CalibrationPlatt = "platt"
)

// IsotonicMinRows is the number of holdout rows from which FitCalibrator
// fits isotonic regression; below it, isotonic regression overfits and
// Platt scaling is fitted instead (scikit-learn's user guide gives the
// same advice: isotonic "is prone to overfitting" below about a thousand
// samples).
const IsotonicMinRows = 1000

// Calibrator maps a classifier's probabilities to calibrated ones: a
// binary model's probability of the positive class, or a multiclass
// model's probabilities, one curve per class (one-vs-rest) then
// normalized to sum to 1, as scikit-learn's CalibratedClassifierCV does.
// It is fitted on rows training did not use and stored in the model file
// (format version 2, optional metadata entry "calibration"). The zero
// value is not usable; a Calibrator is immutable.
type Calibrator struct {
	// Method is CalibrationIsotonic or CalibrationPlatt.
	Method string `json:"method"`
	// Rows is the number of holdout rows it was fitted on.
	Rows int `json:"rows"`
	// Curves has one curve for a binary model (the positive class) and
	// one per class for a multiclass model.
	Curves []Curve `json:"curves"`
	// Shift is how far performance estimates made with this kind of
	// calibrator missed on holdout rows it was not fitted on (see
	// CalibrationShift); nil for calibrators saved before it existed or
	// fitted on too few rows to measure it. Optional in the file.
	Shift *CalibrationShift `json:"shift,omitempty"`
}

// CalibrationShift is the calibration shift the holdout itself shows:
// the holdout is cut into Chunks chunks (contiguous in time when By is
// "time", drawn at random when "random"), a calibrator is fitted on all
// chunks but one, the metrics of the left-out chunk are estimated from it
// without labels and compared with the chunk's realized metrics. The
// errors' mean square, less the part the estimate's own sampling spread
// explains, is the variance of the estimate's error that comes from the
// calibration moving between periods. package estimate measures it
// (estimate.MeasureShift) and widens its intervals by it.
type CalibrationShift struct {
	// By is "time" (chunks are consecutive periods of the time column)
	// or "random" (no time column: chunks are random rows, and the shift
	// between periods is not measured, only the calibrator's own noise).
	By string `json:"by"`
	// Chunks is the number of chunks, ChunkRows the rows of the smallest.
	Chunks    int `json:"chunks"`
	ChunkRows int `json:"chunk_rows"`
	// SD is each metric's calibration-shift standard deviation (by
	// metric name, as package estimate names them): √max(0, mean squared
	// error − mean sampling variance) over the chunks. RMSE is the root
	// mean squared error of the chunk estimates, Sampling the root mean
	// sampling variance of a chunk's estimate.
	SD       map[string]float64 `json:"sd"`
	RMSE     map[string]float64 `json:"rmse"`
	Sampling map[string]float64 `json:"sampling"`
}

// Curve is one class's calibration map.
type Curve struct {
	// X and Y are the isotonic curve's breakpoints: X increasing, Y
	// non-decreasing in [0, 1]. Values below X[0] map to Y[0], above the
	// last to the last Y.
	X []float64 `json:"x,omitempty"`
	Y []float64 `json:"y,omitempty"`
	// A and B are Platt's parameters.
	A float64 `json:"a,omitempty"`
	B float64 `json:"b,omitempty"`
}

// FitCalibrator fits a calibrator to a model's probabilities probs
// (rows×classes, classes 1 for binary: the positive class's probability)
// against the true class of each row (0/1 for binary, the class index for
// multiclass): isotonic regression with at least IsotonicMinRows rows,
// Platt scaling below. Every class must occur at least once. Errors wrap
// ErrInvalidInput.
func FitCalibrator(probs []float32, classes int, labels []int) (*Calibrator, error) {
	if classes < 1 || len(labels) == 0 || len(probs) != len(labels)*classes {
		return nil, fmt.Errorf("model: fitting a calibrator: %w: %d probabilities for %d rows of %d classes",
			ErrInvalidInput, len(probs), len(labels), classes)
	}
	method := CalibrationPlatt
	if len(labels) >= IsotonicMinRows {
		method = CalibrationIsotonic
	}
	c := &Calibrator{Method: method, Rows: len(labels)}
	for k := range classes {
		x, y := make([]float64, len(labels)), make([]float64, len(labels))
		pos := k
		if classes == 1 {
			pos = 1
		}
		var n int
		for i, l := range labels {
			x[i] = float64(probs[i*classes+k])
			if l == pos {
				y[i], n = 1, n+1
			}
		}
		if n == 0 || n == len(labels) {
			return nil, fmt.Errorf("model: fitting a calibrator: %w: class %d has %d of %d holdout rows", ErrInvalidInput, pos, n, len(labels))
		}
		var cv Curve
		if method == CalibrationIsotonic {
			cv = fitIsotonic(x, y)
		} else {
			cv = fitPlatt(x, y)
		}
		c.Curves = append(c.Curves, cv)
	}
	return c, nil
}

// Apply writes the calibrated probabilities of probs (rows×classes, the
// layout Predict gives) into dst, grown if needed, and returns it.
// Multiclass rows are normalized to sum to 1 (uniform if every curve
// gives 0).
func (c *Calibrator) Apply(probs []float32, dst []float64) []float64 {
	if cap(dst) < len(probs) {
		dst = make([]float64, len(probs))
	}
	dst = dst[:len(probs)]
	k := len(c.Curves)
	for i, p := range probs {
		dst[i] = c.curve(&c.Curves[i%k], float64(p))
	}
	if k == 1 {
		return dst
	}
	for r := 0; r < len(dst); r += k {
		row := dst[r : r+k]
		var sum float64
		for _, v := range row {
			sum += v
		}
		for j := range row {
			if sum > 0 {
				row[j] /= sum
			} else {
				row[j] = 1 / float64(k)
			}
		}
	}
	return dst
}

func (c *Calibrator) curve(cv *Curve, p float64) float64 {
	if c.Method == CalibrationPlatt {
		return 1 / (1 + math.Exp(cv.A*logit(p)+cv.B))
	}
	return interpolate(cv.X, cv.Y, p)
}

// interpolate is the piecewise-linear curve through (x, y), clipped at
// both ends (numpy.interp).
func interpolate(x, y []float64, p float64) float64 {
	if math.IsNaN(p) {
		return math.NaN()
	}
	i, _ := slices.BinarySearch(x, p) // first x[i] >= p
	switch {
	case i == 0:
		return y[0]
	case i == len(x):
		return y[len(y)-1]
	case x[i] == p:
		return y[i]
	}
	t := (p - x[i-1]) / (x[i] - x[i-1])
	return y[i-1] + t*(y[i]-y[i-1])
}

// logitEps keeps logit finite for probabilities of exactly 0 or 1.
const logitEps = 1e-7

func logit(p float64) float64 {
	p = min(max(p, logitEps), 1-logitEps)
	return math.Log(p / (1 - p))
}

// fitIsotonic is scikit-learn's IsotonicRegression(out_of_bounds="clip")
// fit: equal x values are pooled (mean y, their count as weight), the
// pool-adjacent-violators algorithm makes y non-decreasing, and only the
// first and last point of each constant run are kept.
func fitIsotonic(x, y []float64) Curve {
	order := make([]int, len(x))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(x[a], x[b]) })
	type block struct{ x0, x1, sum, w float64 }
	var blocks []block
	for lo := 0; lo < len(order); {
		hi := lo
		var sum float64
		for hi < len(order) && x[order[hi]] == x[order[lo]] {
			sum += y[order[hi]]
			hi++
		}
		b := block{x0: x[order[lo]], x1: x[order[lo]], sum: sum, w: float64(hi - lo)}
		for len(blocks) > 0 && blocks[len(blocks)-1].sum/blocks[len(blocks)-1].w >= b.sum/b.w {
			top := blocks[len(blocks)-1]
			blocks = blocks[:len(blocks)-1]
			b = block{x0: top.x0, x1: b.x1, sum: top.sum + b.sum, w: top.w + b.w}
		}
		blocks = append(blocks, b)
		lo = hi
	}
	var cv Curve
	for _, b := range blocks {
		v := min(max(b.sum/b.w, 0), 1)
		cv.X, cv.Y = append(cv.X, b.x0), append(cv.Y, v)
		if b.x1 != b.x0 {
			cv.X, cv.Y = append(cv.X, b.x1), append(cv.Y, v)
		}
	}
	return cv
}

// fitPlatt fits 1/(1+exp(A·f+B)) to the labels y with f = logit(x), by
// Newton's method with a backtracking line search on Platt's smoothed
// targets (Platt 1999; Lin, Lin and Weng 2007), from A = 0, B =
// log((N₋+1)/(N₊+1)).
func fitPlatt(x, y []float64) Curve {
	var npos float64
	for _, v := range y {
		npos += v
	}
	nneg := float64(len(y)) - npos
	hi, lo := (npos+1)/(npos+2), 1/(nneg+2)
	f, t := make([]float64, len(x)), make([]float64, len(x))
	for i := range x {
		f[i] = logit(x[i])
		t[i] = lo
		if y[i] == 1 {
			t[i] = hi
		}
	}
	a, b := 0.0, math.Log((nneg+1)/(npos+1))
	obj := plattLoss(f, t, a, b)
	for range 100 {
		ga, gb, haa, hab, hbb := plattDerivatives(f, t, a, b)
		haa, hbb = haa+1e-12, hbb+1e-12
		det := haa*hbb - hab*hab
		da, db := -(hbb*ga-hab*gb)/det, -(-hab*ga+haa*gb)/det
		if math.Abs(ga) < 1e-10 && math.Abs(gb) < 1e-10 {
			break
		}
		step := 1.0
		for ; step > 1e-10; step /= 2 {
			if o := plattLoss(f, t, a+step*da, b+step*db); o < obj+1e-4*step*(ga*da+gb*db) {
				a, b, obj = a+step*da, b+step*db, o
				break
			}
		}
		if step <= 1e-10 {
			break
		}
	}
	return Curve{A: a, B: b}
}

// plattLoss is the cross-entropy of targets t under 1/(1+exp(a·f+b)).
func plattLoss(f, t []float64, a, b float64) float64 {
	var s float64
	for i := range f {
		z := a*f[i] + b // p = σ(−z)
		// −t·log σ(−z) − (1−t)·log σ(z), stably
		s += t[i]*softplus(z) + (1-t[i])*softplus(-z)
	}
	return s
}

func softplus(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

// plattDerivatives is the gradient and Hessian of plattLoss in (a, b).
func plattDerivatives(f, t []float64, a, b float64) (ga, gb, haa, hab, hbb float64) {
	for i := range f {
		z := a*f[i] + b
		q := 1 / (1 + math.Exp(-z)) // σ(z) = 1 − p
		d := q - (1 - t[i])         // dloss/dz
		w := q * (1 - q)
		ga += d * f[i]
		gb += d
		haa += w * f[i] * f[i]
		hab += w * f[i]
		hbb += w
	}
	return ga, gb, haa, hab, hbb
}

// validate checks a decoded calibrator against the model's output width.
func (c *Calibrator) validate(outputs int) error {
	if c.Method != CalibrationIsotonic && c.Method != CalibrationPlatt {
		return fmt.Errorf("calibration method %q: want isotonic or platt", c.Method)
	}
	if len(c.Curves) != outputs || c.Rows < 1 {
		return fmt.Errorf("calibration has %d curves from %d rows, want %d from at least 1", len(c.Curves), c.Rows, outputs)
	}
	for i, cv := range c.Curves {
		if err := cv.validate(c.Method); err != nil {
			return fmt.Errorf("calibration curve %d: %w", i, err)
		}
	}
	if s := c.Shift; s != nil {
		if s.By != "time" && s.By != "random" || s.Chunks < 2 || s.ChunkRows < 1 {
			return fmt.Errorf("calibration shift by %q over %d chunks of %d rows: want time or random, at least 2 chunks of 1 row", s.By, s.Chunks, s.ChunkRows)
		}
		for _, m := range []map[string]float64{s.SD, s.RMSE, s.Sampling} {
			for name, v := range m {
				if !finite(v) || v < 0 {
					return fmt.Errorf("calibration shift of %s: %v, want finite and not negative", name, v)
				}
			}
		}
	}
	return nil
}

func (cv Curve) validate(method string) error {
	if method == CalibrationPlatt {
		if !finite(cv.A) || !finite(cv.B) || len(cv.X)+len(cv.Y) > 0 {
			return errors.New("platt needs finite a and b and no points")
		}
		return nil
	}
	if len(cv.X) == 0 || len(cv.X) != len(cv.Y) || cv.A != 0 || cv.B != 0 {
		return fmt.Errorf("isotonic needs as many y as x (%d, %d), at least one, and no a, b", len(cv.X), len(cv.Y))
	}
	for i := range cv.X {
		if !finite(cv.X[i]) || !(cv.Y[i] >= 0 && cv.Y[i] <= 1) || (i > 0 && (cv.X[i] <= cv.X[i-1] || cv.Y[i] < cv.Y[i-1])) {
			return fmt.Errorf("point %d (%v, %v): want x increasing, y non-decreasing in [0, 1]", i, cv.X[i], cv.Y[i])
		}
	}
	return nil
}
