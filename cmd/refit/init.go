package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/atomicfile"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/validate"
	"github.com/spf13/cobra"
)

// initFlags are the init command's options.
type initFlags struct {
	data       []string
	label      string
	timeColumn string
	force      bool
}

func newInitCmd(c *cli) *cobra.Command {
	var f initFlags
	cmd := &cobra.Command{
		Use:   "init [DIR] --data PATH",
		Short: "Start a project: a commented refit.yaml and expectations inferred from the data",
		Long: `init profiles the data and writes two files into DIR (default the current
directory): refit.yaml, with the columns it found listed in comments and a
working pipeline (time column, label, features, drift, pruning and int8,
gates, a nightly schedule), and expectations.yaml, the checks
'refit infer' proposes for the data. Edit both; 'refit help config' lists
every key.

The time column is the first timestamp or date column (--time-column to
choose). The label is --label, an expression over the columns ("delay >
15"), or the first true/false column. The features are the other columns,
without those the label reads and string columns whose values are nearly
all distinct (identifiers).

Existing files are left alone unless --force; each file is written whole
or not at all.`,
		Example: `  refit init --data data/flights.parquet --label 'delay > 15'
  refit init project --data 'data/**/*.parquet' --time-column ts --force`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return runInit(cmd, c, dir, f)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&f.data, "data", nil, "the data: files, directories or globs (required)")
	fl.StringVar(&f.label, "label", "", "what to predict, an expression over the columns (default: the first true/false column)")
	fl.StringVar(&f.timeColumn, "time-column", "", "the column that orders rows in time (default: the first timestamp or date column)")
	fl.BoolVar(&f.force, "force", false, "overwrite refit.yaml and expectations.yaml if they exist")
	return cmd
}

func runInit(cmd *cobra.Command, c *cli, dir string, f initFlags) error {
	if len(f.data) == 0 {
		return fmt.Errorf("--data is required: the files, directory or glob to start from (see '%s --help')", cmd.CommandPath())
	}
	cfgPath, expPath := filepath.Join(dir, "refit.yaml"), filepath.Join(dir, "expectations.yaml")
	if !f.force {
		for _, p := range []string{cfgPath, expPath} {
			if _, err := os.Stat(p); err == nil {
				return fmt.Errorf("%s exists: refit init leaves it alone (--force overwrites it)", p)
			}
		}
	}
	ctx := cmd.Context()
	ds, err := ingest.Open(ctx, f.data, c.ingestOptions())
	if err != nil {
		return err
	}
	prof, err := profileData(ctx, ds, "", cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	res := prof.Result(validate.ResultOptions{})
	p, err := planInit(ds.Schema(), res, f)
	if err != nil {
		return err
	}
	if p.source, err = relativeTo(dir, f.data); err != nil {
		return err
	}
	exp := validate.Infer(prof, validate.InferOptions{Source: strings.Join(f.data, ", ")})
	// A run checks each new batch, whose size is not the whole data's.
	exp.Rows = nil
	expYAML, err := exp.Encode()
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(expPath, expYAML, 0o644); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(cfgPath, []byte(p.yaml()), 0o644); err != nil {
		return err
	}
	if _, err := pipeline.Load(cfgPath); err != nil {
		return fmt.Errorf("the written %s does not load (a bug in refit init; edit it): %w", cfgPath, err)
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "wrote %s: label %s, %d features, time column %s\n", cfgPath, p.label, len(p.features), p.timeColumn)
	fmt.Fprintf(out, "wrote %s: checks of %d columns inferred from %s rows\n", expPath, len(exp.Columns), countText(res.Rows))
	_, err = fmt.Fprintf(out, "next: refit audit %s --expect %s, then refit run --config %s\n", strings.Join(f.data, " "), expPath, cfgPath)
	return err
}

// initPlan is what init writes into refit.yaml.
type initPlan struct {
	source             []string
	timeColumn, label  string
	binary             bool
	features, excluded []string
	columns            []validate.ColumnResult
	rows               int64
}

// planInit picks the time column, the label and the features.
func planInit(schema *arrow.Schema, res validate.ProfileResult, f initFlags) (*initPlan, error) {
	p := &initPlan{timeColumn: f.timeColumn, label: f.label, columns: res.Columns, rows: res.Rows}
	for _, fd := range schema.Fields() {
		switch fd.Type.ID() {
		case arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64:
			if p.timeColumn == "" {
				p.timeColumn = fd.Name
			}
		case arrow.BOOL:
			if p.label == "" {
				p.label = fd.Name
			}
		}
	}
	if p.timeColumn == "" {
		return nil, errors.New("no timestamp or date column to order rows by: give --time-column")
	}
	if !schema.HasField(p.timeColumn) {
		return nil, fmt.Errorf("--time-column %s: no such column", p.timeColumn)
	}
	if p.label == "" {
		return nil, errors.New("no true/false column to predict: give --label, an expression such as 'delay > 15'")
	}
	prog, err := colexpr.Compile(p.label, schema)
	if err != nil {
		return nil, fmt.Errorf("--label: %w", err)
	}
	p.binary = prog.MustBool() == nil
	for _, c := range res.Columns {
		switch {
		case slices.Contains(prog.Columns(), c.Name):
			p.excluded = append(p.excluded, c.Name+" (read by the label)")
		case c.Kind == "string" && c.Count > 100 && c.Distinct > c.Count/2:
			p.excluded = append(p.excluded, c.Name+" (nearly all values distinct: an identifier?)")
		default:
			p.features = append(p.features, c.Name)
		}
	}
	if len(p.features) == 0 {
		return nil, errors.New("no column is left to learn from once the label's are taken out")
	}
	return p, nil
}

// relativeTo rewrites relative data paths relative to dir, where
// refit.yaml goes (globs keep their pattern); absolute ones stay.
func relativeTo(dir string, data []string) ([]string, error) {
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
