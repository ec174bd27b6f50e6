package profile

import (
	"time"

	"github.com/apache/arrow/go/v17/arrow"
)

// TimeRange is the exact range of an instant column (timestamp or date) as
// times: naive timestamps read as UTC wall clocks, as everywhere in refit.
// ok is false for other columns and for a column with no valid value.
func (c *Column) TimeRange() (from, to time.Time, ok bool) {
	if c.IntRange == nil || c.Count == 0 || c.Type == nil {
		return time.Time{}, time.Time{}, false
	}
	conv := instantOf(c.Type)
	if conv == nil {
		return time.Time{}, time.Time{}, false
	}
	return conv(c.IntRange.Min), conv(c.IntRange.Max), true
}

// instantOf converts a raw value of an instant type to a time, nil for
// other types.
func instantOf(dt arrow.DataType) func(int64) time.Time {
	switch t := dt.(type) {
	case *arrow.TimestampType:
		unit := t.Unit.Multiplier()
		if unit >= time.Second {
			return func(v int64) time.Time { return time.Unix(v*int64(unit/time.Second), 0).UTC() }
		}
		per := int64(time.Second / unit) // units per second
		return func(v int64) time.Time {
			sec, rem := v/per, v%per
			return time.Unix(sec, rem*int64(unit)).UTC() // Unix normalizes a negative rem
		}
	case *arrow.Date32Type:
		return func(v int64) time.Time { return time.Unix(v*86400, 0).UTC() }
	case *arrow.Date64Type:
		return func(v int64) time.Time { return time.UnixMilli(v).UTC() }
	}
	return nil
}
