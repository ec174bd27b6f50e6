package train

import (
	"slices"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
)

func TestTimeColumns(t *testing.T) {
	s := arrow.NewSchema([]arrow.Field{
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond}},
		{Name: "x", Type: arrow.PrimitiveTypes.Float64},
		{Name: "day", Type: arrow.FixedWidthTypes.Date32},
		{Name: "ms", Type: arrow.FixedWidthTypes.Date64},
		{Name: "s", Type: arrow.BinaryTypes.String},
	}, nil)
	if got := TimeColumns(s); !slices.Equal(got, []string{"ts", "day", "ms"}) {
		t.Errorf("TimeColumns = %v", got)
	}
	if got := TimeColumns(arrow.NewSchema(nil, nil)); got != nil {
		t.Errorf("TimeColumns of an empty schema = %v", got)
	}
}
