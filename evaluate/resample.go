package evaluate

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// A resample is represented by per-row counts (how often each row was
// drawn) instead of a list of drawn rows. Every metric here is a function
// of the multiset of rows, so counts give the value the drawn rows would,
// without a gather and, for the rank metrics (AUC, average precision),
// without a sort: the rows are sorted by score once, and each resample is
// one O(n) scan.
//
// The counts are those of the Poisson bootstrap: each row's count is drawn
// independently from Poisson(1), so a resample has n rows on average
// rather than exactly n. For more than a few dozen rows its intervals
// match the classic (multinomial) bootstrap's, and the draws walk the rows
// in order instead of hitting random rows: 300,000 rows × 1,000 resamples
// take seconds instead of minutes.

// poissonCDF holds P(X <= k) × 2³² for X ~ Poisson(1), k = 0..len-1; a
// 32-bit uniform at or above the last entry (p < 1e-9) counts len.
var poissonCDF = func() (t [12]uint32) {
	p, cum := math.Exp(-1), 0.0
	for k := range t {
		cum += p
		t[k] = uint32(math.Min(cum*(1<<32), math.MaxUint32))
		p /= float64(k + 1)
	}
	return t
}()

// poissonFast maps the top 16 bits of a 32-bit uniform to its Poisson(1)
// count when all uniforms with those bits give the same count, else holds
// poissonSlow: one table load instead of a search for all but 12 of the
// 65,536 buckets.
var poissonFast = func() (t [1 << 16]uint8) {
	for hi := range t {
		lo, top := poisson1Search(uint32(hi)<<16), poisson1Search(uint32(hi)<<16|0xffff)
		t[hi] = lo
		if lo != top {
			t[hi] = poissonSlow
		}
	}
	return t
}()

const poissonSlow = 255

// poisson1 maps a 32-bit uniform to a Poisson(1) count.
func poisson1(u uint32) uint8 {
	if k := poissonFast[u>>16]; k != poissonSlow {
		return k
	}
	return poisson1Search(u)
}

// poisson1Search is the inverse CDF of Poisson(1) at a 32-bit uniform.
func poisson1Search(u uint32) uint8 {
	k := uint8(0)
	for int(k) < len(poissonCDF) && u >= poissonCDF[k] {
		k++
	}
	return k
}

// resampleCounts calls fn opts.Resamples times with the counts of a
// Poisson bootstrap resample of n rows (the slice is reused between
// calls), from a PCG generator seeded with opts.Seed.
func resampleCounts(n int, opts BootstrapOptions, fn func(counts []uint8)) {
	opts = opts.withDefaults()
	rng := rand.New(rand.NewPCG(opts.Seed, 0x5eed))
	counts := make([]uint8, n)
	for range opts.Resamples {
		for i := 0; i < n; i += 2 {
			u := rng.Uint64()
			counts[i] = poisson1(uint32(u))
			if i+1 < n {
				counts[i+1] = poisson1(uint32(u >> 32))
			}
		}
		fn(counts)
	}
}

// resampled computes one model's metrics on resamples given by counts.
type resampled interface {
	// metric returns the named metric of the resample, NaN when undefined.
	metric(name string, counts []uint8) float64
}

// binaryResampled is a binary model's rows prepared for resampling. The
// per-row tables are built on first use of a metric that needs them.
type binaryResampled struct {
	d         binData
	threshold float64
	order     []int32 // rows by ascending score
	last      []bool  // last[k]: order[k] ends a group of tied scores
	sortedY   []int64 // labels (0 or 1) in score order
	loss      map[string][]float64
	bin       []uint8 // calibration bin per row
	positive  []bool  // score >= threshold per row
}

func newBinaryResampled(d binData, threshold float64) *binaryResampled {
	return &binaryResampled{d: d, threshold: threshold, loss: map[string][]float64{}}
}

func (b *binaryResampled) metric(name string, w []uint8) float64 {
	switch name {
	case AUC:
		return b.auc(w)
	case PRAUC:
		return b.averagePrecision(w)
	case LogLoss, Brier:
		return b.meanLoss(name, w)
	case ECE:
		return b.ece(w)
	}
	return b.confusion(w).metrics()[name]
}

// sortOnce orders the rows by score and marks the ends of tie groups.
func (b *binaryResampled) sortOnce() {
	if b.order != nil {
		return
	}
	n := len(b.d.p)
	b.order = make([]int32, n)
	for i := range b.order {
		b.order[i] = int32(i)
	}
	slices.SortFunc(b.order, func(i, j int32) int { return cmp.Compare(b.d.p[i], b.d.p[j]) })
	b.last, b.sortedY = make([]bool, n), make([]int64, n)
	for k, row := range b.order {
		if b.d.y[row] {
			b.sortedY[k] = 1
		}
		b.last[k] = k == n-1 || b.d.p[b.order[k+1]] != b.d.p[row]
	}
}

// auc is the Mann-Whitney statistic of the weighted rows: every positive
// counts the negatives scored below it, and half of those tied with it.
// Integer sums keep it exact.
func (b *binaryResampled) auc(w []uint8) float64 {
	b.sortOnce()
	var u2, below, pos, neg, allPos int64
	for k, row := range b.order {
		c := int64(w[row])
		p := c * b.sortedY[k] // branch-free: labels are in no order here
		pos, neg = pos+p, neg+c-p
		if b.last[k] {
			u2 += pos * (2*below + neg)
			below += neg
			allPos += pos
			pos, neg = 0, 0
		}
	}
	if allPos == 0 || below == 0 {
		return math.NaN()
	}
	return float64(u2) / (2 * float64(allPos) * float64(below))
}

// averagePrecision walks the tie groups from the highest score down, as
// averagePrecisionSteps, with weighted counts.
func (b *binaryResampled) averagePrecision(w []uint8) float64 {
	b.sortOnce()
	var tp, fp, cumTP, cumFP int64
	var ap float64
	for k := len(b.order) - 1; k >= 0; k-- {
		c := int64(w[b.order[k]])
		p := c * b.sortedY[k]
		tp, fp = tp+p, fp+c-p
		if k == 0 || b.last[k-1] {
			cumTP, cumFP = cumTP+tp, cumFP+fp
			if tp > 0 {
				ap += float64(tp) * float64(cumTP) / float64(cumTP+cumFP)
			}
			tp, fp = 0, 0
		}
	}
	if cumTP == 0 {
		return math.NaN()
	}
	return ap / float64(cumTP)
}

// meanLoss is the weighted mean of a per-row loss (log loss or Brier).
func (b *binaryResampled) meanLoss(name string, w []uint8) float64 {
	loss, ok := b.loss[name]
	if !ok {
		loss = make([]float64, len(b.d.p))
		for i := range loss {
			one := binData{y: b.d.y[i : i+1], p: b.d.p[i : i+1]}
			if name == LogLoss {
				loss[i] = one.logLoss()
			} else {
				loss[i] = one.brier()
			}
		}
		b.loss[name] = loss
	}
	var sum float64
	var n int64
	for i, c := range w {
		sum += float64(c) * loss[i]
		n += int64(c)
	}
	return sum / float64(n)
}

// ece is binData.ece with weighted rows.
func (b *binaryResampled) ece(w []uint8) float64 {
	if b.bin == nil {
		b.bin = make([]uint8, len(b.d.p))
		for i, p := range b.d.p {
			b.bin[i] = uint8(calibrationBin(p, CalibrationBins))
		}
	}
	var count [CalibrationBins]int64
	var sumP, sumY [CalibrationBins]float64
	var n int64
	for i, c := range w {
		k := b.bin[i]
		count[k] += int64(c)
		sumP[k] += float64(c) * b.d.p[i]
		if b.d.y[i] {
			sumY[k] += float64(c)
		}
		n += int64(c)
	}
	var ece float64
	for k, m := range count {
		if m > 0 {
			ece += float64(m) / float64(n) * math.Abs(sumY[k]/float64(m)-sumP[k]/float64(m))
		}
	}
	return ece
}

// confusion is the weighted confusion matrix at the threshold.
func (b *binaryResampled) confusion(w []uint8) Confusion {
	if b.positive == nil {
		b.positive = make([]bool, len(b.d.p))
		for i, p := range b.d.p {
			b.positive[i] = p >= b.threshold
		}
	}
	var c Confusion
	for i, n := range w {
		switch y, pos := b.d.y[i], b.positive[i]; {
		case y && pos:
			c.TP += int(n)
		case y:
			c.FN += int(n)
		case pos:
			c.FP += int(n)
		default:
			c.TN += int(n)
		}
	}
	return c
}

// gatherResampled computes a multiclass or regression model's metrics on a
// resample by gathering the drawn rows: O(n) plus the metrics' own cost.
// The metrics of the last counts are cached, so asking for several metrics
// of one resample computes them once.
type gatherResampled struct {
	task    Task
	labels  []float64
	preds   []float32
	width   int // predictions per row
	opts    Options
	last    []uint8
	metrics map[string]float64
}

func (g *gatherResampled) metric(name string, w []uint8) float64 {
	if g.last == nil || !slices.Equal(g.last, w) {
		g.metrics = g.compute(w)
		g.last = append(g.last[:0], w...)
	}
	if v, ok := g.metrics[name]; ok {
		return v
	}
	return math.NaN()
}

func (g *gatherResampled) compute(w []uint8) map[string]float64 {
	ls := make([]float64, 0, len(g.labels))
	ps := make([]float32, 0, len(g.preds))
	for i, c := range w {
		for range c {
			ls = append(ls, g.labels[i])
			ps = append(ps, g.preds[i*g.width:(i+1)*g.width]...)
		}
	}
	m, err := taskMetrics(g.task, ls, ps, g.opts)
	if err != nil {
		return nil
	}
	return m
}

// newResampled prepares one model's rows (all of them when rows is nil,
// else those rows) for resampling.
func newResampled(task Task, labels []float64, preds []float32, rows []int, opts Options) (resampled, error) {
	width := 1
	if task == TaskMulticlass {
		width = opts.Classes
	}
	if rows != nil {
		ls := make([]float64, len(rows))
		ps := make([]float32, 0, len(rows)*width)
		for k, i := range rows {
			ls[k] = labels[i]
			ps = append(ps, preds[i*width:(i+1)*width]...)
		}
		labels, preds = ls, ps
	}
	if task != TaskBinary {
		return &gatherResampled{task: task, labels: labels, preds: preds, width: width, opts: opts}, nil
	}
	d, err := newBinData(labels, preds)
	if err != nil {
		return nil, err
	}
	return newBinaryResampled(d, opts.Threshold), nil
}
