// Package sample is a config for the reference tests.
package sample

// Root is the file.
type Root struct {
	// Name names it. Defaults to x.
	Name string `yaml:"name"`
	// Warn and Alert are thresholds.
	Warn  float64 `yaml:"warn"`
	Alert float64 `yaml:"alert"`
	Other int     `yaml:"other"`
	// Items are the entries.
	Items []Item `yaml:"items"`
	Inner struct {
		// Deep is deep.
		Deep bool `yaml:"deep"`
	} `yaml:"inner"`
	Checks map[string]*Item `yaml:"checks"`
	Hidden string           `yaml:"-"`
}

// Item is one entry.
type Item struct {
	// Key is a key.
	Key string `yaml:"key,omitempty"`
}
