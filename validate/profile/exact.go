package profile

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/stats"
)

// SortedView returns the distribution of the column's finite values as
// every quantile, histogram and drift metric reads it: exact, built from
// the value counts, while the column has at most Options.ExactLimit
// distinct values; else the quantile sketch's view, whose RankError
// bounds every rank it gives. Values of time columns are in the column's
// raw unit. The view of a column without Quantiles is empty.
func (c *Column) SortedView() stats.SortedView {
	if c.Quantiles == nil {
		return stats.SortedView{}
	}
	if t := c.TopK; t != nil && t.Exact() && t.N == c.Quantiles.N && c.Quantiles.N > 0 {
		return t.SortedView(c.keyKind())
	}
	return c.Quantiles.SortedView()
}

// keyKind says what number a numeric or temporal TopK key stands for.
func (c *Column) keyKind() stats.KeyKind {
	switch {
	case c.Kind == KindFloat:
		return stats.KeyFloat64
	case c.Type.ID() == arrow.UINT64:
		return stats.KeyUint64
	}
	return stats.KeyInt64
}

// ExactCounts reports whether the column's value counts are exact: then
// its distinct count, its frequent values and (for numbers and times) its
// quantiles, histograms and drift metrics are exact too.
func (c *Column) ExactCounts() bool {
	return c.TopK != nil && c.TopK.Exact()
}
