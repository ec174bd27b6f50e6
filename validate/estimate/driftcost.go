package estimate

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/drift"
)

// DriftedInputs returns the features of r that drifted (warn or alert)
// and that m reads, in r's order.
func DriftedInputs(m *model.Model, r *drift.Report) []string {
	var features []string
	for _, f := range r.Features {
		if f.Verdict >= validate.VerdictWarn && slices.Contains(m.Preprocessor().Inputs(), f.Name) {
			features = append(features, f.Name)
		}
	}
	return features
}

// DriftCost estimates what each drifted feature's drift costs m: the
// CBPE estimate of m's headline metric (auc, or accuracy for multiclass)
// on the current rows, against the same rows with that feature's values
// drawn from the reference's (FeatureEffects). The records stay the
// caller's.
func DriftCost(ctx context.Context, m *model.Model, features []string, current, reference []arrow.Record) ([]Effect, error) {
	if len(features) == 0 {
		return nil, nil
	}
	values := map[string]arrow.Array{}
	for _, f := range features {
		a, err := concatColumn(reference, f)
		if err != nil {
			return nil, err
		}
		defer a.Release()
		values[f] = a
	}
	metric := AUC
	if m.Task() == model.TaskMulticlass {
		metric = Accuracy
	}
	return FeatureEffects(ctx, m, current, values, features, metric, Options{})
}

// concatColumn concatenates column name of recs; the caller releases it.
func concatColumn(recs []arrow.Record, name string) (arrow.Array, error) {
	var parts []arrow.Array
	for _, r := range recs {
		idx := r.Schema().FieldIndices(name)
		if len(idx) == 0 {
			return nil, fmt.Errorf("--model: no column %q in the reference", name)
		}
		parts = append(parts, r.Column(idx[0]))
	}
	if len(parts) == 0 {
		return nil, errors.New("--model: no reference rows")
	}
	return array.Concatenate(parts, memory.DefaultAllocator)
}
