package estimate_test

import (
	"bytes"
	"context"
	"iter"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/train"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/validate/estimate"
)

func TestCheckedWriteText(t *testing.T) {
	e := estimate.Estimate{Rows: 1234, Level: 0.95, Calibration: "isotonic on 500 holdout rows",
		Metrics: []estimate.Metric{{Name: "accuracy", Value: 0.8, Lo: 0.78, Hi: 0.82}, {Name: "roc_auc", Value: 0.7, Lo: 0.65, Hi: 0.75}}}
	head := "CBPE estimate of m.refit on 1,234 rows without labels (calibrator: isotonic on 500 holdout rows)\n"
	for _, tt := range []struct {
		name string
		c    estimate.Checked
		want string
	}{
		{"estimate only", estimate.Checked{Estimate: e}, head +
			"metric            estimate  95% interval\n" +
			"accuracy            0.8000  [0.7800, 0.8200]\n" +
			"roc_auc             0.7000  [0.6500, 0.7500]\n"},
		{"realized and warnings", estimate.Checked{Estimate: func() estimate.Estimate {
			e := e
			e.PositiveRate, e.Warnings = 0.25, []string{"few rows"}
			return e
		}(), Realized: map[string]float64{"accuracy": 0.79}}, head +
			"metric            estimate  95% interval        realized\n" +
			"accuracy            0.8000  [0.7800, 0.8200]    0.7900\n" +
			"roc_auc             0.7000  [0.6500, 0.7500]\n" +
			"expected positive rate 0.2500\nwarning: few rows\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.c.WriteText(&buf, "m.refit"); err != nil {
				t.Fatal(err)
			}
			if want := tt.want + estimate.Assumptions + "\n"; buf.String() != want {
				t.Errorf("WriteText:\n%s\nwant:\n%s", buf.String(), want)
			}
		})
	}
}

func TestWriteEffects(t *testing.T) {
	var buf bytes.Buffer
	estimate.WriteEffects(&buf, nil)
	if buf.Len() != 0 {
		t.Errorf("no effects wrote %q", buf.String())
	}
	estimate.WriteEffects(&buf, []estimate.Effect{{Feature: "x1", Metric: "roc_auc", Change: -0.1, Reference: 0.8, Baseline: 0.7}})
	want := "\ncost of drift (CBPE estimates; assumes no concept drift):\n" +
		"  drift on x1, estimated roc_auc change -0.1000 (values drawn from the reference 0.8000, from the current rows 0.7000)\n"
	if buf.String() != want {
		t.Errorf("WriteEffects = %q, want %q", buf.String(), want)
	}
}

func seqOf(recs ...arrow.Record) iter.Seq2[arrow.Record, error] {
	return func(yield func(arrow.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// Records estimates on rows a model never saw, and with labels the
// realized metrics sit beside the estimates, close to them (same
// synthetic distribution, so no concept drift).
func TestRecords(t *testing.T) {
	ctx := context.Background()
	ref := synth(3000, 1, 1)
	defer ref.Release()
	m, _, err := train.Fit(ctx, train.Config{Seed: 1}, train.Data{Train: train.Records(ref), Features: []string{"x1", "x2"}, Label: "y"})
	if err != nil {
		t.Fatal(err)
	}
	cur := synth(3000, 3, 1)
	defer cur.Release()
	for _, tt := range []struct {
		name    string
		recs    []arrow.Record
		labeled bool
		wantErr string
	}{
		{"unlabeled", []arrow.Record{cur}, false, ""},
		{"labeled", []arrow.Record{cur}, true, ""},
		{"no rows", nil, false, "no rows to estimate on"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := estimate.Records(ctx, m, seqOf(tt.recs...), tt.labeled, estimate.Options{Samples: 50})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Rows != 3000 {
				t.Errorf("rows %d", c.Rows)
			}
			if !tt.labeled {
				if c.Realized != nil {
					t.Errorf("realized without labels: %v", c.Realized)
				}
				return
			}
			est, ok := c.Metric(estimate.Accuracy)
			got, ok2 := c.Realized[estimate.Accuracy]
			if !ok || !ok2 || math.Abs(est.Value-got) > 0.05 {
				t.Errorf("accuracy estimated %v, realized %v (%v): want within 0.05", est, got, c.Realized)
			}
		})
	}
}

func TestDriftCost(t *testing.T) {
	ctx := context.Background()
	ref := synth(2000, 1, 1)
	defer ref.Release()
	m, _, err := train.Fit(ctx, train.Config{Seed: 1}, train.Data{Train: train.Records(ref), Features: []string{"x1", "x2"}, Label: "y"})
	if err != nil {
		t.Fatal(err)
	}
	r := &drift.Report{Features: []drift.Feature{
		{Name: "x1", Verdict: validate.VerdictWarn}, {Name: "y", Verdict: validate.VerdictWarn}, {Name: "x2"}}}
	features := estimate.DriftedInputs(m, r)
	if !slices.Equal(features, []string{"x1"}) {
		t.Fatalf("DriftedInputs = %v, want [x1] (y is not an input, x2 did not drift)", features)
	}
	cur := synth(2000, 2, 0.2)
	defer cur.Release()
	effects, err := estimate.DriftCost(ctx, m, features, []arrow.Record{cur}, []arrow.Record{ref})
	if err != nil {
		t.Fatal(err)
	}
	if len(effects) != 1 || effects[0].Feature != "x1" || effects[0].Metric != estimate.AUC || effects[0].Change > -0.1 {
		t.Errorf("effects %v, want x1 costing more than 0.1 of auc", effects)
	}
	if e, err := estimate.DriftCost(ctx, m, nil, []arrow.Record{cur}, nil); e != nil || err != nil {
		t.Errorf("no drifted feature: %v, %v", e, err)
	}
	if _, err := estimate.DriftCost(ctx, m, []string{"x1"}, []arrow.Record{cur}, nil); err == nil || !strings.Contains(err.Error(), "no reference rows") {
		t.Errorf("no reference rows: %v", err)
	}
	if _, err := estimate.DriftCost(ctx, m, []string{"z"}, []arrow.Record{cur}, []arrow.Record{ref}); err == nil || !strings.Contains(err.Error(), `no column "z"`) {
		t.Errorf("missing column: %v", err)
	}
}
