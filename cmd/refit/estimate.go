package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/validate/estimate"
	"github.com/spf13/cobra"
)

// estimateAssumptions is what an estimate assumes, printed with it.
const estimateAssumptions = `Assumes no concept drift (labels depend on the features as they did on the
calibrator's holdout) and enough rows; the interval is the sampling spread
only.`

func newEstimateCmd(c *cli) *cobra.Command {
	var ref, workspace, where, label, format string
	var data []string
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
expected ROC curve gives the AUC. Each interval is the central --level of the
metric over labels drawn from the calibrated probabilities: how far the
realized metric may fall from the estimate by chance alone.

Assumptions (the estimate is wrong when they fail, by an amount it cannot
measure):
  - no concept drift: labels depend on the features as they did on the
    calibrator's holdout (covariate shift, the features moving, is fine);
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
			if ref == "" || len(data) == 0 {
				return fmt.Errorf("--model and --data are required (see '%s --help')", cmd.CommandPath())
			}
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			e, err := runEstimate(cmd, c, ref, workspace, data, where, label, opts)
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), e)
			}
			writeEstimate(cmd.OutOrStdout(), ref, e)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&ref, "model", "", "model file, or a version or alias (champion) in --workspace")
	workspaceFlag(cmd, &workspace)
	f.StringSliceVar(&data, "data", nil, "dataset: files, directories or globs (labels not needed)")
	f.StringVar(&where, "where", "", "estimate only on rows where this expression is true")
	f.StringVar(&label, "label", "", "to check the estimate: a label expression; rows with a label are estimated and their realized metrics shown beside")
	f.Float64Var(&opts.Threshold, "threshold", 0.5, "binary decision threshold on the model's probability")
	f.Float64Var(&opts.Level, "level", 0.95, "coverage of the intervals")
	f.IntVar(&opts.Samples, "samples", 400, "label draws behind the intervals")
	f.Uint64Var(&opts.Seed, "seed", 0, "seed of the label draws")
	f.StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

// estimateOutput is an estimate and, with --label, the realized metrics
// on the same rows.
type estimateOutput struct {
	estimate.Estimate
	Realized map[string]float64 `json:"realized,omitempty"`
}

func runEstimate(cmd *cobra.Command, c *cli, ref, workspace string, data []string, where, label string, opts estimate.Options) (estimateOutput, error) {
	ctx := cmd.Context()
	lm, err := loadModel(ctx, ref, workspace)
	if err != nil {
		return estimateOutput{}, err
	}
	ds, err := ingest.Open(ctx, data, c.ingestOptions())
	if err != nil {
		return estimateOutput{}, err
	}
	src, err := exprSource(ds, where, label)
	if err != nil {
		return estimateOutput{}, err
	}
	m := lm.m.WithThreads(runtime.GOMAXPROCS(0))
	var preds, buf []float32
	var labels []float64
	enc := m.LabelEncoder()
	for rec, err := range src(ctx) {
		if err == nil {
			buf, err = m.Predict(rec, buf)
		}
		if err == nil && label != "" {
			labels, err = appendLabels(labels, enc, rec.Column(int(rec.NumCols())-1))
		}
		if err != nil {
			return estimateOutput{}, err
		}
		preds = append(preds, buf...)
	}
	if len(preds) == 0 {
		return estimateOutput{}, fmt.Errorf("no rows to estimate on (check --data, --where and --label)")
	}
	e, err := estimate.FromModel(m, preds, opts)
	if err != nil || label == "" {
		return estimateOutput{Estimate: e}, err
	}
	realized, err := evaluate.Evaluate(evaluate.Task(m.Task()), labels, preds, evaluate.Options{Classes: m.OutputWidth(), Threshold: opts.Threshold})
	return estimateOutput{Estimate: e, Realized: realized.Metrics}, err
}

// appendLabels appends the class index of each label value in col.
func appendLabels(dst []float64, enc *model.LabelEncoder, col arrow.Array) ([]float64, error) {
	for i := range col.Len() {
		v, err := enc.Encode(col, i)
		if err != nil {
			return nil, err
		}
		dst = append(dst, v)
	}
	return dst, nil
}

func writeEstimate(w io.Writer, ref string, out estimateOutput) {
	e := out.Estimate
	fmt.Fprintf(w, "CBPE estimate of %s on %s rows without labels (calibrator: %s)\n", ref, numfmt.Count(int64(e.Rows)), e.Calibration)
	line := func(a, b, c, d string) {
		fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("%-16s %9s  %-18s  %s", a, b, c, d), " "))
	}
	realized := ""
	if out.Realized != nil {
		realized = "realized"
	}
	line("metric", "estimate", fmt.Sprintf("%g%% interval", e.Level*100), realized)
	for _, m := range e.Metrics {
		r := ""
		if v, ok := out.Realized[m.Name]; ok {
			r = fmt.Sprintf("%.4f", v)
		}
		line(m.Name, fmt.Sprintf("%.4f", m.Value), fmt.Sprintf("[%.4f, %.4f]", m.Lo, m.Hi), r)
	}
	if e.PositiveRate > 0 {
		fmt.Fprintf(w, "expected positive rate %.4f\n", e.PositiveRate)
	}
	for _, warn := range e.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	fmt.Fprintln(w, estimateAssumptions)
}
