package main

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/train"
	"github.com/spf13/cobra"
)

// labelColumn is the column refit train adds for the --label expression.
const labelColumn = train.LabelColumn

// trainFlags are refit train's flags; most set cfg directly.
type trainFlags struct {
	cfg                    train.Config
	data                   []string
	label, features, where string
	hidden, out            string
	timeColumn             string
	format                 *string
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
	fl.StringSliceVar(&f.data, "data", nil, "dataset: files, directories or globs (repeat or comma-separate)")
	fl.StringVar(&f.label, "label", "", "label expression, e.g. 'delay > 15' or a column name")
	fl.StringVar(&f.features, "features", "", "comma-separated input columns")
	fl.StringVar(&f.where, "where", "", "train only on rows where this expression is true")
	fl.StringVar(&f.hidden, "hidden", "64,32", "comma-separated hidden layer widths (\"\" for none)")
	fl.StringVar((*string)(&f.cfg.Task), "task", "", "binary, multiclass or regression (default: from the label's type)")
	fl.StringVar(&f.cfg.ClassWeights, "class-weights", "", "\"\" or balanced")
	fl.IntVar(&f.cfg.Epochs, "epochs", 0, "maximum epochs (default 100)")
	fl.IntVar(&f.cfg.BatchSize, "batch-size", 512, "rows per Adam step")
	fl.IntVar(&f.cfg.Patience, "patience", 0, "stop after this many epochs without improvement (default 5)")
	fl.Float64Var(&f.cfg.LearningRate, "learning-rate", 0.002, "Adam learning rate")
	fl.Float64Var(&f.cfg.L2, "l2", 0, "L2 penalty on the weights")
	fl.Float64Var(&f.cfg.ValidationFraction, "validation-fraction", 0, "fraction of rows held out for early stopping (default 0.1)")
	fl.StringVar((*string)(&f.cfg.ValidationSplit), "validation-split", "", "held-out rows: random, tail (the last in source order) or time (the most recent by --time-column) (default random)")
	fl.StringVar(&f.timeColumn, "time-column", "", "column ordering rows in time for --validation-split time (default: the data's only timestamp or date column)")
	fl.Uint64Var(&f.cfg.Seed, "seed", 0, "random seed")
	fl.StringVarP(&f.out, "output", "o", "", "model file to write")
	f.format = formatFlag(cmd)
	fl.Lookup("format").Usage = "summary format: text or json"
	return cmd
}

func runTrain(cmd *cobra.Command, c *cli, f trainFlags) error {
	if len(f.data) == 0 || f.label == "" || f.features == "" || f.out == "" {
		return fmt.Errorf("--data, --label, --features and --output are required (see '%s --help')", cmd.CommandPath())
	}
	cfg, err := f.config()
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	ds, err := ingest.Open(ctx, f.data, c.ingestOptions())
	if err != nil {
		return err
	}
	src, err := exprSource(ds, f.where, f.label)
	if err != nil {
		return err
	}
	timeCol, err := f.timeColumnOf(ds.Schema(), cfg.ValidationSplit)
	if err != nil {
		return err
	}
	cfg.Progress = progressReporter(cmd.ErrOrStderr(), c.log, *f.format, cfg.Epochs, trainMetric(cfg.Task, f.label, ds.Schema()))
	m, rep, err := train.Fit(ctx, cfg, train.Data{Train: src, Features: strings.Split(f.features, ","), Label: labelColumn,
		TimeColumn: timeCol, Lineage: map[string]string{evaluate.LineageLabel: f.label}})
	if err != nil {
		return err
	}
	if err := m.Save(f.out); err != nil {
		return err
	}
	s := train.NewSummary(f.out, m, rep)
	return writeOut(cmd.OutOrStdout(), *f.format, s, s.WriteText)
}

// config is the training configuration: the flags, with --hidden parsed.
func (f trainFlags) config() (train.Config, error) {
	cfg := f.cfg
	for _, s := range strings.Split(f.hidden, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return cfg, fmt.Errorf("--hidden %q: want comma-separated widths", f.hidden)
		}
		cfg.Hidden = append(cfg.Hidden, n)
	}
	return cfg, cfg.Validate()
}

// timeColumnOf is the column --validation-split time orders rows by:
// --time-column, or else the schema's only timestamp or date column. Other
// splits need none.
func (f trainFlags) timeColumnOf(s *arrow.Schema, split train.Split) (string, error) {
	if split != train.SplitTime || f.timeColumn != "" {
		return f.timeColumn, nil
	}
	found := train.TimeColumns(s)
	if len(found) != 1 {
		return "", fmt.Errorf("--validation-split time: the data has %d timestamp or date columns (%s): name one with --time-column",
			len(found), strings.Join(found, ", "))
	}
	return found[0], nil
}

// exprSource yields ds's records selected by where and with label's
// value as labelColumn: see train.Select.
func exprSource(ds *ingest.Dataset, where, label string) (train.Source, error) {
	return train.Select(ds.Records, ds.Schema(), where, label)
}

// progressReporter shows each epoch: a rewritten line on a terminal, an
// info log line on log otherwise.
func progressReporter(w io.Writer, log *slog.Logger, format string, epochs int, metric string) func(train.Epoch) {
	if d := newDisplay(w, format); d != nil {
		return d.trainProgress(epochs, metric)
	}
	return func(e train.Epoch) {
		log.Info("epoch", "epoch", e.Epoch, "train_loss", e.TrainLoss, "valid_loss", e.ValidLoss,
			"valid_metric", e.ValidMetric, "improved", e.Improved, "stop", e.Stop)
	}
}
