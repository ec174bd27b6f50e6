package stats

import "math"

// Moments accumulates count, extremes, sum, mean and variance of finite
// values, and counts NaN, ±Inf, zeros and negatives. Chunks of values are
// reduced with a two-pass mean and sum of squares ([MomentsOf]) and
// combined with the parallel algorithm of Chan, Golub and LeVeque (1979),
// so merging partial results is numerically stable. All fields are plain
// state; the zero value is empty.
type Moments struct {
	Count     int64   `json:"count"`     // finite values
	NaN       int64   `json:"nan"`       // NaN values (not in Count)
	PosInf    int64   `json:"pos_inf"`   // +Inf values (not in Count)
	NegInf    int64   `json:"neg_inf"`   // -Inf values (not in Count)
	Zeros     int64   `json:"zeros"`     // finite values equal to zero
	Negatives int64   `json:"negatives"` // finite values below zero
	Min       float64 `json:"min"`       // smallest finite value; meaningful when Count > 0
	Max       float64 `json:"max"`       // largest finite value; meaningful when Count > 0
	Sum       float64 `json:"sum"`       // sum of finite values
	Mean      float64 `json:"mean"`      // mean of finite values
	M2        float64 `json:"m2"`        // sum of squared deviations from Mean
}

// Variance returns the sample variance (n-1 denominator), or 0 when fewer
// than two finite values were seen.
func (m *Moments) Variance() float64 {
	if m.Count < 2 {
		return 0
	}
	return m.M2 / float64(m.Count-1)
}

// StdDev returns the sample standard deviation.
func (m *Moments) StdDev() float64 { return math.Sqrt(m.Variance()) }

// PopulationStdDev returns the population standard deviation (n
// denominator), or 0 when empty.
func (m *Moments) PopulationStdDev() float64 {
	if m.Count == 0 {
		return 0
	}
	return math.Sqrt(m.M2 / float64(m.Count))
}

// AddNonFinite counts one NaN or infinite value.
func (m *Moments) AddNonFinite(v float64) {
	switch {
	case v != v:
		m.NaN++
	case v > 0:
		m.PosInf++
	default:
		m.NegInf++
	}
}

// AddFinite adds finite values (the caller filters NaN and ±Inf).
func (m *Moments) AddFinite(vals []float64) {
	if len(vals) == 0 {
		return
	}
	b := MomentsOf(vals)
	m.Merge(&b)
}

// AddRepeated adds n copies of the finite value v, in constant time.
func (m *Moments) AddRepeated(v float64, n int64) {
	if n <= 0 {
		return
	}
	b := Moments{Count: n, Min: v, Max: v, Sum: v * float64(n), Mean: v}
	if v == 0 {
		b.Zeros = n
	} else if v < 0 {
		b.Negatives = n
	}
	m.Merge(&b)
}

// MomentsOf returns the moments of non-empty finite values, reduced in
// two passes: sums and extremes, then squared deviations from the mean.
func MomentsOf(vals []float64) Moments {
	b := Moments{Count: int64(len(vals)), Min: vals[0], Max: vals[0]}
	var zeros, neg int64
	lo, hi := vals[0], vals[0]
	var s0, s1 float64
	i := 0
	for ; i+1 < len(vals); i += 2 { // two sums: shorter dependency chains
		x, y := vals[i], vals[i+1]
		s0 += x
		s1 += y
		zeros += b2i(x == 0) + b2i(y == 0)
		neg += b2i(x < 0) + b2i(y < 0)
		if x < lo {
			lo = x
		}
		if x > hi {
			hi = x
		}
		if y < lo {
			lo = y
		}
		if y > hi {
			hi = y
		}
	}
	for ; i < len(vals); i++ {
		x := vals[i]
		s0 += x
		zeros += b2i(x == 0)
		neg += b2i(x < 0)
		lo, hi = min(lo, x), max(hi, x)
	}
	b.Sum, b.Min, b.Max, b.Zeros, b.Negatives = s0+s1, lo, hi, zeros, neg
	b.Mean = b.Sum / float64(b.Count)
	var m0, m1 float64
	i = 0
	for ; i+1 < len(vals); i += 2 {
		d0, d1 := vals[i]-b.Mean, vals[i+1]-b.Mean
		m0 += d0 * d0
		m1 += d1 * d1
	}
	for ; i < len(vals); i++ {
		d := vals[i] - b.Mean
		m0 += d * d
	}
	b.M2 = m0 + m1
	return b
}

// b2i is 1 for true, compiled without a branch.
func b2i(b bool) int64 {
	var i int64
	if b {
		i = 1
	}
	return i
}

// Merge adds o to m with Chan et al.'s pairwise update.
func (m *Moments) Merge(o *Moments) {
	m.NaN += o.NaN
	m.PosInf += o.PosInf
	m.NegInf += o.NegInf
	if o.Count == 0 {
		return
	}
	if m.Count == 0 {
		*m = Moments{Count: o.Count, NaN: m.NaN, PosInf: m.PosInf, NegInf: m.NegInf,
			Zeros: o.Zeros, Negatives: o.Negatives, Min: o.Min, Max: o.Max,
			Sum: o.Sum, Mean: o.Mean, M2: o.M2}
		return
	}
	// Symmetric forms keep Merge exactly commutative in floating point.
	na, nb := float64(m.Count), float64(o.Count)
	n := na + nb
	d := o.Mean - m.Mean
	m.Mean = (na*m.Mean + nb*o.Mean) / n
	m.M2 = (m.M2 + o.M2) + d*d*(na*nb/n)
	m.Count += o.Count
	m.Zeros += o.Zeros
	m.Negatives += o.Negatives
	m.Sum += o.Sum
	m.Min = min(m.Min, o.Min)
	m.Max = max(m.Max, o.Max)
}
