package evaluate

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

func TestFormatMetric(t *testing.T) {
	m := map[string]float64{"a": 0.123456, "b": 12345.6, "c": -20000, "d": 9999.4, "e": 0}
	for _, tt := range []struct{ name, want string }{
		{"a", "0.1235"}, {"b", "12346"}, {"c", "-20000"}, {"d", "9999"}, {"e", "0"}, {"missing", "-"},
	} {
		if got := FormatMetric(m, tt.name); got != tt.want {
			t.Errorf("FormatMetric(%s) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestWriteText checks the cells of each row (the columns are right
// aligned, so fields are compared, not padding).
func TestWriteText(t *testing.T) {
	res := []Result{
		{Model: "a", Task: TaskRegression, Metrics: map[string]float64{R2: 0.5, "rmse": 1.23456}, Cost: Cost{Bytes: 20000, Params: 10},
			Slices: []SliceResult{{Name: "origin=SFO", Rows: 30, Metrics: map[string]float64{R2: 0.25}}}},
		{Model: "b", Task: TaskRegression, Metrics: map[string]float64{"rmse": 2}, Cost: Cost{Params: 10},
			Slices: []SliceResult{{Name: "origin=SFO", Rows: 30, Metrics: map[string]float64{}}}},
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, 60, "delay", res); err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for line := range strings.Lines(buf.String()) {
		got = append(got, strings.Fields(line))
	}
	want := [][]string{
		{"60", "rows,", "label", "delay"}, {},
		{"metric", "a", "b"},
		{R2, "0.5", "-"},
		{"rmse", "1.235", "2"},
		{},
		{CostBytes, "20000", "-"},
		{CostTensorBytes, "-", "-"},
		{CostParams, "10", "10"},
	}
	for i, w := range want {
		if i >= len(got) || !slices.Equal(got[i], w) {
			t.Fatalf("line %d: %q, want %q\n%s", i, got[i], w, buf.String())
		}
	}
	tail := got[len(got)-3:]
	if !slices.Equal(tail[0], []string{"slices", "(" + R2 + ")"}) || !slices.Equal(tail[1], []string{"slice", "rows", "a", "b"}) ||
		!slices.Equal(tail[2], []string{"origin=SFO", "30", "0.25", "-"}) {
		t.Errorf("slice table %q\n%s", tail, buf.String())
	}
}
