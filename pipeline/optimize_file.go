package pipeline

import (
	"context"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/optimize"
	"github.com/refit-ml/refit/report"
	"github.com/refit-ml/refit/train"
)

// OptimizeRequest is one optimization of a model file on a dataset, as
// `refit optimize` runs it outside the pipeline.
type OptimizeRequest struct {
	// Model is the model file; Output the optimized model file to write.
	Model, Output string
	// Data are the validation sources; Where selects their rows and Label
	// is the label expression ("" takes the model's recorded label).
	Data         []string
	Label, Where string
	// FineTune fine-tunes while pruning, on the first 90% of the rows, and
	// measures on the rest; otherwise every row measures.
	FineTune bool
	// Options are the search's; FineTune is set from the rows.
	Options optimize.Options
	// Ingest are the options Data is opened with.
	Ingest ingest.Options
}

// OptimizeFile prunes and quantizes the model file req.Model within the
// tolerated metric drop, writes the result to req.Output, and measures
// both models in one interleaved run so their timings compare.
func OptimizeFile(ctx context.Context, req OptimizeRequest) (*report.Optimization, error) {
	m, err := model.Load(req.Model)
	if err != nil {
		return nil, err
	}
	label := req.Label
	if label == "" {
		label = evaluate.LabelOf(m)
	}
	ds, err := ingest.Open(ctx, req.Data, req.Ingest)
	if err != nil {
		return nil, err
	}
	src, err := train.Select(ds.Records, ds.Schema(), req.Where, label)
	if err != nil {
		return nil, err
	}
	split, err := optimize.ReadSplit(ctx, src, req.FineTune)
	if err != nil {
		return nil, err
	}
	defer split.Release()
	val, err := split.Validation(m, labelColumn)
	if err != nil {
		return nil, err
	}
	opts := req.Options
	if req.FineTune {
		opts.FineTune = &train.Data{Train: train.Records(split.FineTune...), Features: m.Preprocessor().Inputs(), Label: labelColumn}
	}
	res, err := optimize.Run(ctx, m, val, opts)
	if err != nil {
		return nil, err
	}
	if err := res.Model.Save(req.Output); err != nil {
		return nil, err
	}
	out := &report.Optimization{Rows: len(val.Labels), Result: res, Kernel: model.KernelISA(), Output: req.Output, Baseline: req.Model,
		MeasureRows: report.RowRange{From: split.Cut, To: split.Rows}}
	if split.Cut > 0 {
		out.FineTuneRows = &report.RowRange{From: 0, To: split.Cut}
	}
	cs, err := evaluate.MeasureCosts(ctx, []evaluate.CostInput{
		{Model: m, Path: req.Model, X: val.X}, {Model: res.Model, Path: req.Output, X: val.X}}, out.Rows, evaluate.CostOptions{})
	if err != nil {
		return nil, err
	}
	out.Before, out.After = cs[0].Metrics(), cs[1].Metrics()
	out.Before[res.Metric], out.After[res.Metric] = res.Baseline, res.Final
	return out, nil
}
