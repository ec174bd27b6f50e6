package main

import (
	"fmt"
	"os"

	"github.com/refit-ml/refit/validate"
)

// Coverage helpers for `refit audit --coverage FILE`.

// loadCoverageConfig reads a YAML coverage config (strict: unknown keys
// fail).
func loadCoverageConfig(path string) (validate.CoverageConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return validate.CoverageConfig{}, fmt.Errorf("--coverage: %w", err)
	}
	return validate.DecodeCoverageConfig(path, b)
}
