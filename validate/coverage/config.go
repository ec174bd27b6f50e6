package coverage

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/refit-ml/refit/validate"
	"go.yaml.in/yaml/v3"
)

// Config configures [Measure]; it decodes from YAML such as
//
//	min_rows: 200
//	max_share_drop: 0.5
//	max_share_rise: 0.5
//	label: "delay > 15"
//	slices:
//	  long_haul: "distance > 2000"
//	  red_eye: "hour(date) < 5"
//
// The zero value uses the defaults and the automatic slices only.
type Config struct {
	// MinRows is the fewest rows a slice may have before it is a finding.
	// Defaults to 200.
	MinRows int64 `yaml:"min_rows" json:"min_rows"`
	// MaxShareDrop is the largest relative fall of a slice's share against
	// the reference, (ref − cur)/ref, before it is a finding. Defaults to
	// 0.5 (the share halved).
	MaxShareDrop float64 `yaml:"max_share_drop" json:"max_share_drop"`
	// MaxShareRise is the largest relative rise of a slice's share,
	// (cur − ref)/ref, before it is a finding: a tail or an edge case
	// that grows is as much news as one that shrinks. Defaults to 0.5
	// (the share up by half).
	MaxShareRise float64 `yaml:"max_share_rise" json:"max_share_rise"`
	// Slices maps names to boolean expressions over the columns (see
	// package colexpr).
	Slices map[string]string `yaml:"slices" json:"slices,omitempty"`
	// Label, when set, is a boolean expression whose rate is reported per
	// slice (rows where it is null are not counted).
	Label string `yaml:"label" json:"label,omitempty"`
	// MaxValues is the most distinct values a column may have to get one
	// automatic slice per value. Defaults to 20.
	MaxValues int `yaml:"max_values" json:"max_values"`
	// NoAuto turns the automatic slices off.
	NoAuto bool `yaml:"no_auto" json:"no_auto,omitempty"`
}

func (c Config) withDefaults() Config {
	c.MinRows = cmp.Or(c.MinRows, 200)
	c.MaxShareDrop = cmp.Or(c.MaxShareDrop, 0.5)
	c.MaxShareRise = cmp.Or(c.MaxShareRise, 0.5)
	c.MaxValues = cmp.Or(c.MaxValues, 20)
	return c
}

// Validate reports every impossible setting at once.
func (c Config) Validate() error {
	var errs []error
	if c.MinRows < 0 {
		errs = append(errs, fmt.Errorf("min_rows %d: want 0 or more", c.MinRows))
	}
	if c.MaxShareDrop < 0 || c.MaxShareDrop > 1 {
		errs = append(errs, fmt.Errorf("max_share_drop %g: want a fraction between 0 and 1", c.MaxShareDrop))
	}
	if c.MaxShareRise < 0 {
		errs = append(errs, fmt.Errorf("max_share_rise %g: want 0 or more", c.MaxShareRise))
	}
	if c.MaxValues < 0 {
		errs = append(errs, fmt.Errorf("max_values %d: want 0 or more", c.MaxValues))
	}
	for _, name := range slices.Sorted(maps.Keys(c.Slices)) {
		if c.Slices[name] == "" {
			errs = append(errs, fmt.Errorf("slice %q: empty expression", name))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("validate: coverage config: %w: %w", validate.ErrInvalidOptions, errors.Join(errs...))
	}
	return nil
}

// DecodeConfig decodes a YAML coverage config strictly (unknown
// keys fail) and validates it. name labels errors (a file name).
func DecodeConfig(name string, data []byte) (Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return c, fmt.Errorf("validate: coverage config %s: %w: %w", name, validate.ErrInvalidOptions, err)
	}
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}
