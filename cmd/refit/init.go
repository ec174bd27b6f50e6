package main

import (
	"fmt"
	"strings"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/initconfig"
	"github.com/refit-ml/refit/validate/expect"
	"github.com/refit-ml/refit/validate/profile"
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
	if !f.force {
		if err := initconfig.CheckFree(dir); err != nil {
			return err
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
	res := prof.Result(profile.ResultOptions{})
	p, err := initconfig.NewPlan(ds.Schema(), res, initconfig.Options{Label: f.label, TimeColumn: f.timeColumn})
	if err != nil {
		return err
	}
	if p.Source, err = initconfig.RelativeTo(dir, f.data); err != nil {
		return err
	}
	exp := expect.Infer(prof, expect.InferOptions{Source: strings.Join(f.data, ", ")})
	// A run checks each new batch, whose size is not the whole data's.
	exp.Rows = nil
	expYAML, err := exp.Encode()
	if err != nil {
		return err
	}
	if err := initconfig.Write(dir, p, expYAML); err != nil {
		return err
	}
	return p.WriteSummary(cmd.OutOrStdout(), dir, f.data, len(exp.Columns), res.Rows)
}
