package train

import (
	"cmp"
	"math"
	"slices"

	"github.com/refit-ml/refit/model"
)

// probFloor keeps log losses finite when a float32 probability rounds to
// 0 or 1.
const probFloor = 1e-7

func metricName(task model.Task) string {
	switch task {
	case model.TaskBinary:
		return "auc"
	case model.TaskMulticlass:
		return "accuracy"
	}
	return "rmse"
}

// evaluator scores models on the validation rows, reusing its buffers
// across epochs.
type evaluator struct {
	pred  []float32
	order []int
}

// score returns the unweighted mean validation loss (log loss, or half
// the squared error in standardized units) and the task's metric. m must
// be the standardized-output model for regression.
func (e *evaluator) score(m *model.Model, p *problem) (loss, metric float64, err error) {
	v := &p.valid
	e.pred, err = m.NewPredictor().ForwardSparse(v.sparse(), e.pred)
	if err != nil {
		return 0, 0, err
	}
	switch p.task {
	case model.TaskBinary:
		return binaryLogLoss(e.pred, v.cls), e.auc(v.cls), nil
	case model.TaskMulticlass:
		return multiclassScores(e.pred, v.cls, len(p.labels))
	}
	var sq float64
	for i, y := range v.y {
		d := float64(e.pred[i] - y)
		sq += d * d
	}
	mse := sq / float64(len(v.y))
	return mse / 2, math.Sqrt(mse) * p.std, nil
}

func binaryLogLoss(prob []float32, cls []int32) float64 {
	var sum float64
	for i, c := range cls {
		q := clampProb(float64(prob[i]))
		if c == 1 {
			sum -= math.Log(q)
		} else {
			sum -= math.Log(1 - q)
		}
	}
	return sum / float64(len(cls))
}

func clampProb(q float64) float64 { return min(max(q, probFloor), 1-probFloor) }

func multiclassScores(prob []float32, cls []int32, k int) (loss, acc float64, err error) {
	var hits int
	for i, c := range cls {
		row := prob[i*k : (i+1)*k]
		loss -= math.Log(clampProb(float64(row[c])))
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		if best == int(c) {
			hits++
		}
	}
	n := float64(len(cls))
	return loss / n, float64(hits) / n, nil
}

// auc is the ROC AUC of e.pred against the classes (1 positive): the
// Mann–Whitney statistic with ties counted half. NaN if a class is absent.
func (e *evaluator) auc(cls []int32) float64 {
	n := len(cls)
	if cap(e.order) < n {
		e.order = make([]int, n)
	}
	order := e.order[:n]
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(e.pred[a], e.pred[b]) })
	var pos, rankSum float64
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && e.pred[order[hi]] == e.pred[order[lo]] {
			hi++
		}
		mid := float64(lo+hi+1) / 2 // average 1-based rank of the tie group
		for _, i := range order[lo:hi] {
			if cls[i] == 1 {
				pos++
				rankSum += mid
			}
		}
		lo = hi
	}
	neg := float64(n) - pos
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}
