package initconfig

import (
	"strings"
	"testing"
)

func TestWriteSummary(t *testing.T) {
	p := &Plan{Label: "delay > 15", Features: []string{"a", "b"}, TimeColumn: "date"}
	var b strings.Builder
	if err := p.WriteSummary(&b, "proj", []string{"x.parquet", "y.parquet"}, 4, 12345); err != nil {
		t.Fatal(err)
	}
	want := "wrote proj/refit.yaml: label delay > 15, 2 features, time column date\n" +
		"wrote proj/expectations.yaml: checks of 4 columns inferred from 12,345 rows\n" +
		"next: refit audit x.parquet y.parquet --expect proj/expectations.yaml, then refit run --config proj/refit.yaml\n"
	if b.String() != want {
		t.Errorf("summary:\n%s\nwant:\n%s", b.String(), want)
	}
}
