package pipeline_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/pipeline/demo"
)

// TestPreflight checks configuration mistakes that need the data's schema
// fail before any data is read, with the file, line, YAML path and a "did
// you mean", and leave no workspace behind (issue 14).
func TestPreflight(t *testing.T) {
	dir := t.TempDir()
	if _, err := demo.WriteMonth(filepath.Join(dir, "data"), demo.Start, demo.Stable, 200, 7); err != nil {
		t.Fatal(err)
	}
	base := demo.ConfigYAML()
	for _, tt := range []struct {
		name, old, new string
		want           []string
	}{
		{"feature", "features: [distance,", "features: [distanse,",
			[]string{`refit.yaml:12: train.features.0: column "distanse" is not in the data (did you mean "distance"?)`}},
		{"label", "label: delay > 15", "label: delai > 15",
			[]string{`refit.yaml:11: train.label: "delai > 15": column "delai" is not in the data (did you mean "delay"?)`}},
		{"time column", "time_column: ts", "time_column: tss",
			[]string{`refit.yaml:5: data.time_column: column "tss" is not in the data (did you mean "ts"?)`}},
		{"time column type", "time_column: ts", "time_column: carrier",
			[]string{`refit.yaml:5: data.time_column: column "carrier" is utf8: want a timestamp or a date`}},
		{"slice", `long_haul: "distance > 600"`, `long_haul: "distence > 600"`,
			[]string{`refit.yaml:8: coverage.slices.long_haul: "distence > 600": column "distence" is not in the data (did you mean "distance"?)`}},
		{"glob matching nothing", "source: data", "source: data/**/*.parqet",
			[]string{`refit.yaml:4: data.source: "data/**/*.parqet": no files match`}},
		{"missing directory", "source: data", "source: [data, dta]",
			[]string{`refit.yaml:4: data.source.1: "dta": no such file or directory`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(base, tt.old) {
				t.Fatalf("the demo config has no %q", tt.old)
			}
			path := filepath.Join(dir, "refit.yaml")
			if err := os.WriteFile(path, []byte(strings.Replace(base, tt.old, tt.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, err := pipeline.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = pipeline.Run(context.Background(), cfg, pipeline.Options{Now: demo.Start.AddDate(0, 1, 0)})
			if !errors.Is(err, pipeline.ErrConfig) {
				t.Fatalf("run: %v, want ErrConfig", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), filepath.Join(dir, w)) && !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "workspace")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a failed preflight created the workspace: %v", err)
			}
		})
	}
}
