package pipeline

import (
	"strings"
	"testing"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/model"
)

// The model card says when a time feature's month was left out.
func TestModelCardCalendarNote(t *testing.T) {
	cal := &model.Calendar{Hours: []int{13}, Weekdays: []int{5}, Months: []int{1, 2}, Days: 54}
	pre, err := model.NewPreprocessor([]model.Column{{Name: "date", Kind: model.KindTime, Calendar: cal}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := model.NewDense(pre.NumFeatures(), 1, make([]float32, pre.NumFeatures()), []float32{0}, model.Sigmoid)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.New(model.Spec{Task: model.TaskBinary, Labels: []string{"false", "true"}}, pre, []model.Layer{d})
	if err != nil {
		t.Fatal(err)
	}
	card := string(modelCard(&candidate{model: m}, &evaluate.Verdict{Pass: true},
		[]evaluate.Result{{Metrics: map[string]float64{"auc": 0.7}}}))
	want := "## Features\n\n- date: month left out: training window spans 54 days < 1 year (365 days)\n"
	if !strings.Contains(card, want) {
		t.Fatalf("card lacks %q:\n%s", want, card)
	}
}
