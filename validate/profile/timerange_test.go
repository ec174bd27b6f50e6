package profile

import (
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
)

func TestTimeRange(t *testing.T) {
	at := time.Date(2001, 1, 31, 23, 59, 58, 123456000, time.UTC)
	before := time.Date(1950, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		dt       arrow.DataType
		min, max int64
		from, to time.Time
	}{
		{&arrow.TimestampType{Unit: arrow.Microsecond}, before.UnixMicro(), at.UnixMicro(), before, at},
		{&arrow.TimestampType{Unit: arrow.Nanosecond}, before.UnixNano(), at.UnixNano(), before, at},
		{&arrow.TimestampType{Unit: arrow.Millisecond}, before.UnixMilli(), at.UnixMilli(), before, at.Truncate(time.Millisecond)},
		{&arrow.TimestampType{Unit: arrow.Second}, before.Unix(), at.Unix(), before, at.Truncate(time.Second)},
		{arrow.FixedWidthTypes.Date32, 0, 11353, time.Unix(0, 0).UTC(), time.Date(2001, 1, 31, 0, 0, 0, 0, time.UTC)},
		{arrow.FixedWidthTypes.Date64, before.UnixMilli(), at.UnixMilli(), before, at.Truncate(time.Millisecond)},
	} {
		c := &Column{Type: tc.dt, Count: 2, IntRange: &IntRange{Min: tc.min, Max: tc.max}}
		from, to, ok := c.TimeRange()
		if !ok || !from.Equal(tc.from) || !to.Equal(tc.to) {
			t.Errorf("%s: %v %v %v, want %v %v", tc.dt, from, to, ok, tc.from, tc.to)
		}
	}
	for _, c := range []*Column{
		{Type: arrow.PrimitiveTypes.Int64, Count: 1, IntRange: &IntRange{}},
		{Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Count: 0, IntRange: &IntRange{}},
	} {
		if _, _, ok := c.TimeRange(); ok {
			t.Errorf("%s with %d values: ok", c.Type, c.Count)
		}
	}
}
