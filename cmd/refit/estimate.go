package main

import (
	"fmt"

	"github.com/refit-ml/refit/validate/estimate"
	"github.com/spf13/cobra"
)

func newEstimateCmd(c *cli) *cobra.Command {
	var f modelRows
	var label, format string
	var opts estimate.Options
	cmd := &cobra.Command{
		Use:   "estimate --model M|champion --data D",
		Short: "Estimate a classifier's performance on rows without labels (CBPE)",
		Long: `estimate estimates accuracy, precision, recall, F1 and ROC AUC of a binary
model (multiclass: accuracy and macro averages) on the rows of --data, without
their labels: confidence-based performance estimation (CBPE, the method
NannyML introduced). The model's calibrator, fitted on holdout rows when it
was trained, turns each row's probability into the chance its label is
positive; their sums give the expected confusion matrix at the model's
decisions (probability >= --threshold, or the most probable class), and the
expected ROC curve gives the AUC. Each interval combines the central --level
of the metric over labels drawn from the calibrated probabilities (how far
the realized metric may fall by chance) with the calibration shift measured
on the calibrator's holdout (how far estimates missed between its time
chunks); both parts are printed.

Assumptions (the estimate is wrong when they fail):
  - limited concept drift: labels depend on the features about as they did
    on the calibrator's holdout, within the shift it showed (covariate
    shift, the features moving, is fine);
  - enough rows: below 1,000 the intervals are wide and a warning says so;
  - a model trained by this version of refit (older ones carry no
    calibrator: retrain them).

With --label (an expression such as 'delay > 15'), only rows with a label are
estimated, and their realized metrics are printed beside the estimates: a
check of the assumptions on data whose labels have arrived.

--model is a model file, or a version (v0003) or alias (champion) of the
registry in --workspace.`,
		Example: `  refit estimate --model late.refit --data flights.parquet --where 'month(date) == 4'
  refit estimate --model champion --data new/ --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.model == "" || len(f.data) == 0 {
				return fmt.Errorf("--model and --data are required (see '%s --help')", cmd.CommandPath())
			}
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			lm, _, src, err := f.open(cmd.Context(), c, label)
			if err != nil {
				return err
			}
			e, err := estimate.Records(cmd.Context(), lm.Model, src(cmd.Context()), label != "", opts)
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), e)
			}
			return e.WriteText(cmd.OutOrStdout(), f.model)
		},
	}
	f.addFlags(cmd, "dataset: files, directories or globs (labels not needed)", "estimate only on rows where this expression is true")
	fl := cmd.Flags()
	fl.StringVar(&label, "label", "", "to check the estimate: a label expression; rows with a label are estimated and their realized metrics shown beside")
	fl.Float64Var(&opts.Threshold, "threshold", 0.5, "binary decision threshold on the model's probability")
	fl.Float64Var(&opts.Level, "level", 0.95, "coverage of the intervals")
	fl.IntVar(&opts.Samples, "samples", 400, "label draws behind the intervals")
	fl.Uint64Var(&opts.Seed, "seed", 0, "seed of the label draws")
	fl.StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}
