package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/modelref"
	"github.com/refit-ml/refit/score"
	"github.com/refit-ml/refit/textout"
	"github.com/refit-ml/refit/train"
	"github.com/spf13/cobra"
)

func newPredictCmd(c *cli) *cobra.Command {
	var f modelRows
	var keep, out string
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
			if f.model == "" || len(f.data) == 0 || out == "" {
				return fmt.Errorf("--model, --data and --output are required (see '%s --help')", cmd.CommandPath())
			}
			var cols []string
			if keep != "" {
				cols = strings.Split(keep, ",")
			}
			return runPredict(cmd, c, f, cols, out)
		},
	}
	f.addFlags(cmd, "dataset: files, directories or globs", "score only rows where this expression is true")
	cmd.Flags().StringVar(&keep, "keep", "", "comma-separated columns to copy into the output (keys)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "Parquet file to write")
	return cmd
}

func runPredict(cmd *cobra.Command, c *cli, f modelRows, keep []string, out string) error {
	ctx := cmd.Context()
	lm, ds, src, err := f.open(ctx, c, "")
	if err != nil {
		return err
	}
	sc := score.New(lm.Model, score.Source{Ref: lm.Ref, Path: lm.Path, Version: lm.Version},
		score.Options{Threads: runtime.GOMAXPROCS(0)}) // large batches on every core
	err = score.WriteParquet(ctx, out, sc, ds.Schema(), src(ctx), score.WriteOptions{Keep: keep})
	if ke := (*score.KeepError)(nil); errors.As(err, &ke) {
		return fmt.Errorf("--keep %q: %w", ke.Column, ke.Err)
	}
	if err == nil {
		textout.OutOfRange(cmd.ErrOrStderr(), sc.OutOfRange())
	}
	return err
}

// modelRows are the model and the rows predict and estimate score.
type modelRows struct {
	model, workspace, where string
	data                    []string
}

// addFlags adds --model, --workspace (and --config), --data and --where,
// with the usage texts data and where.
func (f *modelRows) addFlags(cmd *cobra.Command, data, where string) {
	cmd.Flags().StringVar(&f.model, "model", "", "model file, or a version or alias (champion) in --workspace")
	workspaceFlag(cmd, &f.workspace)
	cmd.Flags().StringSliceVar(&f.data, "data", nil, data)
	cmd.Flags().StringVar(&f.where, "where", "", where)
}

// open loads the model and selects the rows of the data where the
// expression is true, with label's value when set (train.Select).
func (f *modelRows) open(ctx context.Context, c *cli, label string) (*modelref.Loaded, *ingest.Dataset, train.Source, error) {
	lm, err := modelref.Load(ctx, f.model, f.workspace)
	if err != nil {
		return nil, nil, nil, err
	}
	ds, err := ingest.Open(ctx, f.data, c.ingestOptions())
	if err != nil {
		return nil, nil, nil, err
	}
	src, err := exprSource(ds, f.where, label)
	return lm, ds, src, err
}
