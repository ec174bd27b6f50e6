package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/internal/yamlstrict"
)

// TestConfigFiles loads testdata/config: *.good.yaml must load; each
// *.bad.yaml must fail with every "# want:" line found in the error.
func TestConfigFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "config", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatal("no config test files", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(data, filepath.Base(f))
			if strings.HasSuffix(f, ".good.yaml") {
				if err != nil {
					t.Fatalf("want no error, got %v", err)
				}
				return
			}
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("want ErrConfig, got %v", err)
			}
			for _, line := range strings.Split(string(data), "\n") {
				want, ok := strings.CutPrefix(line, "# want: ")
				if ok && !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
		})
	}
}

func TestConfigDefaultsAndPaths(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "config", "full.good.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if time.Duration(c.Train.Window) != 60*24*time.Hour {
		t.Errorf("window = %v", time.Duration(c.Train.Window))
	}
	if got := c.Sources()[0]; got != filepath.Join("testdata", "config", "data", "**", "*.parquet") {
		t.Errorf("source resolved to %s", got)
	}
	if c.Train.Hidden[0] != 64 || c.Train.Seed != 7 || c.Optimize.Quantize.Bits != 8 {
		t.Errorf("train/optimize settings not decoded: %+v %+v", c.Train.Config, c.Optimize)
	}
	m, err := Parse([]byte("data: {source: x, time_column: t}\ntrain: {label: y, features: [a]}\n"), "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if m.Drift.Warn != 0.1 || m.Drift.Alert != 0.25 || m.Evaluate.Holdout != 0.1 || m.Workspace != "refit-workspace" {
		t.Errorf("defaults not applied: %+v", m)
	}
}

// Every config problem is a *yamlstrict.Error with its line and key path,
// and the error matches ErrConfig.
func TestConfigErrorsPositioned(t *testing.T) {
	_, err := Parse([]byte("data: {source: x, time_column: t}\ntrain: {label: y, features: [a]}\nschedules:\n  - {name: s, cron: \"0 99 * * *\", job: run}\n"), "c.yaml")
	var pe *yamlstrict.Error
	if !errors.Is(err, ErrConfig) || !errors.As(err, &pe) {
		t.Fatalf("got %v, want ErrConfig and a *yamlstrict.Error", err)
	}
	if pe.File != "c.yaml" || pe.Line != 4 || pe.Path != "schedules.0.cron" || !strings.Contains(pe.Msg, "above maximum") {
		t.Errorf("problem %+v", *pe)
	}
	if want := "invalid configuration:\n  c.yaml:4: schedules.0.cron: \"0 99 * * *\": "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q, want prefix %q", err, want)
	}
}
