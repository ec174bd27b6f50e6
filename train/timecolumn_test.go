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

func TestParseHidden(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
		err  bool
	}{
		{"64,32", []int{64, 32}, false},
		{" 8 , ,4", []int{8, 4}, false},
		{"", nil, false},
		{"64,x", nil, true},
	} {
		got, err := ParseHidden(tc.in)
		if (err != nil) != tc.err || !slices.Equal(got, tc.want) {
			t.Errorf("ParseHidden(%q) = %v, %v", tc.in, got, err)
		}
	}
}
