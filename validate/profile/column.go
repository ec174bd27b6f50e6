package profile

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/refit-ml/refit/stats"
)

// Kind is the family of statistics a column gets.
type Kind uint8

// Kinds of column.
const (
	KindOther    Kind = iota // nested and unsupported types: count and nulls only
	KindBool                 // true/false counts
	KindInt                  // signed and unsigned integers
	KindFloat                // float16/32/64 and decimal128 (as float64)
	KindString               // string, large_string, dictionary<string>
	KindBinary               // binary, large_binary, fixed_size_binary
	KindTemporal             // date32/64, time32/64, timestamp, duration
)

var kindNames = [...]string{"other", "bool", "int", "float", "string", "binary", "temporal"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// chunkLen bounds the scratch buffers so they stay in L1/L2 cache.
const chunkLen = 4096

// Column accumulates the statistics of one column. Which sections are
// non-nil depends on Kind: Moments and Quantiles for numbers and times,
// IntRange for integers and times, TopK and Distinct for every scalar kind,
// Lengths for strings and binaries.
type Column struct {
	Name  string         `json:"name"`
	Type  arrow.DataType `json:"-"`
	Kind  Kind           `json:"-"`
	Count int64          `json:"count"` // non-null values, NaN included
	Nulls int64          `json:"nulls"`

	Moments   *stats.Moments   `json:"moments,omitempty"`
	IntRange  *IntRange        `json:"int_range,omitempty"`
	Quantiles *stats.Quantiles `json:"quantiles,omitempty"`
	TopK      *stats.TopK      `json:"topk,omitempty"`
	Distinct  *stats.Distinct  `json:"distinct,omitempty"`
	Lengths   *Lengths         `json:"lengths,omitempty"`
	// Calendar counts instants (timestamps, dates) by hour and weekday.
	// Profiles saved before it existed decode with a nil Calendar.
	Calendar *Calendar `json:"calendar,omitempty"`

	buf        []float64 // scratch: finite values of a chunk
	keys       []uint64  // scratch: keys of a chunk
	fresh      []uint64  // scratch: keys of a chunk new to TopK
	dictCounts []int64   // scratch: counts per dictionary index
	dense      []int32   // scratch: counts of a small-range integer chunk
}

// IntRange is the exact range of an integer or temporal column, in the
// column's own unit.
type IntRange struct {
	Min int64 `json:"min"`
	Max int64 `json:"max"`
}

// NewColumn returns an empty profile for a column of type dt.
func NewColumn(name string, dt arrow.DataType, opts Options) *Column {
	c := &Column{Name: name, Type: dt, Kind: KindOf(dt)}
	defer func() {
		if c.TopK != nil && c.Kind != KindBool {
			c.TopK.Limit = opts.exactLimit(c.Kind)
		}
	}()
	switch c.Kind {
	case KindInt, KindFloat, KindTemporal:
		c.Moments = &stats.Moments{}
		c.Quantiles = stats.NewQuantiles(opts.QuantileK)
		c.TopK = stats.NewTopK(opts.TopKCapacity)
		c.Distinct = &stats.Distinct{}
		if c.Kind != KindFloat && dt.ID() != arrow.UINT64 {
			c.IntRange = &IntRange{}
		}
		c.Calendar = newCalendar(dt)
	case KindString, KindBinary:
		c.TopK = stats.NewTopK(opts.TopKCapacity)
		c.Distinct = &stats.Distinct{}
		c.Lengths = &Lengths{}
	case KindBool:
		c.TopK = stats.NewTopK(opts.TopKCapacity)
		c.Distinct = &stats.Distinct{}
	}
	return c
}

// KindOf maps an Arrow type to its Kind.
func KindOf(dt arrow.DataType) Kind {
	switch dt.ID() {
	case arrow.BOOL:
		return KindBool
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return KindInt
	case arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64, arrow.DECIMAL128:
		return KindFloat
	case arrow.STRING, arrow.LARGE_STRING:
		return KindString
	case arrow.BINARY, arrow.LARGE_BINARY, arrow.FIXED_SIZE_BINARY:
		return KindBinary
	case arrow.DATE32, arrow.DATE64, arrow.TIME32, arrow.TIME64,
		arrow.TIMESTAMP, arrow.DURATION:
		return KindTemporal
	case arrow.DICTIONARY:
		switch dt.(*arrow.DictionaryType).ValueType.ID() {
		case arrow.STRING, arrow.LARGE_STRING:
			return KindString
		case arrow.BINARY, arrow.LARGE_BINARY:
			return KindBinary
		}
	}
	return KindOther
}

// Add accumulates arr, which must have the column's type. arr is only read
// during the call; the caller keeps ownership.
func (c *Column) Add(arr arrow.Array) error {
	if !arrow.TypeEqual(arr.DataType(), c.Type) {
		return fmt.Errorf("validate: column %q: array of type %s, want %s: %w",
			c.Name, arr.DataType(), c.Type, ErrSchemaMismatch)
	}
	nulls := arr.NullN()
	c.Count += int64(arr.Len() - nulls)
	c.Nulls += int64(nulls)
	if nulls == arr.Len() || c.Kind == KindOther {
		return nil
	}
	if c.Calendar != nil {
		c.Calendar.add(arr)
	}
	return c.addValues(arr)
}

// addValues dispatches on the concrete array type.
func (c *Column) addValues(arr arrow.Array) error {
	switch a := arr.(type) {
	case *array.Boolean:
		c.addBools(a)
	case *array.String, *array.LargeString, *array.Binary, *array.LargeBinary,
		*array.FixedSizeBinary:
		c.addBytesArray(arr)
	case *array.Dictionary:
		return c.addDictionary(a)
	case *array.Float16, *array.Float32, *array.Float64, *array.Decimal128:
		c.addFloatArray(arr)
	default:
		return c.addIntArray(arr)
	}
	return nil
}

// validity returns the null bitmap and offset, or nil when there are no nulls.
func validity(arr arrow.Array) ([]byte, int) {
	if arr.NullN() == 0 {
		return nil, 0
	}
	return arr.NullBitmapBytes(), arr.Data().Offset()
}

// isValid reports whether bit off+i of bitmap bm is set (bm nil: all valid).
func isValid(bm []byte, off, i int) bool {
	j := off + i
	return bm == nil || bm[j>>3]&(1<<(j&7)) != 0
}

// countKeys feeds a chunk of keys to TopK and Distinct. Numeric summaries
// are dropped on overflow, byte summaries pruned.
func (c *Column) countKeys(keys []uint64, byteValued bool) error {
	t, d := c.TopK, c.Distinct
	if d.Materialized() {
		d.InsertKeys(keys)
	}
	if t.Dropped {
		t.N += int64(len(keys))
		return nil
	}
	if !byteValued {
		t.AddKeys(keys)
	}
	return c.settle(byteValued)
}

// settle handles an overflowing TopK: HyperLogLog takes over the distinct
// count (seeded with every key seen so far), then the summary is pruned or
// dropped.
func (c *Column) settle(byteValued bool) error {
	t := c.TopK
	if !t.Overflowing() {
		return nil
	}
	if err := c.Distinct.Materialize(t.Keys()); err != nil {
		return err
	}
	if byteValued {
		t.Prune()
	} else {
		t.Drop()
	}
	return nil
}
