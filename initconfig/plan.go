package initconfig

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/internal/atomicfile"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/validate/profile"
)

// File names init writes into the project directory.
const (
	ConfigFile       = "refit.yaml"
	ExpectationsFile = "expectations.yaml"
)

// Options are the user's choices; each works at its zero value.
type Options struct {
	// Label is what to predict, an expression over the columns. Defaults
	// to the first true/false column.
	Label string
	// TimeColumn orders rows in time. Defaults to the first timestamp or
	// date column.
	TimeColumn string
}

// Plan is what init writes into refit.yaml.
type Plan struct {
	// Source are the data paths, relative to the project directory.
	Source     []string
	TimeColumn string
	Label      string
	// Binary is set when the label is a true/false expression.
	Binary bool
	// Features are the columns to learn from; Excluded the others, each
	// with the reason.
	Features, Excluded []string
	// Columns and Rows describe the profiled data, listed in comments.
	Columns []profile.ColumnResult
	Rows    int64
}

// NewPlan picks the time column, the label and the features.
func NewPlan(schema *arrow.Schema, res profile.Result, opts Options) (*Plan, error) {
	p := &Plan{TimeColumn: opts.TimeColumn, Label: opts.Label, Columns: res.Columns, Rows: res.Rows}
	p.pickDefaults(schema)
	if p.TimeColumn == "" {
		return nil, errors.New("no timestamp or date column to order rows by: give --time-column")
	}
	if !schema.HasField(p.TimeColumn) {
		return nil, fmt.Errorf("--time-column %s: no such column", p.TimeColumn)
	}
	if p.Label == "" {
		return nil, errors.New("no true/false column to predict: give --label, an expression such as 'delay > 15'")
	}
	prog, err := colexpr.Compile(p.Label, schema)
	if err != nil {
		return nil, fmt.Errorf("--label: %w", err)
	}
	p.Binary = prog.MustBool() == nil
	for _, c := range res.Columns {
		switch {
		case slices.Contains(prog.Columns(), c.Name):
			p.Excluded = append(p.Excluded, c.Name+" (read by the label)")
		case c.Kind == "string" && c.Count > 100 && c.Distinct > c.Count/2:
			p.Excluded = append(p.Excluded, c.Name+" (nearly all values distinct: an identifier?)")
		default:
			p.Features = append(p.Features, c.Name)
		}
	}
	if len(p.Features) == 0 {
		return nil, errors.New("no column is left to learn from once the label's are taken out")
	}
	return p, nil
}

// pickDefaults fills the time column and label the user left empty.
func (p *Plan) pickDefaults(schema *arrow.Schema) {
	for _, fd := range schema.Fields() {
		switch fd.Type.ID() {
		case arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64:
			if p.TimeColumn == "" {
				p.TimeColumn = fd.Name
			}
		case arrow.BOOL:
			if p.Label == "" {
				p.Label = fd.Name
			}
		}
	}
}

// RelativeTo rewrites relative data paths relative to dir, where
// refit.yaml goes (globs keep their pattern); absolute ones stay.
func RelativeTo(dir string, data []string) ([]string, error) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(data))
	for i, d := range data {
		if filepath.IsAbs(d) {
			out[i] = d
			continue
		}
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, err
		}
		if out[i], err = filepath.Rel(absDir, abs); err != nil {
			out[i] = abs
		}
	}
	return out, nil
}

// CheckFree returns an error naming the first of dir's refit.yaml and
// expectations.yaml that exists.
func CheckFree(dir string) error {
	for _, name := range []string{ConfigFile, ExpectationsFile} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return fmt.Errorf("%s exists: refit init leaves it alone (--force overwrites it)", p)
		}
	}
	return nil
}

// Write writes the expectations and then the plan's refit.yaml into dir,
// each whole or not at all, and checks that the config loads.
func Write(dir string, p *Plan, expectationsYAML []byte) error {
	cfgPath, expPath := filepath.Join(dir, ConfigFile), filepath.Join(dir, ExpectationsFile)
	if err := atomicfile.WriteFile(expPath, expectationsYAML, 0o644); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(cfgPath, []byte(p.YAML()), 0o644); err != nil {
		return err
	}
	if _, err := pipeline.Load(cfgPath); err != nil {
		return fmt.Errorf("the written %s does not load (a bug in refit init; edit it): %w", cfgPath, err)
	}
	return nil
}
