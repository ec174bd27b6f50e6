package estimate

import (
	"math"
	"math/rand/v2"

	"github.com/refit-ml/refit/model"
)

// Multiclass estimates a multiclass model's metrics from its raw
// probabilities scores and their calibrated values cal (both rows×k).
func Multiclass(scores []float32, cal []float64, k int, opts Options) (Estimate, error) {
	opts = opts.withDefaults()
	if k < 2 {
		return Estimate{}, check(0, 0, 1, opts)
	}
	if err := check(len(scores), len(cal), k, opts); err != nil {
		return Estimate{}, err
	}
	n := len(scores) / k
	pred := model.Argmax(scores, k, nil)
	cs := make([]confusion, k)
	var acc float64
	for i, p := range pred {
		acc += cal[i*k+p]
		for j := range k {
			cs[j].add(p == j, cal[i*k+j])
		}
	}
	cols, calCols := columns(scores, k), make([][]float64, k)
	var aucs float64
	for j := range k {
		calCols[j] = make([]float64, n)
		for i := range n {
			calCols[j][i] = cal[i*k+j]
		}
		aucs += expectedAUC(cols[j], calCols[j])
	}
	prec, rec, f1 := macro(cs)
	values := []float64{acc / float64(n), prec, rec, f1, aucs / float64(k)}
	s := &multiSampler{k: k, pred: pred, cal: cal}
	for j := range k {
		s.ranks = append(s.ranks, ranks(cols[j]))
	}
	return newEstimate(model.TaskMulticlass, n, opts, values, s.sample), nil
}

func columns(scores []float32, k int) [][]float32 {
	n := len(scores) / k
	cols := make([][]float32, k)
	for j := range cols {
		cols[j] = make([]float32, n)
		for i := range n {
			cols[j][i] = scores[i*k+j]
		}
	}
	return cols
}

// macro averages precision, recall and F1 over the classes that occur
// (expected or drawn) or are predicted, as scikit-learn's
// average="macro" does over the labels present.
func macro(cs []confusion) (prec, rec, f1 float64) {
	var present float64
	for _, c := range cs {
		if c.tp+c.fp+c.fn == 0 {
			continue
		}
		present++
		prec, rec, f1 = prec+c.precision(), rec+c.recall(), f1+c.f1()
	}
	if present == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	return prec / present, rec / present, f1 / present
}

// multiSampler draws one class per row from the calibrated
// probabilities.
type multiSampler struct {
	k     int
	pred  []int
	cal   []float64
	ranks [][]float64 // per class, of that class's raw probability
}

func (s *multiSampler) sample(rng *rand.Rand, out []float64) {
	k, n := s.k, len(s.pred)
	cs := make([]confusion, k)
	pos, rankSum := make([]float64, k), make([]float64, k)
	var hits float64
	for i, p := range s.pred {
		y := draw(rng, s.cal[i*k:(i+1)*k])
		if y == p {
			hits++
			cs[p].tp++
		} else {
			cs[p].fp++
			cs[y].fn++
		}
		pos[y]++
		rankSum[y] += s.ranks[y][i]
	}
	out[0] = hits / float64(n)
	out[1], out[2], out[3] = macro(cs)
	var auc float64
	for j := range k {
		auc += aucFromRanks(rankSum[j], pos[j], n)
	}
	out[4] = auc / float64(k)
}

// draw picks a class with the row's probabilities (which sum to 1 up to
// rounding: the last class takes the rest).
func draw(rng *rand.Rand, row []float64) int {
	u := rng.Float64()
	for j, p := range row {
		if u < p {
			return j
		}
		u -= p
	}
	return len(row) - 1
}
