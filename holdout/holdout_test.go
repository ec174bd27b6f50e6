package holdout

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-ml/refit/internal/modeltest"
	"github.com/refit-ml/refit/modelref"
	"github.com/spf13/pflag"
)

func TestEvaluate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	rows := modeltest.Rows(1000, 2)
	data := modeltest.WriteData(t, dir, rows)
	models, err := modelref.LoadAll(ctx, []string{modeltest.SaveModel(t, dir, "good.refit", rows, 1, 1),
		modeltest.SaveModel(t, dir, "weak.refit", rows, 1, 0)}, dir)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Data: []string{data}, Slices: "high_z=z > 1", NoAutoSlices: true}
	ev, err := o.Evaluate(ctx, models)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Rows != 1000 || ev.Label != "late" || len(ev.Results) != 2 || len(ev.Results[0].Slices) != 1 ||
		ev.Results[0].Metrics["auc"] <= ev.Results[1].Metrics["auc"] {
		t.Errorf("Evaluate: rows %d, label %q, %d results", ev.Rows, ev.Label, len(ev.Results))
	}
	var b strings.Builder
	if err := ev.WriteText(&b); err != nil || !strings.Contains(b.String(), "high_z") {
		t.Errorf("WriteText (%v):\n%s", err, b.String())
	}
	html := filepath.Join(dir, "evaluation.html")
	if err := ev.WriteReport(html, o.Data); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(html); err != nil || !strings.Contains(string(b), "<html") {
		t.Errorf("report (%v): %.200s", err, b)
	}
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"no data", Options{}, "--data is required"},
		{"no rows", Options{Data: []string{data}, Where: "x > 100"}, "no rows to evaluate"},
		{"bad slices file", Options{Data: []string{data}, Slices: filepath.Join(dir, "none.yaml")}, "--slices"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.o.Evaluate(ctx, models); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Evaluate: %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestSliceExprs(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "slices.yaml")
	if err := os.WriteFile(file, []byte("far: x > 2\nnear: x < -2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		slices string
		n      int
	}{{"", 0}, {"a=x > 1,b=z > 1", 2}, {file, 2}} {
		o := Options{Slices: tc.slices}
		exprs, err := o.SliceExprs()
		if err != nil || len(exprs) != tc.n {
			t.Errorf("SliceExprs(%q) = %v, %v", tc.slices, exprs, err)
		}
	}
}

func TestAddFlags(t *testing.T) {
	var o Options
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	o.AddFlags(fs)
	if err := fs.Parse([]string{"--data", "a", "--data", "b", "--label", "late", "--bootstrap", "50"}); err != nil {
		t.Fatal(err)
	}
	if len(o.Data) != 2 || o.Label != "late" || o.Bootstrap != 50 || o.CostSeconds != 1 {
		t.Errorf("flags: %+v", o)
	}
}
