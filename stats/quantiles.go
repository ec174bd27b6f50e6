package stats

import (
	"fmt"
	"math"
	"slices"
)

// DefaultQuantileK is the top-level capacity of a [Quantiles] sketch when
// none is given. With K = 1024 the KLL rank error is about 0.3 % for a single
// quantile at 99 % confidence (Karnin, Lang, Liberty 2016; the constants are
// those measured by Apache DataSketches), below the 0.5 % profiles promise.
const DefaultQuantileK = 1024

// minLevelCap is the smallest capacity of a level (DataSketches' M).
const minLevelCap = 8

// level0Factor sizes the input buffer in units of K: a larger buffer
// amortizes the radix sort's fixed cost and only lowers the error.
const level0Factor = 4

// Quantiles is a KLL quantile sketch (Karnin, Lang, Liberty, "Optimal
// Quantile Approximation in Streams", FOCS 2016) over finite float64 values.
//
// Levels[h] holds items of weight 2^h; Levels[0] is an unsorted input
// buffer of level0Factor·K items, every higher level is sorted ascending.
// When the buffer fills, it is radix-sorted and compacted, then every level
// at or above its capacity (K·(2/3)^depth, at least 8) is compacted, bottom
// up: every other item, starting at a pseudo-random offset, moves up one
// level with twice the weight. The coin is derived from Seed, N and the
// data, so the same inputs merged in the same order give the same bytes,
// and partial sketches of different data do not share a coin sequence.
// Until the buffer first fills (fewer than 4·K values) nothing is
// compacted and the sketch is exact ([Quantiles.Exact]).
//
// Every field is plain state and encodes with encoding/json. The zero
// value is not ready; use [NewQuantiles]. Merge is commutative.
type Quantiles struct {
	K      int         `json:"k"`      // top-level capacity
	N      int64       `json:"n"`      // total weight: the number of values added
	Min    float64     `json:"min"`    // smallest value added; meaningful when N > 0
	Max    float64     `json:"max"`    // largest value added; meaningful when N > 0
	Seed   uint64      `json:"seed"`   // coin state
	Levels [][]float64 `json:"levels"` // Levels[h] holds items of weight 2^h

	scratch []float64 // merge buffer, not part of the state
	keys    []uint64  // radix sort buffer, not part of the state
}

// NewQuantiles returns an empty sketch with top-level capacity k
// (DefaultQuantileK when k <= 0).
func NewQuantiles(k int) *Quantiles {
	if k <= 0 {
		k = DefaultQuantileK
	}
	return &Quantiles{K: k, Levels: [][]float64{make([]float64, 0, 2*k)}}
}

// levelCap is the capacity of level h in a sketch of nLevels levels.
func levelCap(k, h, nLevels int) int {
	c := float64(k) * math.Pow(2.0/3.0, float64(nLevels-1-h))
	return max(minLevelCap, int(c+0.5))
}

// Retained returns the number of items the sketch holds.
func (q *Quantiles) Retained() int {
	n := 0
	for _, l := range q.Levels {
		n += len(l)
	}
	return n
}

// Exact reports whether every value added is still held with weight 1, so
// every answer is exact.
func (q *Quantiles) Exact() bool {
	return len(q.Levels) > 0 && int64(len(q.Levels[0])) == q.N
}

// Update adds finite values. NaN and ±Inf must be filtered by the caller
// (see [Moments.AddNonFinite]).
func (q *Quantiles) Update(vals []float64) {
	if len(vals) == 0 {
		return
	}
	lo, hi := minMax(vals)
	q.UpdateRange(vals, lo, hi)
}

// UpdateRange is Update for non-empty vals whose smallest and largest
// values, lo and hi, the caller already knows (from [MomentsOf], say).
func (q *Quantiles) UpdateRange(vals []float64, lo, hi float64) {
	if q.N == 0 {
		q.Min, q.Max = lo, hi
	} else {
		q.Min, q.Max = min(q.Min, lo), max(q.Max, hi)
	}
	q.N += int64(len(vals))
	c0 := q.level0Cap()
	for len(vals) > 0 {
		n := min(c0-len(q.Levels[0]), len(vals))
		q.Levels[0] = append(q.Levels[0], vals[:n]...)
		vals = vals[n:]
		if len(q.Levels[0]) >= c0 {
			q.compress()
			c0 = q.level0Cap()
		}
	}
}

// level0Cap is the size of the unsorted input buffer: level0Factor·K, so each
// sort is amortized over many values.
func (q *Quantiles) level0Cap() int {
	return max(level0Factor*q.K, levelCap(q.K, 0, len(q.Levels)))
}

func minMax(vals []float64) (lo, hi float64) {
	lo, hi = vals[0], vals[0]
	for _, v := range vals[1:] {
		lo = min(lo, v)
		hi = max(hi, v)
	}
	return lo, hi
}

// compress compacts every full level, bottom up (eager KLL).
func (q *Quantiles) compress() {
	for h := 0; h < len(q.Levels); h++ {
		c := levelCap(q.K, h, len(q.Levels))
		if h == 0 {
			c = q.level0Cap()
		}
		if len(q.Levels[h]) >= c {
			q.compact(h)
		}
	}
}

// compact halves level h into level h+1.
func (q *Quantiles) compact(h int) {
	if h == len(q.Levels)-1 {
		q.Levels = append(q.Levels, nil)
	}
	buf := q.Levels[h]
	if h == 0 {
		sortFloats(buf, &q.keys)
	}
	keep := len(buf) & 1 // an odd item stays at this level
	pairs := buf[keep:]
	if len(pairs) == 0 {
		return
	}
	start := int(q.coin(pairs[len(pairs)/2]))
	half := q.scratch[:0]
	for i := start; i < len(pairs); i += 2 {
		half = append(half, pairs[i])
	}
	q.Levels[h+1] = mergeSorted(q.Levels[h+1], half)
	q.scratch = half[:0]
	q.Levels[h] = buf[:keep]
}

// coin returns a pseudo-random bit from the sketch state and the data.
func (q *Quantiles) coin(pivot float64) uint64 {
	q.Seed += 0x9e3779b97f4a7c15
	return mix64(q.Seed^math.Float64bits(pivot)^uint64(q.N)) >> 63
}

// mergeSorted merges sorted b into sorted a, reusing a's storage when it can.
func mergeSorted(a, b []float64) []float64 {
	n := len(a)
	a = slices.Grow(a, len(b))[:n+len(b)]
	i, j, k := n-1, len(b)-1, n+len(b)-1
	for j >= 0 {
		if i >= 0 && a[i] > b[j] {
			a[k] = a[i]
			i--
		} else {
			a[k] = b[j]
			j--
		}
		k--
	}
	return a
}

// Merge adds other's items to q. other is not modified.
func (q *Quantiles) Merge(other *Quantiles) {
	if other == nil || other.N == 0 {
		return
	}
	if q.N == 0 {
		q.Min, q.Max = other.Min, other.Max
	} else {
		q.Min, q.Max = min(q.Min, other.Min), max(q.Max, other.Max)
	}
	for len(q.Levels) < len(other.Levels) {
		q.Levels = append(q.Levels, nil)
	}
	q.Levels[0] = append(q.Levels[0], other.Levels[0]...)
	for h := 1; h < len(other.Levels); h++ {
		q.Levels[h] = mergeSorted(q.Levels[h], other.Levels[h])
	}
	q.N += other.N
	q.Seed ^= other.Seed
	q.compress()
}

// Clone returns a deep copy of q.
func (q *Quantiles) Clone() *Quantiles {
	c := &Quantiles{K: q.K, N: q.N, Min: q.Min, Max: q.Max, Seed: q.Seed}
	c.Levels = make([][]float64, len(q.Levels))
	for h, l := range q.Levels {
		c.Levels[h] = slices.Clone(l)
	}
	return c
}

// Check verifies the invariants of a decoded sketch (capacity, level
// count, sorted finite levels, weights summing to N), so that no query
// panics on it.
func (q *Quantiles) Check() error {
	if q.K < minLevelCap || q.K > 1<<20 || len(q.Levels) == 0 || len(q.Levels) > 62 {
		return fmt.Errorf("quantile sketch: bad k %d or %d levels", q.K, len(q.Levels))
	}
	var w int64
	for h, l := range q.Levels {
		for i, v := range l {
			if v-v != 0 || (h > 0 && i > 0 && l[i-1] > v) {
				return fmt.Errorf("quantile sketch: level %d unsorted or not finite", h)
			}
		}
		w += int64(len(l)) << h
	}
	if w != q.N || q.N < 0 {
		return fmt.Errorf("quantile sketch: weights sum to %d, n is %d", w, q.N)
	}
	return nil
}
