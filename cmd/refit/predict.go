package main

import (
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/score"
	"github.com/refit-ml/refit/textout"
	"github.com/spf13/cobra"
)

func newPredictCmd(c *cli) *cobra.Command {
	var modelPath, where, keep, out, workspace string
	var data []string
	cmd := &cobra.Command{
		Use:   "predict --model M --data D -o predictions.parquet",
		Short: "Score a dataset with a model and write the predictions as Parquet",
		Long: `predict scores the rows of --data that pass --where and writes a Parquet file
with the --keep columns and the predictions: binary, "prediction" (the
probability of the positive class) and "label" (at 0.5); multiclass, one
"prob_<class>" column per class and "label" (the most probable class);
regression, "prediction". Columns are stored in name order.

--model is a model file, which needs nothing beside it (its header carries
its checksum), or a version (v0003) or alias (champion) of the registry in
--workspace.`,
		Example: `  refit predict --model late.refit --data flights.parquet \
    --where 'month(date) == 3' --keep date,origin -o march.parquet
  refit predict --model champion --workspace ./refit-workspace --data new.parquet -o scores.parquet`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if modelPath == "" || len(data) == 0 || out == "" {
				return fmt.Errorf("--model, --data and --output are required (see '%s --help')", cmd.CommandPath())
			}
			var cols []string
			if keep != "" {
				cols = strings.Split(keep, ",")
			}
			return runPredict(cmd, c, modelPath, workspace, data, where, cols, out)
		},
	}
	cmd.Flags().StringVar(&modelPath, "model", "", "model file, or a version or alias (champion) in --workspace")
	workspaceFlag(cmd, &workspace)
	cmd.Flags().StringSliceVar(&data, "data", nil, "dataset: files, directories or globs")
	cmd.Flags().StringVar(&where, "where", "", "score only rows where this expression is true")
	cmd.Flags().StringVar(&keep, "keep", "", "comma-separated columns to copy into the output (keys)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "Parquet file to write")
	return cmd
}

func runPredict(cmd *cobra.Command, c *cli, ref, workspace string, data []string, where string, keep []string, out string) error {
	ctx := cmd.Context()
	lm, err := loadModel(ctx, ref, workspace)
	if err != nil {
		return err
	}
	sc := score.New(lm.m, score.Source{Ref: lm.Ref, Path: lm.Path, Version: lm.Version},
		score.Options{Threads: runtime.GOMAXPROCS(0)}) // large batches on every core
	ds, err := ingest.Open(ctx, data, c.ingestOptions())
	if err != nil {
		return err
	}
	src, err := exprSource(ds, where, "")
	if err != nil {
		return err
	}
	err = score.WriteParquet(ctx, out, sc, ds.Schema(), src(ctx), score.WriteOptions{Keep: keep})
	if ke := (*score.KeepError)(nil); errors.As(err, &ke) {
		return fmt.Errorf("--keep %q: %w", ke.Column, ke.Err)
	}
	if err != nil {
		return err
	}
	textout.OutOfRange(cmd.ErrOrStderr(), sc.OutOfRange())
	return nil
}
