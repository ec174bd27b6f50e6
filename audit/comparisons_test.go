package audit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-ml/refit/internal/profileio"
)

func TestComparisonsSteps(t *testing.T) {
	dir := t.TempDir()
	cov := filepath.Join(dir, "coverage.yaml")
	if err := os.WriteFile(cov, []byte("min_rows: 5\nslices:\n  night: \"hour(date) < 5\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("nope: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ref := profileio.Side{Sources: []string{"ref.json"}}
	tests := []struct {
		name  string
		c     Comparisons
		steps int
		err   string
	}{
		{"none", Comparisons{}, 0, ""},
		{"drift", Comparisons{Reference: ref, FailOnDrift: true}, 1, ""},
		{"coverage", Comparisons{Coverage: cov}, 1, ""},
		{"both", Comparisons{Reference: ref, Coverage: cov}, 2, ""},
		{"where without reference", Comparisons{Reference: profileio.Side{Where: "x"}}, 0, "--reference-where needs --reference"},
		{"fail without reference", Comparisons{FailOnDrift: true}, 0, "--fail-on-drift needs --reference"},
		{"missing coverage", Comparisons{Coverage: filepath.Join(dir, "missing.yaml")}, 0, "--coverage: "},
		{"bad coverage", Comparisons{Coverage: bad}, 0, "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			steps, err := tt.c.Steps("data.parquet")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Steps: %v, want an error with %q", err, tt.err)
				}
				return
			}
			if err != nil || len(steps) != tt.steps {
				t.Errorf("Steps: %d steps, %v; want %d", len(steps), err, tt.steps)
			}
		})
	}
}
