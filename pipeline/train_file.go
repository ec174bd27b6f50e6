package pipeline

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/train"
)

// TrainRequest is one training on a dataset, as `refit train` runs it
// outside the pipeline.
type TrainRequest struct {
	// Data are the sources; Where selects their rows; Label is the label
	// expression or column, recorded in the model's lineage.
	Data         []string
	Label, Where string
	Features     []string
	// TimeColumn orders the rows for train.SplitTime; "" takes the data's
	// only timestamp or date column.
	TimeColumn string
	// Output is the model file to write.
	Output string
	// Config is the training's; its Progress is set from Progress.
	Config train.Config
	// Progress, when set, returns the epoch reporter for the data's
	// schema.
	Progress func(*arrow.Schema) func(train.Epoch)
	// Ingest are the options Data is opened with.
	Ingest ingest.Options
}

// TrainFile fits a model on the request's data (train.Fit), writes it to
// req.Output and summarizes it.
func TrainFile(ctx context.Context, req TrainRequest) (train.Summary, error) {
	ds, err := ingest.Open(ctx, req.Data, req.Ingest)
	if err != nil {
		return train.Summary{}, err
	}
	src, err := train.Select(ds.Records, ds.Schema(), req.Where, req.Label)
	if err != nil {
		return train.Summary{}, err
	}
	timeCol, err := timeColumnOf(ds.Schema(), req.Config.ValidationSplit, req.TimeColumn)
	if err != nil {
		return train.Summary{}, err
	}
	cfg := req.Config
	if req.Progress != nil {
		cfg.Progress = req.Progress(ds.Schema())
	}
	m, rep, err := train.Fit(ctx, cfg, train.Data{Train: src, Features: req.Features, Label: labelColumn,
		TimeColumn: timeCol, Lineage: map[string]string{evaluate.LineageLabel: req.Label}})
	if err != nil {
		return train.Summary{}, err
	}
	if err := m.Save(req.Output); err != nil {
		return train.Summary{}, err
	}
	return train.NewSummary(req.Output, m, rep), nil
}

// timeColumnOf is the column a time split orders rows by: given, or else
// the schema's only timestamp or date column. Other splits need none.
func timeColumnOf(s *arrow.Schema, split train.Split, given string) (string, error) {
	if split != train.SplitTime || given != "" {
		return given, nil
	}
	found := train.TimeColumns(s)
	if len(found) != 1 {
		return "", fmt.Errorf("--validation-split time: the data has %d timestamp or date columns (%s): name one with --time-column",
			len(found), strings.Join(found, ", "))
	}
	return found[0], nil
}
