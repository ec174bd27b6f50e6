package demo

import "time"

// WriteMonth writes one month of generated rows of kind (Stable, Drift or
// Incident) as dir/month=YYYY-MM/part-0.parquet and returns its path. The
// same arguments give the same file.
func WriteMonth(dir string, month time.Time, kind string, rows int, seed uint64) (string, error) {
	return writeMonth(dir, month, kind, rows, seed)
}

// ConfigYAML is the demo's refit.yaml: data in "data", the workspace in
// "workspace", both relative to the file.
func ConfigYAML() string { return configYAML }
