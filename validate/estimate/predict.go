package estimate

import (
	"context"
	"fmt"
	"iter"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/model"
)

// Predict runs m over every record (each only read during its iteration)
// and returns the raw predictions of all rows, in order, and the number
// of rows. It checks ctx between records.
func Predict(ctx context.Context, m *model.Model, records iter.Seq2[arrow.Record, error]) ([]float32, int, error) {
	p := m.NewPredictor()
	var all, buf []float32
	rows := 0
	for rec, err := range records {
		if err == nil {
			err = ctx.Err()
		}
		if err == nil {
			buf, err = p.Predict(rec, buf)
		}
		if err != nil {
			return nil, 0, fmt.Errorf("estimate: predicting: %w", err)
		}
		all = append(all, buf...)
		rows += int(rec.NumRows())
	}
	return all, rows, nil
}
