package evaluate

import (
	"context"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/model"
)

// TestMetricInterval checks the monitor's interval: its estimate is the
// metric on all rows, it brackets the estimate, it narrows about as
// 1/√n, and the same seed gives the same interval.
func TestMetricInterval(t *testing.T) {
	width := func(n int) (Interval, float64) {
		rec := compareRecord(t, n)
		defer rec.Release()
		m := linearModel(t, rec, 1, 1)
		records := func(yield func(arrow.Record, error) bool) { yield(rec, nil) }
		sc, err := Score(context.Background(), []*model.Model{m}, rec.Schema(), records, ScoreOptions{NoAutoSlices: true})
		if err != nil {
			t.Fatal(err)
		}
		iv, err := MetricInterval(sc, 0, m, AUC, BootstrapOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want, err := ROCAUC(sc.Labels[0], sc.Preds[0])
		if err != nil {
			t.Fatal(err)
		}
		if iv.Estimate != want || !(iv.Lo < want && want < iv.Hi) || iv.Level != 0.90 {
			t.Fatalf("%d rows: interval %+v, AUC %v", n, iv, want)
		}
		again, _ := MetricInterval(sc, 0, m, AUC, BootstrapOptions{})
		if again != iv {
			t.Fatalf("not reproducible: %+v then %+v", iv, again)
		}
		if _, err := MetricInterval(sc, 1, m, AUC, BootstrapOptions{}); err == nil {
			t.Fatal("model 1 of 1: no error")
		}
		return iv, iv.Hi - iv.Lo
	}
	_, small := width(2000)
	_, large := width(32000)
	if r := small / large; r < 2.5 || r > 6.5 { // √16 = 4
		t.Errorf("width ratio for 16× the rows %.2f, want about 4", r)
	}
}
