package main

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/progress"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/train"
	"github.com/spf13/cobra"
)

// trainFlags are refit train's flags; most set cfg directly.
type trainFlags struct {
	req              pipeline.TrainRequest
	features, hidden string
	format           *string
}

func newTrainCmd(c *cli) *cobra.Command {
	var f trainFlags
	cmd := &cobra.Command{
		Use:   "train --data D --label EXPR --features a,b,c -o model.refit",
		Short: "Train a model on a dataset",
		Long: `train fits an MLP (gorgonia, minibatch Adam, early stopping on a held-out
10% of the rows) on the rows of --data that pass --where, with the label
given by an expression, and saves the model. With --hidden "" it is a
logistic, softmax or linear regression. The same data, flags and --seed give
the same model bytes.`,
		Example: `  refit train --data flights.parquet --where 'month(date) <= 2' \
    --label 'delay > 15' --features distance,date,origin,destination \
    --hidden 64,32 -o late.refit`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runTrain(cmd, c, f) },
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&f.req.Data, "data", nil, "dataset: files, directories or globs (repeat or comma-separate)")
	fl.StringVar(&f.req.Label, "label", "", "label expression, e.g. 'delay > 15' or a column name")
	fl.StringVar(&f.features, "features", "", "comma-separated input columns")
	fl.StringVar(&f.req.Where, "where", "", "train only on rows where this expression is true")
	fl.StringVar(&f.hidden, "hidden", "64,32", "comma-separated hidden layer widths (\"\" for none)")
	fl.StringVar((*string)(&f.req.Config.Task), "task", "", "binary, multiclass or regression (default: from the label's type)")
	fl.StringVar(&f.req.Config.ClassWeights, "class-weights", "", "\"\" or balanced")
	fl.IntVar(&f.req.Config.Epochs, "epochs", 0, "maximum epochs (default 100)")
	fl.IntVar(&f.req.Config.BatchSize, "batch-size", 512, "rows per Adam step")
	fl.IntVar(&f.req.Config.Patience, "patience", 0, "stop after this many epochs without improvement (default 5)")
	fl.Float64Var(&f.req.Config.LearningRate, "learning-rate", 0.002, "Adam learning rate")
	fl.Float64Var(&f.req.Config.L2, "l2", 0, "L2 penalty on the weights")
	fl.Float64Var(&f.req.Config.ValidationFraction, "validation-fraction", 0, "fraction of rows held out for early stopping (default 0.1)")
	fl.StringVar((*string)(&f.req.Config.ValidationSplit), "validation-split", "", "held-out rows: random, tail (the last in source order) or time (the most recent by --time-column) (default random)")
	fl.StringVar(&f.req.TimeColumn, "time-column", "", "column ordering rows in time for --validation-split time (default: the data's only timestamp or date column)")
	fl.Uint64Var(&f.req.Config.Seed, "seed", 0, "random seed")
	fl.StringVarP(&f.req.Output, "output", "o", "", "model file to write")
	f.format = formatFlag(cmd)
	fl.Lookup("format").Usage = "summary format: text or json"
	return cmd
}

func runTrain(cmd *cobra.Command, c *cli, f trainFlags) error {
	r := f.req
	if len(r.Data) == 0 || r.Label == "" || f.features == "" || r.Output == "" {
		return fmt.Errorf("--data, --label, --features and --output are required (see '%s --help')", cmd.CommandPath())
	}
	var err error
	if r.Config.Hidden, err = train.ParseHidden(f.hidden); err != nil {
		return fmt.Errorf("--hidden %q: want comma-separated widths", f.hidden)
	}
	if err := r.Config.Validate(); err != nil {
		return err
	}
	r.Features, r.Ingest = strings.Split(f.features, ","), c.ingestOptions()
	r.Progress = func(s *arrow.Schema) func(train.Epoch) {
		if d := progress.New(cmd.ErrOrStderr(), *f.format); d != nil {
			return d.Train(r.Config.Epochs, pipeline.MetricOfLabel(r.Config.Task, r.Label, s))
		}
		return train.LogEpochs(c.log)
	}
	s, err := pipeline.TrainFile(cmd.Context(), r)
	if err != nil {
		return err
	}
	return writeOut(cmd.OutOrStdout(), *f.format, s, s.WriteText)
}

// exprSource yields ds's records selected by where and with label's
// value as labelColumn: see train.Select.
func exprSource(ds *ingest.Dataset, where, label string) (train.Source, error) {
	return train.Select(ds.Records, ds.Schema(), where, label)
}
